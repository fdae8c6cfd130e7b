// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: Binder, driven through the kernel's /dev/binder uapi
 * directly (no libbinder): what Android's binderThroughputTest measures,
 * minus the library.
 *
 * The server process is the device's context manager (handle 0) and runs
 * PAIRS looper threads; each client process opens /dev/binder itself and
 * sends synchronous transactions to handle 0.
 *
 * What one round trip costs:
 *  client  1 ioctl (BINDER_WRITE_READ): BC_FREE_BUFFER of the previous
 *          reply and BC_TRANSACTION go down; BR_TRANSACTION_COMPLETE and
 *          BR_REPLY come back (the driver holds the first until the reply
 *          is there), as libbinder does it.
 *  server  2 ioctls: one writes BC_FREE_BUFFER of the request and BC_REPLY
 *          and reads BR_TRANSACTION_COMPLETE; the next one blocks until
 *          BR_TRANSACTION hands over the next request.
 *  copies  the request once, by the driver in the client's ioctl, from the
 *          client's memory into the server's binder mapping, where the
 *          server reads it in place; the 8-byte reply the same way into the
 *          client's mapping.
 *
 * Sizes: requests land in the server's mapping, which the driver caps at
 * 4 MiB per process; a synchronous transaction may use all of it (only
 * one-way ones are held to half), so the PAIRS requests in flight must fit
 * in 4 MiB together. The server frees a request before it replies, so the
 * client's next request never finds the old one still there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/android/binder.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

#define BINDER_DEV	"/dev/binder"
#define SRV_MAP_SIZE	(4UL << 20)	/* the driver's cap per process */
#define CLI_MAP_SIZE	(16UL << 10)	/* replies only: 8 bytes each */
#define TXN_CODE	1		/* any code: the server ignores it */
#define WBUF_SIZE	256		/* a reply and a few acknowledgments */
/* Room for the driver to return a transaction (it wants tr + 4 free). */
#define RBUF_SIZE	(4 * sizeof(struct binder_transaction_data_secctx))
#define CTX_MGR_WAIT_MS	5000		/* for a killed server's release */

/* The server process's connection (c->srv). */
struct binder_srv {
	int fd;
	void *map;
};

/* One thread's traffic on a connection: commands out, returns in. */
struct binder_io {
	int fd;
	const char *who;		/* for messages */
	unsigned char wbuf[WBUF_SIZE];
	size_t wlen;
	unsigned char rbuf[RBUF_SIZE];
	size_t rlen, rpos;
};

/* The payload of a return command (the ones we take). */
union binder_arg {
	struct binder_transaction_data tr;
	struct binder_ptr_cookie ptr_cookie;
	binder_uintptr_t ptr;
	uint8_t raw[sizeof(struct binder_transaction_data_secctx)];
};

struct binder_client {
	struct binder_io io;
	void *map;
	size_t size;
	void *req;			/* written by bench_fill() */
	binder_uintptr_t reply;		/* reply buffer to free, or 0 */
	bool have_reply;
};

static int binder_open_map(size_t map_size, int *fd, void **map,
			   const char *who)
{
	struct binder_version ver = { 0 };
	int ret;

	*fd = open(BINDER_DEV, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return bench_err(-errno, "%s: open %s", who, BINDER_DEV);
	if (ioctl(*fd, BINDER_VERSION, &ver) < 0) {
		ret = bench_err(-errno, "%s: BINDER_VERSION", who);
		goto err;
	}
	if (ver.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		ret = bench_err(-EPROTONOSUPPORT,
				"%s: binder protocol %d, built for %d", who,
				ver.protocol_version,
				BINDER_CURRENT_PROTOCOL_VERSION);
		goto err;
	}
	/* The driver refuses writable mappings: it alone writes there. */
	*map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, *fd, 0);
	if (*map == MAP_FAILED) {
		ret = bench_err(-errno, "%s: mmap %zu bytes of %s", who,
				map_size, BINDER_DEV);
		goto err;
	}
	return 0;
err:
	close(*fd);
	*fd = -1;
	return ret;
}

