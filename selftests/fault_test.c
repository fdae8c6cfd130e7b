// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc under systematic fault injection. For each ioctl (and mmap) in a
 * scripted scenario: set the scenario up, fail the n-th fault site the call
 * reaches (/proc/self/task/<tid>/fail-nth: an allocation, a page, or a user
 * copy), make the call, and check that a failure is an error the ABI
 * documents and leaves nothing half made: no new fd or mapping, the
 * module's channel, connection, message and region counts back where they
 * were, no message a peer should not see, and the scenario still works.
 * n runs 1, 2, 3... until the call no longer reaches the n-th site. The
 * fixture and that walk are in fault_walk.h; this file is the scenarios.
 *
 * Skipped as a whole on a kernel without fail-nth (Debian's); `make
 * kselftest-debug` runs it on the debug kernel, where kmemleak is scanned
 * after the suite.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "failnth.h"
#include "modstat.h"
#include "fault_walk.h"

/* ---- control fd -------------------------------------------------------- */

static int api_call(env_t *e)
{
	struct fastipc_api a;

	memset(&a, 0, sizeof(a));
	a.api = FASTIPC_API_VERSION;
	return fipc_ioctl(e->ctl, FASTIPC_IOC_API, &a);
}

static const struct scenario sc_api = {
	"API", E_FAULT, 0, NULL, api_call, NULL, NULL,
};

static int create_call(env_t *e)
{
	e->made = fipc_create(e->ctl, e->other, 0xfa017ULL, 0600);
	return e->made;
}

static int create_verify(env_t *e, int ret)
{
	struct fastipc_chan_stat st;
	struct fastipc_chan_ref ref;

	/* Neither the name nor the key may survive a failed create. */
	CHECK((fipc_stat(e->ctl, e->other, &st) == 0) == (ret >= 0));
	memset(&st, 0, sizeof(st));
	fipc_ref_key(&ref, 0xfa017ULL);
	st.ref = ref;
	CHECK((fipc_ioctl(e->ctl, FASTIPC_IOC_CHAN_STAT, &st) == 0) ==
	      (ret >= 0));
	return 0;
}

static const struct scenario sc_create = {
	"CHAN_CREATE", E_NOMEM | E_FAULT, 0, NULL, create_call,
	create_verify, close_made,
};

static __u64 connect_size;

static int connect_call(env_t *e)
{
	struct fastipc_connect c;

	e->made = connect_rgn(e->ctl, e->name, connect_size, &c);
	return e->made;
}

static int connect_verify(env_t *e, int ret)
{
	/* The server hears of a connection only if the client got it. */
	CHECK(nr_conns(e) == (ret >= 0 ? 3 : 2));
	CHECK(queued(e) == (ret >= 0 ? 1 : 0));
	return 0;
}

static int connect_undo(env_t *e, int ret)
{
	CHECK(closefd_ret(&e->made) == 0);
	CHECK(drain(e->chan) == (ret >= 0 ? 2 : 0));
	return 0;
}

static const struct scenario sc_connect = {
	"CONNECT", E_NOMEM | E_FAULT, 0, NULL, connect_call,
	connect_verify, connect_undo,
};

static const struct scenario sc_connect_region = {
	"CONNECT+region", E_NOMEM | E_FAULT, 0, NULL, connect_call,
	connect_verify, connect_undo,
};

static int stat_call(env_t *e)
{
	struct fastipc_chan_stat st;
	int ret = fipc_stat(e->ctl, e->name, &st);

	return ret < 0 ? ret : st.nr_conns == 2 ? 0 : -EPROTO;
}

static const struct scenario sc_stat = {
	"CHAN_STAT", E_FAULT, 0, NULL, stat_call, NULL, NULL,
};

static int set_prepare(env_t *e)
{
	struct fastipc_chan_stat st;

	CHECK(fipc_stat(e->ctl, e->name, &st) == 0);
	e->mode_old = st.perm.mode;
	e->mode_new = st.perm.mode ^ 0040;
	return 0;
}

static int set_call(env_t *e)
{
	return fipc_set(e->ctl, e->name, FASTIPC_SET_MODE, 0, 0, e->mode_new);
}

static int set_verify(env_t *e, int ret)
{
	struct fastipc_chan_stat st;

	CHECK(fipc_stat(e->ctl, e->name, &st) == 0);
	CHECK(st.perm.mode == (ret ? e->mode_old : e->mode_new));
	return 0;
}

static const struct scenario sc_set = {
	"CHAN_SET", E_FAULT, 0, set_prepare, set_call, set_verify, NULL,
};

static int rmid_prepare(env_t *e)
{
	e->tmp = fipc_create(e->ctl, e->other, 0, 0600);
	CHECK(e->tmp >= 0);
	return 0;
}

static int rmid_call(env_t *e)
{
	return fipc_rmid(e->ctl, e->other);
}

static int rmid_verify(env_t *e, int ret)
{
	struct fastipc_chan_stat st;

	CHECK((fipc_stat(e->ctl, e->other, &st) == 0) == (ret < 0));
	return 0;
}

static int rmid_undo(env_t *e, int ret)
{
	(void)ret;
	return closefd_ret(&e->tmp);
}

static const struct scenario sc_rmid = {
	"CHAN_RMID", E_FAULT, 0, rmid_prepare, rmid_call, rmid_verify,
	rmid_undo,
};

/* ---- channel fd -------------------------------------------------------- */

static int recv_prepare(env_t *e)
{
	CHECK(fipc_send(e->conn, 7, payload, sizeof(payload), 0) == 0);
	return 0;
}

static int recv_call(env_t *e)
{
	unsigned char buf[PAYLOAD];
	int ret;

	memset(buf, 0, sizeof(buf));
	ret = fipc_recv(e->chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK, 0,
			NULL);
	if (ret >= 0 && memcmp(buf, payload, sizeof(buf)))
		return -EPROTO;
	return ret < 0 ? ret : 0;
}

static int recv_verify(env_t *e, int ret)
{
	/* A receive that fails leaves the message queued. */
	CHECK(queued(e) == (ret < 0));
	return 0;
}

static int recv_undo(env_t *e, int ret)
{
	CHECK(drain(e->chan) == (ret < 0));
	return 0;
}

static const struct scenario sc_recv = {
	"RECV", E_FAULT, 0, recv_prepare, recv_call, recv_verify, recv_undo,
};

/* A CALL from a background thread, received: a request outstanding. */
static int reply_prepare(env_t *e)
{
	unsigned char buf[PAYLOAD];
	struct fastipc_msg_hdr h;

	memset(e->rep, 0, sizeof(e->rep));
	fipc_call_init(&e->bgc, 5, payload, 8, e->rep, sizeof(e->rep));
	CHECK(fipc_bg_start(&e->bg, e->conn, FASTIPC_IOC_CALL, &e->bgc) == 0);
	CHECK(fipc_recv_type(e->chan, FASTIPC_MSG_REQUEST, buf, sizeof(buf),
			     &h) == 8);
	e->req_id = h.msg_id;
	e->out_flags = 0;
	return 0;
}

static int reply_call(env_t *e)
{
	return fipc_reply(e->chan, e->req_id, payload, sizeof(payload), 3,
			  &e->out_flags);
}

/*
 * Did the request stay outstanding? Answer it again: 0 if it did, -ENOENT
 * if the reply went out. Either way the caller gets exactly one reply.
 */
static int reply_again(env_t *e)
{
	__u32 fl = 0;
	int again;

	again = fipc_reply(e->chan, e->req_id, payload, sizeof(payload), 3,
			   &fl);
	if (again == 0 && fl != FASTIPC_SERVE_REPLIED)
		return -EPROTO;
	return again;
}

/*
 * A failed reply leaves the request outstanding, so answering it again
 * works; after a delivered one there is nothing left to answer. The one
 * exception: -EFAULT from writing the struct back after the reply went
 * out, which cannot be taken back (the uapi says "nothing is done" on
 * -EFAULT): counted as late.
 */
static int reply_verify(env_t *e, int ret)
{
	int again = reply_again(e);

	if (ret == 0)
		CHECK(again == -ENOENT &&
		      e->out_flags == FASTIPC_SERVE_REPLIED);
	else if (ret == -EFAULT && again == -ENOENT)
		e->late++;
	else
		CHECK(again == 0);
	return 0;
}

static int reply_undo(env_t *e, int ret)
{
	(void)ret;
	CHECK(fipc_bg_join(&e->bg) == 0);
	CHECK(e->bgc.status == 3 && e->bgc.rep_len == sizeof(payload));
	CHECK(!memcmp(e->rep, payload, sizeof(payload)));
	return 0;
}

/*
 * Make the connection's first call, which leaves its request slot behind
 * (one more live message), before a walk counts the module's messages.
 */
static int warm_slot(env_t *e)
{
	if (reply_prepare(e))
		return -1;
	CHECK(reply_call(e) == 0);
	return reply_undo(e, 0);
}

static const struct scenario sc_reply = {
	"REPLY", E_NOMEM | E_FAULT, 0, reply_prepare, reply_call, reply_verify,
	reply_undo,
};

static int reply_recv_prepare(env_t *e)
{
	if (reply_prepare(e))
		return -1;
	CHECK(fipc_send(e->conn, 8, payload, sizeof(payload), 0) == 0);
	return 0;
}

static int reply_recv_call(env_t *e)
{
	unsigned char buf[PAYLOAD];
	struct fastipc_serve s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.reply_id = e->req_id;
	s.reply_ptr = (uintptr_t)payload;
	s.reply_len = sizeof(payload);
	s.reply_status = 3;
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = sizeof(buf);
	s.flags = FASTIPC_F_NONBLOCK;
	ret = fipc_ioctl(e->chan, FASTIPC_IOC_REPLY_RECV, &s);
	e->out_flags = s.out_flags;
	if (!ret && (s.hdr.op != 8 || memcmp(buf, payload, sizeof(buf))))
		return -EPROTO;
	return ret;
}

/*
 * out_flags tell what was done, on error too: the reply went out iff
 * REPLIED, the message was taken iff RECEIVED (only on success).
 */
static int reply_recv_verify(env_t *e, int ret)
{
	int replied = !!(e->out_flags & FASTIPC_SERVE_REPLIED);
	int again;

	CHECK(ret < 0 || e->out_flags == (FASTIPC_SERVE_REPLIED |
					  FASTIPC_SERVE_RECEIVED));
	CHECK(ret == 0 || !(e->out_flags & FASTIPC_SERVE_RECEIVED));
	CHECK(queued(e) == (ret < 0));
	again = reply_again(e);
	if (!replied && ret == -EFAULT && again == -ENOENT)
		e->late++;
	else
		CHECK(again == (replied ? -ENOENT : 0));
	return 0;
}

static int reply_recv_undo(env_t *e, int ret)
{
	CHECK(drain(e->chan) == (ret < 0));
	return reply_undo(e, ret);
}

static const struct scenario sc_reply_recv = {
	"REPLY_RECV", E_NOMEM | E_FAULT, 0, reply_recv_prepare,
	reply_recv_call, reply_recv_verify, reply_recv_undo,
};

static int conn_region_call(env_t *e)
{
	e->made = conn_region(e->chan, e->rconn_id, NULL);
	return e->made;
}

static const struct scenario sc_conn_region = {
	"CONN_REGION", E_NOMEM | E_FAULT, 0, NULL, conn_region_call,
	NULL, close_made,
};

/* ---- connection fd ----------------------------------------------------- */

static void *echo_fn(void *arg)
{
	struct echo_srv *srv = arg;
	unsigned char buf[PAYLOAD];
	struct fastipc_serve s;
	int n;

	while (!srv->stop) {
		n = fipc_recv(srv->chan, buf, sizeof(buf), FASTIPC_F_TIMEOUT,
			      20 * FIPC_MS, &s);
		if (n < 0 || s.hdr.type != FASTIPC_MSG_REQUEST)
			continue;
		srv->seen++;
		fipc_reply(srv->chan, s.hdr.msg_id, buf, n, 0, NULL);
		srv->done++;
	}
	return NULL;
}

static int call_prepare(env_t *e)
{
	e->srv_seen = e->srv.seen;
	return 0;
}

static int call_call(env_t *e)
{
	unsigned char rep[PAYLOAD];
	struct fastipc_call c;
	int ret;

	memset(rep, 0, sizeof(rep));
	fipc_call_init(&c, 4, payload, sizeof(payload), rep, sizeof(rep));
	ret = fipc_ioctl(e->conn, FASTIPC_IOC_CALL, &c);
	if (!ret && (c.rep_len != sizeof(payload) ||
		     memcmp(rep, payload, sizeof(rep))))
		return -EPROTO;
	return ret;
}

/*
 * A call that failed before it was queued is unseen; once the server has
 * it, only copying the reply out can still fail. Either way the message
 * is freed once the server is done.
 */
static int call_verify(env_t *e, int ret)
{
	struct timespec ts = { 0, FIPC_MS };
	int i;

	for (i = 0; i < 5000 && e->srv.done != e->srv.seen; i++)
		nanosleep(&ts, NULL);
	CHECK(e->srv.done == e->srv.seen);
	if (ret == 0)
		CHECK(e->srv.seen == e->srv_seen + 1);
	else if (e->srv.seen != e->srv_seen)
		CHECK(ret == -EFAULT && ++e->late);
	CHECK(queued(e) == 0);
	return 0;
}

static const struct scenario sc_call = {
	"CALL", E_NOMEM | E_FAULT, 0, call_prepare, call_call, call_verify,
	NULL,
};

static int send_call(env_t *e)
{
	return fipc_send(e->conn, 6, payload, sizeof(payload), 0);
}

/*
 * As for CALL: -ENOMEM means nothing was sent; -EFAULT may also come from
 * writing the struct back (msg_id) after the message was queued.
 */
static int send_verify(env_t *e, int ret)
{
	e->nqueued = queued(e);
	CHECK(e->nqueued == (ret == 0) || (ret == -EFAULT && e->nqueued == 1));
	e->late += ret < 0 && e->nqueued;
	return 0;
}

static int send_undo(env_t *e, int ret)
{
	(void)ret;
	CHECK(drain(e->chan) == e->nqueued);
	return 0;
}

static const struct scenario sc_send = {
	"SEND", E_NOMEM | E_FAULT, 0, NULL, send_call, send_verify,
	send_undo,
};

static int notify_call(env_t *e)
{
	return fipc_ioctl(e->rconn, FASTIPC_IOC_NOTIFY, NULL);
}

static const struct scenario sc_notify = {
	"NOTIFY", 0, 0, NULL, notify_call, NULL, NULL,
};

static int wait_call(env_t *e)
{
	struct fastipc_wait w;

	/* The server's eventcount is 0: a WAIT for a change returns at once. */
	memset(&w, 0, sizeof(w));
	w.eventcount = 1;
	w.flags = FASTIPC_F_NONBLOCK;
	return fipc_ioctl(e->rconn, FASTIPC_IOC_WAIT, &w);
}

static const struct scenario sc_wait = {
	"WAIT", E_FAULT, 0, NULL, wait_call, NULL, NULL,
};

static int map_half(env_t *e, int fd, __u64 off)
{
	e->map_len = e->l.half_size;
	e->map = mmap(NULL, e->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, off);
	if (e->map != MAP_FAILED)
		return 0;
	e->map = NULL;
	return -errno;
}

static int mmap_client_call(env_t *e)
{
	return map_half(e, e->rconn, e->l.client_off);
}

static int mmap_server_call(env_t *e)
{
	return map_half(e, e->rfd, e->l.server_off);
}

static int mmap_verify(env_t *e, int ret)
{
	/* The new mapping works (its first touch faults the page in). */
	if (!ret)
		CHECK(((volatile __u32 *)e->map)[0] == FASTIPC_REGION_MAGIC);
	return 0;
}

static int mmap_undo(env_t *e, int ret)
{
	(void)ret;
	if (e->map)
		CHECK(munmap(e->map, e->map_len) == 0);
	e->map = NULL;
	return 0;
}

static const struct scenario sc_mmap_client = {
	"mmap(connection)", E_NOMEM, 1, NULL, mmap_client_call,
	mmap_verify, mmap_undo,
};

static const struct scenario sc_mmap_server = {
	"mmap(region fd)", E_NOMEM, 1, NULL, mmap_server_call,
	mmap_verify, mmap_undo,
};

/* ---- tests ------------------------------------------------------------- */

TEST_F(fault, api) { walk(_metadata, self, &sc_api); }
TEST_F(fault, chan_create) { walk(_metadata, self, &sc_create); }

/*
 * Regression: a CONNECT whose struct could not be written back after the
 * connection joined its channel (fault at the last copy-out) returned
 * -EFAULT, yet the server received CONNECT and DISCONNECT for it.
 */
TEST_F(fault, connect_no_phantom_connect_on_efault)
{
	connect_size = 0;
	walk(_metadata, self, &sc_connect);
}

/*
 * Regression: a failed inode allocation in shmem_file_setup() made CONNECT
 * with a region fail with -ENOSPC, which the ABI reserves for the
 * per-user connection quota.
 */
TEST_F(fault, connect_region_enomem_not_enospc)
{
	connect_size = RGN_SIZE;
	walk(_metadata, self, &sc_connect_region);
}

TEST_F(fault, chan_stat) { walk(_metadata, self, &sc_stat); }
TEST_F(fault, chan_set) { walk(_metadata, self, &sc_set); }
TEST_F(fault, chan_rmid) { walk(_metadata, self, &sc_rmid); }
TEST_F(fault, recv) { walk(_metadata, self, &sc_recv); }
TEST_F(fault, reply)
{
	ASSERT_EQ(0, warm_slot(self));
	walk(_metadata, self, &sc_reply);
}

TEST_F(fault, reply_recv)
{
	ASSERT_EQ(0, warm_slot(self));
	walk(_metadata, self, &sc_reply_recv);
}
TEST_F(fault, conn_region) { walk(_metadata, self, &sc_conn_region); }

TEST_F(fault, call)
{
	self->srv.chan = self->chan;
	ASSERT_EQ(0, pthread_create(&self->srv.th, NULL, echo_fn, &self->srv));
	/* First, the slot (see warm_slot()): the walk covers its reuse. */
	ASSERT_EQ(0, call_call(self));
	walk(_metadata, self, &sc_call);
	self->srv.stop = 1;
	pthread_join(self->srv.th, NULL);
}

TEST_F(fault, send) { walk(_metadata, self, &sc_send); }
TEST_F(fault, notify) { walk(_metadata, self, &sc_notify); }
TEST_F(fault, wait) { walk(_metadata, self, &sc_wait); }
TEST_F(fault, mmap_connection) { walk(_metadata, self, &sc_mmap_client); }
TEST_F(fault, mmap_region_fd) { walk(_metadata, self, &sc_mmap_server); }

TEST_HARNESS_MAIN
