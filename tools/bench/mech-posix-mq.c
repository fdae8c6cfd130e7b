// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: POSIX message queues, one request queue and one reply
 * queue per pair ("/NAME.PAIR.req" and "/NAME.PAIR.rep").
 *
 * A request larger than the request queue's message size goes in chunks
 * of that size. prepare() asks for min(SIZE, fs.mqueue.msgsize_max) bytes
 * per message and up to fs.mqueue.msg_max messages (no more than a request
 * has chunks), then reads what it got with mq_getattr().
 *
 * What one round trip costs, with CHUNKS = SIZE / msgsize rounded up:
 *  client  fills the request in its own buffer, CHUNKS mq_timedsend()
 *          (each copies a chunk into the kernel), one mq_timedreceive()
 *          for the 8-byte checksum.
 *  server  CHUNKS mq_receive() (each copies a chunk out into its buffer),
 *          sums the whole request, one mq_send() of the checksum.
 *
 * The client's deadline (CLOCK_REALTIME, as the calls want it) is only
 * read from the clock when an old one has passed, at most once per 10 s:
 * a call that times out on a fresh deadline means a server that stopped
 * answering, and the round returns -ETIMEDOUT. cleanup() closes and
 * unlinks the queues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

#define MQ_TIMEOUT_S		10
#define MQ_MSGSIZE_MAX_PATH	"/proc/sys/fs/mqueue/msgsize_max"
#define MQ_MSG_MAX_PATH		"/proc/sys/fs/mqueue/msg_max"
#define MQ_DEFAULT_LIMIT	8192	/* msgsize_max's default */
#define MQ_DEFAULT_DEPTH	10	/* msg_max's default */

enum { MQ_REQ, MQ_REP };		/* in c->fd[pair][] */
static const char *const pmq_suffix[] = { "req", "rep" };

struct pmq_client {
	mqd_t req, rep;
	size_t size, chunk;
	unsigned int pair;
	unsigned char *buf;
	struct timespec deadline;
	bool fresh;		/* deadline read from the clock this round */
};

static long pmq_sysctl(const char *path, long fallback)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return fallback;
	if (fscanf(f, "%ld", &v) != 1 || v <= 0)
		v = fallback;
	fclose(f);
	return v;
}

static void pmq_path(const struct mech_ctx *c, unsigned int pair, int dir,
		     char *path, size_t cap)
{
	const char *name = c->name[0] == '/' ? c->name + 1 : c->name;

	snprintf(path, cap, "/%s.%u.%s", name, pair, pmq_suffix[dir]);
}

static void pmq_cleanup(struct mech_ctx *c)
{
	char path[128];
	unsigned int p;
	int dir;

	for (p = 0; p < c->pairs; p++) {
		for (dir = MQ_REQ; dir <= MQ_REP; dir++) {
			if (c->fd[p][dir] < 0)
				continue;
			mq_close(c->fd[p][dir]);
			c->fd[p][dir] = -1;
			pmq_path(c, p, dir, path, sizeof(path));
			if (mq_unlink(path) && errno != ENOENT)
				bench_err(-errno, "posix-mq: mq_unlink %s", path);
		}
	}
}

static int pmq_create(struct mech_ctx *c, unsigned int pair, int dir,
		      long msgsize, long depth)
{
	struct mq_attr attr = { .mq_maxmsg = depth, .mq_msgsize = msgsize };
	char path[128];
	mqd_t q;

	pmq_path(c, pair, dir, path, sizeof(path));
	q = mq_open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (q == (mqd_t)-1)
		return bench_err(-errno, "posix-mq: mq_open %s (%ld x %ld B%s)",
				 path, depth, msgsize, errno == EMFILE ?
				 "; RLIMIT_MSGQUEUE?" : "");
	c->fd[pair][dir] = q;
	return 0;
}