static int cmd_put(struct binder_io *io, uint32_t cmd, const void *arg,
		   size_t len)
{
	if (io->wlen + sizeof(cmd) + len > sizeof(io->wbuf))
		return bench_err(-ENOBUFS, "%s: command buffer full (0x%x)",
				 io->who, cmd);
	memcpy(io->wbuf + io->wlen, &cmd, sizeof(cmd));
	if (len)
		memcpy(io->wbuf + io->wlen + sizeof(cmd), arg, len);
	io->wlen += sizeof(cmd) + len;
	return 0;
}

static int cmd_put_ptr(struct binder_io *io, uint32_t cmd,
		       binder_uintptr_t ptr)
{
	return cmd_put(io, cmd, &ptr, sizeof(ptr));
}

/*
 * One BINDER_WRITE_READ: write the queued commands, then read what the
 * driver returns (blocking until there is something), or only write when
 * @read is false.
 */
static int binder_talk(struct binder_io *io, bool read)
{
	struct binder_write_read bwr = {
		.write_size = io->wlen,
		.write_buffer = (uintptr_t)io->wbuf,
		.read_size = read ? sizeof(io->rbuf) : 0,
		.read_buffer = (uintptr_t)io->rbuf,
	};

	/* After EINTR the driver resumes from the consumed counts. */
	while (ioctl(io->fd, BINDER_WRITE_READ, &bwr) < 0) {
		if (errno != EINTR)
			return bench_err(-errno, "%s: BINDER_WRITE_READ",
					 io->who);
	}
	if (bwr.write_consumed != bwr.write_size)
		return bench_err(-EIO, "%s: driver took %llu of %zu command bytes",
				 io->who, (unsigned long long)bwr.write_consumed,
				 io->wlen);
	io->wlen = 0;
	io->rlen = bwr.read_consumed;
	io->rpos = 0;
	return 0;
}

/* Take the next return command: 1, 0 when none is left, or -errno. */
static int cmd_next(struct binder_io *io, uint32_t *cmd, union binder_arg *arg)
{
	size_t len;

	if (io->rpos == io->rlen)
		return 0;
	if (io->rlen - io->rpos < sizeof(*cmd)) {
		bench_err(-EPROTO, "%s: %zu stray bytes after the returns",
			  io->who, io->rlen - io->rpos);
		return -EPROTO;
	}
	memcpy(cmd, io->rbuf + io->rpos, sizeof(*cmd));
	io->rpos += sizeof(*cmd);
	/* The driver sends BR_ERROR without the int its encoding declares. */
	len = *cmd == BR_ERROR ? 0 : _IOC_SIZE(*cmd);
	if (len > sizeof(*arg) || io->rlen - io->rpos < len) {
		bench_err(-EPROTO, "%s: return 0x%x: %zu-byte payload, %zu left",
			  io->who, *cmd, len, io->rlen - io->rpos);
		return -EPROTO;
	}
	memcpy(arg, io->rbuf + io->rpos, len);
	io->rpos += len;
	return 1;
}

