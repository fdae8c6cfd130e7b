// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: message operations: RECV, REPLY, REPLY_RECV and a
 * well-formed server loop, CONN_REGION, CHAN_INFO and CHAN_SHUTDOWN on
 * channel fds, CALL and SEND on connection fds (and asynchronous calls:
 * CALL with FASTIPC_F_ASYNC, REAP, CANCEL), the NOTIFY/WAIT doorbell, and
 * raw ioctl numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define SIZED(cmd, sz) _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (sz))

/* A buffer capacity: never more than the buffer when the pointer is ours. */
static uint32_t cap_for(struct fz_thr *t, uint64_t ptr, const void *buf)
{
	uint64_t cap = fz_chance(t, 60) ? FZ_PAYLOAD : fz_size(t, 256);

	if (ptr == (uintptr_t)buf && cap > FZ_PAYLOAD)
		cap = FZ_PAYLOAD;
	return (uint32_t)cap;
}

static size_t serve_size(struct fz_thr *t)
{
	return fz_chance(t, 80) ? sizeof(struct fastipc_serve) :
		FASTIPC_SERVE_SIZE_VER0;
}

static void recv_part(struct fz_thr *t, struct fastipc_serve *s)
{
	s->buf_ptr = fz_out_ptr(t, t->rbuf);
	s->buf_cap = cap_for(t, s->buf_ptr, t->rbuf);
	s->flags = fz_wait_flags(t, &s->timeout_ns, false);
}

static void reply_part(struct fz_thr *t, struct fastipc_serve *s,
		       const struct fz_recent *r, bool have)
{
	uint64_t max = have && r->reply_max ? r->reply_max : 64;

	s->reply_id = have && fz_chance(t, 75) ? r->msg_id : fz_foreign_msg(t);
	s->reply_ptr = fz_in_ptr(t, t->payload);
	s->reply_len = (uint32_t)(fz_chance(t, 70) ? fz_below(t, max + 1) :
				  fz_size(t, max));
	if (s->reply_ptr == (uintptr_t)t->payload && s->reply_len > FZ_PAYLOAD &&
	    fz_chance(t, 90))
		s->reply_len = FZ_PAYLOAD;
	s->reply_status = (int32_t)(fz_chance(t, 80) ? fz_below(t, 3) : fz_rand(t));
	fz_desc(t, &s->reply_desc, FASTIPC_AREA_S2C, NULL);
	if (fz_chance(t, 8)) {
		/* a need: no payload, any length (a pointer is -EINVAL) */
		s->flags |= FASTIPC_F_REPLY_NEED;
		if (fz_chance(t, 90))
			s->reply_ptr = 0;
		if (fz_chance(t, 90))
			memset(&s->reply_desc, 0, sizeof(s->reply_desc));
		s->reply_len = (uint32_t)fz_rand(t);
	}
}

static int serve_ioctl(struct fz_thr *t, int fd, unsigned long cmd,
		       struct fastipc_serve *s)
{
	size_t size = serve_size(t);
	int ret;

	if (size < sizeof(*s))
		memset(&s->reply_desc, 0, sizeof(*s) - size);
	ret = fz_ioctl(t, fd, SIZED(cmd, size), s, size,
		       FASTIPC_SERVE_SIZE_VER0);
	if (s->out_flags & FASTIPC_SERVE_REPLIED)
		__atomic_fetch_add(&t->p->sh->replied, 1, __ATOMIC_RELAXED);
	fz_slot_dead(t, fd, ret);
	if (s->out_flags & FASTIPC_SERVE_RECEIVED) {
		fz_recent_add(t, fd, &s->hdr);
		__atomic_fetch_add(&t->p->sh->received, 1, __ATOMIC_RELAXED);
	}
	return ret;
}

int op_recv(struct fz_thr *t)
{
	struct fastipc_serve s;
	struct fz_slot sl;

	memset(&s, 0, sizeof(s));
	recv_part(t, &s);
	if (fz_chance(t, 3))
		s.reply_id = fz_foreign_msg(t);	/* must be 0 for RECV */
	return serve_ioctl(t, fz_slot_pick(t, FZ_CHAN, &sl), FASTIPC_IOC_RECV, &s);
}