static int pmq_prepare(struct mech_ctx *c)
{
	long limit = pmq_sysctl(MQ_MSGSIZE_MAX_PATH, MQ_DEFAULT_LIMIT);
	long depth = pmq_sysctl(MQ_MSG_MAX_PATH, MQ_DEFAULT_DEPTH);
	long msgsize = c->size < (size_t)limit ? (long)c->size : limit;
	long chunks;
	unsigned int p;
	int ret;

	if (msgsize < 1)
		msgsize = 1;
	chunks = (long)((c->size + (size_t)msgsize - 1) / (size_t)msgsize);
	if (depth > chunks)
		depth = chunks > 1 ? chunks : 1;
	for (p = 0; p < c->pairs; p++) {
		ret = pmq_create(c, p, MQ_REQ, msgsize, depth);
		if (!ret)
			ret = pmq_create(c, p, MQ_REP, sizeof(uint64_t), 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* The request queue's message size: the chunk. */
static long pmq_chunk(mqd_t req, unsigned int pair)
{
	struct mq_attr attr;

	if (mq_getattr(req, &attr))
		return bench_err(-errno, "posix-mq pair %u: mq_getattr", pair);
	if (attr.mq_msgsize < 1)
		return bench_err(-EINVAL, "posix-mq pair %u: msgsize %ld",
				 pair, attr.mq_msgsize);
	return attr.mq_msgsize;
}

static int pmq_receive_request(mqd_t req, unsigned char *buf, size_t size,
			       size_t chunk, unsigned int pair)
{
	size_t off = 0;
	ssize_t n;

	for (;;) {
		n = mq_receive(req, (char *)buf + off, chunk, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bench_err(-errno, "posix-mq pair %u: server mq_receive",
					 pair);
		if ((size_t)n > size - off || (!n && size))
			return bench_err(-EPROTO, "posix-mq pair %u: %zd-byte chunk at %zu of %zu",
					 pair, n, off, size);
		off += (size_t)n;
		if (off == size)
			return 0;
	}
}

static int pmq_serve(struct mech_ctx *c, unsigned int pair)
{
	mqd_t req = c->fd[pair][MQ_REQ], rep = c->fd[pair][MQ_REP];
	long chunk = pmq_chunk(req, pair);
	unsigned char *buf;
	uint64_t sum;
	int ret;

	if (chunk < 0)
		return (int)chunk;
	/* mq_receive() wants room for a whole message, even the last. */
	buf = malloc(c->size + (size_t)chunk);
	if (!buf)
		return bench_err(-ENOMEM, "posix-mq pair %u: server buffer", pair);
	for (;;) {
		ret = pmq_receive_request(req, buf, c->size, (size_t)chunk, pair);
		if (ret < 0)
			break;
		sum = bench_sum(buf, c->size);
		while ((ret = mq_send(rep, (const char *)&sum, sizeof(sum), 0)) &&
		       errno == EINTR)
			;
		if (ret) {
			ret = bench_err(-errno, "posix-mq pair %u: server mq_send",
					pair);
			break;
		}
	}
	free(buf);
	return ret;
}

static int pmq_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct pmq_client *mc = calloc(1, sizeof(*mc));
	long chunk;

	if (!mc)
		return bench_err(-ENOMEM, "posix-mq pair %u: client state", pair);
	mc->req = c->fd[pair][MQ_REQ];
	mc->rep = c->fd[pair][MQ_REP];
	mc->size = c->size;
	mc->pair = pair;
	chunk = pmq_chunk(mc->req, pair);
	mc->buf = malloc(c->size ? c->size : 1);
	if (chunk < 0 || !mc->buf) {
		free(mc->buf);
		free(mc);
		return chunk < 0 ? (int)chunk :
		       bench_err(-ENOMEM, "posix-mq pair %u: client buffer", pair);
	}
	mc->chunk = (size_t)chunk;
	*state = mc;
	return 0;
}

/*
 * A timed call returned ETIMEDOUT: if the deadline was an old one, start
 * a fresh one and return 0 to retry; else the server is not answering.
 */
static int pmq_timed_out(struct pmq_client *mc, const char *what)
{
	if (mc->fresh)
		return bench_err(-ETIMEDOUT, "posix-mq pair %u: %s: nothing in %d s",
				 mc->pair, what, MQ_TIMEOUT_S);
	clock_gettime(CLOCK_REALTIME, &mc->deadline);
	mc->deadline.tv_sec += MQ_TIMEOUT_S;
	mc->fresh = true;
	return 0;
}

/* Retry on EINTR and on an old deadline; 0 or -errno (reported). */
static int pmq_client_call(struct pmq_client *mc, bool send, void *buf,
			   size_t len, ssize_t *got)
{
	const char *what = send ? "client mq_timedsend" :
				  "client mq_timedreceive";
	ssize_t n;
	int ret;

	for (;;) {
		if (send)
			n = mq_timedsend(mc->req, buf, len, 0, &mc->deadline);
		else
			n = mq_timedreceive(mc->rep, buf, len, NULL,
					    &mc->deadline);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			return bench_err(-errno, "posix-mq pair %u: %s",
					 mc->pair, what);
		ret = pmq_timed_out(mc, what);
		if (ret < 0)
			return ret;
	}
	if (got)
		*got = n;
	return 0;
}

static int pmq_round(void *state, uint64_t seed)
{
	struct pmq_client *mc = state;
	uint64_t want, sum;
	size_t off = 0, len;
	ssize_t n;
	int ret;

	mc->fresh = false;
	want = bench_fill(mc->buf, mc->size, seed);
	do {
		len = mc->size - off < mc->chunk ? mc->size - off : mc->chunk;
		ret = pmq_client_call(mc, true, mc->buf + off, len, NULL);
		if (ret < 0)
			return ret;
		off += len;
	} while (off < mc->size);
	ret = pmq_client_call(mc, false, &sum, sizeof(sum), &n);
	if (ret < 0)
		return ret;
	if (n != sizeof(sum))
		return bench_err(-EPROTO, "posix-mq pair %u: %zd-byte reply",
				 mc->pair, n);
	if (sum != want)
		return bench_err(-EBADMSG, "posix-mq pair %u: checksum %#llx, sent %#llx",
				 mc->pair, (unsigned long long)sum,
				 (unsigned long long)want);
	return 0;
}

static int pmq_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct pmq_client *mc = state;
	size_t chunks = (mc->size + mc->chunk - 1) / mc->chunk;

	(void)rounds;
	if (cap)
		snprintf(note, cap, "%zu x %zu B messages", chunks ? chunks : 1,
			 mc->chunk);
	free(mc->buf);
	free(mc);
	return 0;
}

const struct mech mech_posix_mq = {
	.name = "posix-mq",
	.label = "POSIX mq",
	.prepare = pmq_prepare,
	.cleanup = pmq_cleanup,
	.serve = pmq_serve,
	.setup = pmq_setup,
	.round = pmq_round,
	.teardown = pmq_teardown,
};