/* The driver's reason for the last failed transaction of this thread. */
static int failed_reply(struct binder_io *io)
{
	struct binder_extended_error ee = { 0 };

	if (ioctl(io->fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0 || !ee.param)
		return bench_err(-ECOMM, "%s: BR_FAILED_REPLY (see dmesg)",
				 io->who);
	return bench_err(ee.param < 0 ? ee.param : -ECOMM,
			 "%s: BR_FAILED_REPLY (transaction %u)", io->who,
			 ee.id);
}

/*
 * A return command that is not the one a side waits for: 0 if it needs no
 * more than an acknowledgment (queued), else what went wrong.
 */
static int cmd_other(struct binder_io *io, uint32_t cmd,
		     const union binder_arg *arg)
{
	switch (cmd) {
	case BR_NOOP:
	case BR_TRANSACTION_COMPLETE:	/* the driver took our command */
	case BR_SPAWN_LOOPER:		/* a fixed pool of PAIRS threads */
	case BR_RELEASE:
	case BR_DECREFS:
		return 0;
	case BR_INCREFS:
		return cmd_put(io, BC_INCREFS_DONE, &arg->ptr_cookie,
			       sizeof(arg->ptr_cookie));
	case BR_ACQUIRE:
		return cmd_put(io, BC_ACQUIRE_DONE, &arg->ptr_cookie,
			       sizeof(arg->ptr_cookie));
	case BR_FAILED_REPLY:
		return failed_reply(io);
	case BR_DEAD_REPLY:
		return bench_err(-EPIPE, "%s: BR_DEAD_REPLY (no context manager, or it died)",
				 io->who);
	case BR_FROZEN_REPLY:
		return bench_err(-EPIPE, "%s: BR_FROZEN_REPLY", io->who);
	case BR_ERROR:
		return bench_err(-EIO, "%s: BR_ERROR", io->who);
	}
	return bench_err(-EPROTO, "%s: unexpected return command 0x%x",
			 io->who, cmd);
}

/* ---- server ---- */

/*
 * Become the context manager. The driver releases a killed server's
 * context (the previous run's) from a work item after its files close:
 * wait for that on -EBUSY.
 */
static int set_context_mgr(int fd)
{
	struct flat_binder_object obj = { .hdr.type = BINDER_TYPE_BINDER };
	struct timespec ms = { .tv_nsec = 1000000 };
	int waited, err = 0;

	for (waited = 0; waited < CTX_MGR_WAIT_MS; waited++) {
		if (ioctl(fd, BINDER_SET_CONTEXT_MGR_EXT, &obj) == 0)
			return 0;
		err = -errno;
		if (err != -EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	return bench_err(err, "binder server: BINDER_SET_CONTEXT_MGR_EXT");
}

static int binder_server_init(struct mech_ctx *c)
{
	struct binder_srv *srv = calloc(1, sizeof(*srv));
	int ret;

	if (!srv)
		return bench_err(-ENOMEM, "binder server state");
	ret = binder_open_map(SRV_MAP_SIZE, &srv->fd, &srv->map,
			      "binder server");
	if (ret < 0)
		goto err_free;
	ret = set_context_mgr(srv->fd);
	if (ret < 0)
		goto err_close;
	c->srv = srv;
	return 0;
err_close:
	munmap(srv->map, SRV_MAP_SIZE);
	close(srv->fd);
err_free:
	free(srv);
	return ret;
}

/* Sum a request, free its buffer and queue the checksum as the reply. */
static int serve_txn(struct mech_ctx *c, struct binder_io *io,
		     const struct binder_transaction_data *tr, uint64_t *sum)
{
	struct binder_transaction_data reply = {
		.data_size = sizeof(*sum),
		.data.ptr.buffer = (uintptr_t)sum,
	};
	int ret;

	if (tr->flags & TF_ONE_WAY)
		return bench_err(-EPROTO, "%s: one-way transaction", io->who);
	if (tr->data_size != c->size || tr->offsets_size)
		return bench_err(-EPROTO, "%s: %llu-byte request (%llu of offsets), want %zu",
				 io->who, (unsigned long long)tr->data_size,
				 (unsigned long long)tr->offsets_size,
				 c->size);
	*sum = bench_sum((const void *)(uintptr_t)tr->data.ptr.buffer,
			 c->size);
	ret = cmd_put_ptr(io, BC_FREE_BUFFER, tr->data.ptr.buffer);
	if (ret < 0)
		return ret;
	return cmd_put(io, BC_REPLY, &reply, sizeof(reply));
}

static int binder_serve(struct mech_ctx *c, unsigned int pair)
{
	struct binder_srv *srv = c->srv;
	struct binder_io *io = calloc(1, sizeof(*io));
	union binder_arg arg;
	uint64_t sum;
	uint32_t cmd;
	int ret;

	(void)pair;
	if (!io)
		return bench_err(-ENOMEM, "binder server thread state");
	io->fd = srv->fd;
	io->who = "binder server";
	ret = cmd_put(io, BC_ENTER_LOOPER, NULL, 0);
	while (ret >= 0) {
		ret = binder_talk(io, true);
		while (ret >= 0 && (ret = cmd_next(io, &cmd, &arg)) > 0) {
			if (cmd == BR_TRANSACTION)
				ret = serve_txn(c, io, &arg.tr, &sum);
			else
				ret = cmd_other(io, cmd, &arg);
		}
	}
	free(io);
	return ret;
}

/* ---- client ---- */

static int binder_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct binder_client *cl = calloc(1, sizeof(*cl));
	int ret;

	(void)pair;
	if (!cl)
		return bench_err(-ENOMEM, "binder client state");
	cl->size = c->size;
	cl->io.who = "binder client";
	cl->req = malloc(c->size ? c->size : 1);
	if (!cl->req) {
		ret = bench_err(-ENOMEM, "binder client: %zu-byte request",
				c->size);
		goto err;
	}
	ret = binder_open_map(CLI_MAP_SIZE, &cl->io.fd, &cl->map,
			      cl->io.who);
	if (ret < 0)
		goto err;
	*state = cl;
	return 0;
err:
	free(cl->req);
	free(cl);
	return ret;
}

/* Check a reply, keep its buffer to free with the next command. */
static int take_reply(struct binder_client *cl,
		      const struct binder_transaction_data *tr, uint64_t want)
{
	uint64_t got;

	cl->reply = tr->data.ptr.buffer;
	cl->have_reply = true;
	if (tr->flags & TF_STATUS_CODE)
		return bench_err(-EPROTO, "%s: status reply", cl->io.who);
	if (tr->data_size != sizeof(got))
		return bench_err(-EPROTO, "%s: %llu-byte reply, want %zu",
				 cl->io.who, (unsigned long long)tr->data_size,
				 sizeof(got));
	memcpy(&got, (const void *)(uintptr_t)tr->data.ptr.buffer,
	       sizeof(got));
	return got == want ? 0 : -EBADMSG;
}

/* Queue the free of the last reply (if any) and the request. */
static int queue_request(struct binder_client *cl)
{
	struct binder_transaction_data tr = {
		.target.handle = 0,
		.code = TXN_CODE,
		.data_size = cl->size,
		.data.ptr.buffer = (uintptr_t)cl->req,
	};
	int ret;

	if (cl->have_reply) {
		ret = cmd_put_ptr(&cl->io, BC_FREE_BUFFER, cl->reply);
		if (ret < 0)
			return ret;
		cl->have_reply = false;
	}
	return cmd_put(&cl->io, BC_TRANSACTION, &tr, sizeof(tr));
}

static int binder_round(void *state, uint64_t seed)
{
	struct binder_client *cl = state;
	union binder_arg arg;
	uint64_t want;
	uint32_t cmd;
	int ret;

	want = bench_fill(cl->req, cl->size, seed);
	ret = queue_request(cl);
	while (ret >= 0) {
		ret = binder_talk(&cl->io, true);
		while (ret >= 0 && (ret = cmd_next(&cl->io, &cmd, &arg)) > 0) {
			if (cmd == BR_REPLY)
				return take_reply(cl, &arg.tr, want);
			ret = cmd_other(&cl->io, cmd, &arg);
		}
	}
	return ret;
}

static int binder_teardown(void *state, unsigned long rounds, char *note,
			   size_t cap)
{
	struct binder_client *cl = state;
	int ret = 0;

	(void)rounds;
	if (cap)
		note[0] = '\0';
	if (cl->have_reply) {
		ret = cmd_put_ptr(&cl->io, BC_FREE_BUFFER, cl->reply);
		if (ret >= 0)
			ret = binder_talk(&cl->io, false);
	}
	munmap(cl->map, CLI_MAP_SIZE);
	close(cl->io.fd);
	free(cl->req);
	free(cl);
	return ret;
}

/* ---- the mechanism ---- */

static int binder_usable(const struct mech_ctx *c)
{
	size_t slot = (c->size + 7) & ~(size_t)7;

	if (access(BINDER_DEV, F_OK))
		return MECH_SKIP_ABSENT;
	if (slot < 8)
		slot = 8;
	if (slot > SRV_MAP_SIZE / c->pairs)
		return MECH_SKIP_SIZE;
	return 0;
}

const struct mech mech_binder = {
	.name = "binder",
	.label = "Binder transaction",
	.usable = binder_usable,
	.server_init = binder_server_init,
	.serve = binder_serve,
	.setup = binder_setup,
	.round = binder_round,
	.teardown = binder_teardown,
};