/* A channel fd: mostly the one the picked message came from. */
static int reply_fd(struct fz_thr *t, const struct fz_recent *r, bool have)
{
	struct fz_slot sl;

	if (have && r->chan_fd >= 3 && fz_chance(t, 75))
		return r->chan_fd;
	return fz_slot_pick(t, FZ_CHAN, &sl);
}

int op_reply(struct fz_thr *t)
{
	struct fastipc_serve s;
	struct fz_recent r;
	bool have = fz_recent_pick(t, &r);

	memset(&s, 0, sizeof(s));
	reply_part(t, &s, &r, have);
	if (fz_chance(t, 3))
		s.buf_cap = 1;			/* must be 0 for REPLY */
	return serve_ioctl(t, reply_fd(t, &r, have), FASTIPC_IOC_REPLY, &s);
}

int op_reply_recv(struct fz_thr *t)
{
	struct fastipc_serve s;
	struct fz_recent r;
	bool have = fz_recent_pick(t, &r);

	memset(&s, 0, sizeof(s));
	reply_part(t, &s, &r, have);
	recv_part(t, &s);
	return serve_ioctl(t, reply_fd(t, &r, have), FASTIPC_IOC_REPLY_RECV, &s);
}

/* A well-formed server step: receive, answer requests, take regions. */
int op_serve(struct fz_thr *t)
{
	struct fastipc_serve s;
	struct fz_slot sl;
	int fd = fz_slot_pick(t, FZ_CHAN, &sl);
	int i, ret = 0;

	for (i = 0; i < 4; i++) {
		memset(&s, 0, sizeof(s));
		s.buf_ptr = (uintptr_t)t->rbuf;
		s.buf_cap = FZ_PAYLOAD;
		s.flags = FASTIPC_F_TIMEOUT;
		s.timeout_ns = fz_below(t, 10000000);
		ret = ioctl(fd, FASTIPC_IOC_RECV, &s) ? -errno : 0;
		if (ret) {
			fz_slot_dead(t, fd, ret);
			break;
		}
		fz_recent_add(t, fd, &s.hdr);
		__atomic_fetch_add(&t->p->sh->received, 1, __ATOMIC_RELAXED);
		if (s.hdr.type == FASTIPC_MSG_CONNECT && fz_chance(t, 40)) {
			struct fastipc_conn_region cr = { .conn_id = s.hdr.conn_id };
			int rfd = ioctl(fd, FASTIPC_IOC_CONN_REGION, &cr);

			if (rfd >= 0)
				fz_slot_add(t, rfd, FZ_REGION, cr.conn_id, &cr.layout);
		}
		if (s.hdr.type != FASTIPC_MSG_REQUEST || fz_chance(t, 15))
			continue;
		memset(&s.reply_desc, 0, 2 * sizeof(s.desc));
		s.reply_id = s.hdr.msg_id;
		s.reply_ptr = (uintptr_t)t->payload;
		s.reply_len = (uint32_t)fz_below(t, (s.hdr.reply_max < 512 ?
						     s.hdr.reply_max : 512) + 1);
		s.reply_status = (int32_t)fz_below(t, 5);
		s.buf_ptr = 0;
		s.buf_cap = 0;
		s.flags = 0;
		s.timeout_ns = 0;
		if (!ioctl(fd, FASTIPC_IOC_REPLY, &s))
			__atomic_fetch_add(&t->p->sh->replied, 1, __ATOMIC_RELAXED);
	}
	return ret;
}

int op_conn_region(struct fz_thr *t)
{
	struct fastipc_conn_region c;
	struct fz_recent r;
	bool have = fz_recent_pick(t, &r);
	int fd = reply_fd(t, &r, have);
	int ret;

	memset(&c, 0, sizeof(c));
	c.conn_id = have && fz_chance(t, 70) ? r.conn_id : fz_foreign_conn(t);
	c.flags = fz_flags(t, 0);
	if (fz_chance(t, 3))
		c.pad = 1;
	ret = fz_ioctl(t, fd, FASTIPC_IOC_CONN_REGION, &c, sizeof(c),
		       FASTIPC_CONN_REGION_SIZE_VER0);
	if (ret >= 0)
		fz_slot_add(t, ret, FZ_REGION, c.conn_id, &c.layout);
	return ret;
}

int op_chan_info(struct fz_thr *t)
{
	struct fastipc_chan_info ci;
	struct fz_slot sl;
	int fd = fz_slot_pick(t, fz_chance(t, 90) ? FZ_CHAN : FZ_ANY, &sl);

	memset(&ci, 0, sizeof(ci));
	ci.flags = fz_chance(t, 95) ? 0 : fz_flags(t, 0);
	if (fz_chance(t, 5))
		ci.nr_conns = (uint32_t)fz_rand(t);	/* out only: ignored */
	return fz_ioctl(t, fd, FASTIPC_IOC_CHAN_INFO, &ci, sizeof(ci),
			FASTIPC_CHAN_INFO_SIZE_VER0);
}

/*
 * Shut receives down less often than restore them: a channel left shut
 * down only makes its callers wait out their timeouts.
 */
int op_chan_shutdown(struct fz_thr *t)
{
	struct fastipc_chan_shutdown cs;
	struct fz_slot sl;
	int fd = fz_slot_pick(t, fz_chance(t, 90) ? FZ_CHAN : FZ_ANY, &sl);

	memset(&cs, 0, sizeof(cs));
	if (fz_chance(t, 90))
		cs.shut = fz_chance(t, 35) ? FASTIPC_SHUT_RECV : 0;
	else
		cs.shut = fz_flags(t, FASTIPC_SHUT_RECV);
	cs.flags = fz_chance(t, 95) ? 0 : fz_flags(t, 0);
	return fz_ioctl(t, fd, FASTIPC_IOC_CHAN_SHUTDOWN, &cs, sizeof(cs),
			FASTIPC_CHAN_SHUTDOWN_SIZE_VER0);
}

static int call_common(struct fz_thr *t, unsigned long cmd, bool call)
{
	struct fastipc_call c;
	struct fz_slot sl;
	int fd = fz_slot_pick(t, FZ_CONN, &sl);
	size_t size = fz_chance(t, 80) ? sizeof(c) : FASTIPC_CALL_SIZE_VER0;
	int ret;

	memset(&c, 0, sizeof(c));
	c.req_ptr = fz_in_ptr(t, t->payload);
	c.req_len = (uint32_t)(fz_chance(t, 70) ? fz_below(t, 512) :
			       fz_size(t, 4096));
	if (c.req_len <= 64)
		fz_fill(t, t->payload, c.req_len);
	c.op = (uint32_t)(fz_chance(t, 80) ? fz_below(t, 8) : fz_rand(t));
	if (call || fz_chance(t, 3)) {
		c.rep_ptr = fz_out_ptr(t, t->rbuf);
		c.rep_cap = cap_for(t, c.rep_ptr, t->rbuf);
	}
	c.flags = fz_wait_flags(t, &c.timeout_ns, call);
	if (fz_chance(t, call ? 3 : 20)) {
		/* asynchronous: the reply buffer comes at REAP */
		c.flags |= FASTIPC_F_ASYNC;
		if (fz_chance(t, 90))
			c.rep_ptr = 0;
	}
	if (fz_chance(t, 10))
		c.rep_need = (uint32_t)fz_rand(t);	/* out only */
	if (fz_chance(t, 30))
		c.resv = 1;
	if (fz_chance(t, 3))
		c.status = 1;
	if (size == sizeof(c)) {
		fz_desc(t, &c.req_desc, FASTIPC_AREA_C2S,
			sl.has_layout ? &sl.layout : NULL);
		if (fz_chance(t, 3))
			c.rep_desc.area = FASTIPC_AREA_S2C;
	}
	ret = fz_ioctl(t, fd, SIZED(cmd, size), &c, size, FASTIPC_CALL_SIZE_VER0);
	fz_slot_dead(t, fd, ret);
	return ret;
}

int op_call(struct fz_thr *t)
{
	return call_common(t, FASTIPC_IOC_CALL, true);
}

int op_send(struct fz_thr *t)
{
	return call_common(t, FASTIPC_IOC_SEND, false);
}

/* Collect a completed asynchronous call, into a buffer of any size. */
int op_reap(struct fz_thr *t)
{
	struct fastipc_reap r;
	struct fz_slot sl;

	memset(&r, 0, sizeof(r));
	r.rep_ptr = fz_out_ptr(t, t->rbuf);
	r.rep_cap = fz_chance(t, 20) ? (uint32_t)fz_below(t, 300) :
		cap_for(t, r.rep_ptr, t->rbuf);
	r.flags = fz_wait_flags(t, &r.timeout_ns, false);
	if (fz_chance(t, 3))
		r.pad = 1;
	if (fz_chance(t, 3))
		r.pad2 = 1;
	if (fz_chance(t, 3))
		r.error = 1;				/* out only */
	return fz_ioctl(t, fz_slot_pick(t, FZ_CONN, &sl), FASTIPC_IOC_REAP, &r,
			sizeof(r), FASTIPC_REAP_SIZE_VER0);
}

/* Cancel a call: mostly one a server has seen, so possibly ours. */
int op_cancel(struct fz_thr *t)
{
	struct fastipc_cancel c;
	struct fz_recent r;
	struct fz_slot sl;
	bool have = fz_recent_pick(t, &r);

	memset(&c, 0, sizeof(c));
	c.msg_id = have && fz_chance(t, 80) ? r.msg_id : fz_foreign_msg(t);
	c.flags = fz_flags(t, 0);
	if (fz_chance(t, 3))
		c.pad = 1;
	return fz_ioctl(t, fz_slot_pick(t, FZ_CONN, &sl), FASTIPC_IOC_CANCEL,
			&c, sizeof(c), FASTIPC_CANCEL_SIZE_VER0);
}

static int bell_fd(struct fz_thr *t)
{
	struct fz_slot sl;

	return fz_slot_pick(t, fz_chance(t, 50) ? FZ_CONN : FZ_REGION, &sl);
}

int op_notify(struct fz_thr *t)
{
	unsigned long cmd = FASTIPC_IOC_NOTIFY;
	int fd = bell_fd(t);

	if (fz_chance(t, 5))
		cmd = _IOC(fz_below(t, 4), FASTIPC_IOC_MAGIC, 0x22, fz_size(t, 8) & _IOC_SIZEMASK);
	if (ioctl(fd, cmd, fz_chance(t, 80) ? 0UL : (unsigned long)fz_rand(t)))
		return -errno;
	return 0;
}

int op_wait(struct fz_thr *t)
{
	struct fastipc_wait w;

	memset(&w, 0, sizeof(w));
	w.eventcount = (uint32_t)(fz_chance(t, 70) ? fz_below(t, 4) : fz_rand(t));
	w.flags = fz_wait_flags(t, &w.timeout_ns, false);
	return fz_ioctl(t, bell_fd(t), FASTIPC_IOC_WAIT, &w, sizeof(w),
			FASTIPC_WAIT_SIZE_VER0);
}

/* Any number in the fastipc range, any size and direction, any content. */
int op_raw_ioctl(struct fz_thr *t)
{
	static const unsigned int sizes[] = { 0, 8, 16, 40, 56, 88, 96, 104,
					      136, 176, 216, 224, 4096, 16383 };
	struct fz_slot sl;
	int fd = fz_slot_pick(t, FZ_ANY, &sl);
	unsigned int nr = (unsigned int)(fz_chance(t, 85) ? fz_below(t, 0x40) :
					 fz_below(t, 256));
	unsigned int size = fz_chance(t, 80) ?
		sizes[fz_below(t, sizeof(sizes) / sizeof(sizes[0]))] :
		(unsigned int)fz_below(t, _IOC_SIZEMASK + 1);
	unsigned long cmd = _IOC(fz_below(t, 4), FASTIPC_IOC_MAGIC, nr, size);
	uint64_t ptr = (uintptr_t)t->argbuf;

	memset(t->argbuf, 0, FZ_ARGBUF);
	if (fz_chance(t, 50))
		fz_fill(t, t->argbuf, fz_below(t, 256));
	if (fz_chance(t, 10))
		ptr = fz_bad_ptr(t);
	if (ioctl(fd, cmd, ptr) < 0)
		return -errno;
	return 0;
}
