// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: a SysV message queue per pair (c->id[pair]), the message
 * type telling the direction: requests are type 1, replies type 2.
 *
 * A request larger than a message may be goes in chunks of
 * min(kernel.msgmax, the queue's msg_qbytes) bytes. Chunks are sent from
 * and received into one contiguous buffer: the type word of chunk k sits
 * just before it, over the tail of chunk k - 1, which the client has
 * already sent and which the server saves and puts back around the
 * msgrcv(). So neither side copies the payload in user space.
 *
 * What one round trip costs, with CHUNKS = SIZE / chunk rounded up:
 *  client  fills the request in its buffer, CHUNKS msgsnd() (each copies a
 *          chunk into the kernel), one msgrcv() for the 8-byte checksum.
 *  server  CHUNKS msgrcv() (each copies a chunk out into its buffer), sums
 *          the whole request, one msgsnd() of the checksum.
 *
 * msgrcv() cannot time out, so a client thread watches the client: when a
 * round has made no progress for 10 s, it removes the queue, and the
 * round returns -ETIMEDOUT instead of hanging on a dead server. cleanup()
 * removes the queues (IPC_RMID).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <time.h>

#include "bench.h"
#include "mech.h"
#include "watchdog.h"

#define SYSV_TIMEOUT_S		10
#define SYSV_MSGMAX_PATH	"/proc/sys/kernel/msgmax"
#define SYSV_DEFAULT_MSGMAX	8192
#define SYSV_HDR		sizeof(long)	/* the type word */

enum { SYSV_REQ = 1, SYSV_REP = 2 };	/* message types */

struct sysv_reply {
	long type;
	uint64_t sum;
};

struct sysv_client {
	int id;
	size_t size, chunk;
	unsigned int pair;
	unsigned char *buf;	/* [type word][request] */
	/* The watchdog; it sets @removed when it removes the queue. */
	struct bench_watchdog wd;
	_Atomic bool removed;
};

static void sysv_cleanup(struct mech_ctx *c)
{
	unsigned int p;

	for (p = 0; p < c->pairs; p++) {
		if (c->id[p] < 0)
			continue;
		/* EINVAL: a client's watchdog removed it already. */
		if (msgctl((int)c->id[p], IPC_RMID, NULL) && errno != EINVAL)
			bench_err(-errno, "sysv-msg: remove queue %ld", c->id[p]);
		c->id[p] = -1;
	}
}

static int sysv_prepare(struct mech_ctx *c)
{
	unsigned int p;
	int id;

	for (p = 0; p < c->pairs; p++)
		c->id[p] = -1;
	for (p = 0; p < c->pairs; p++) {
		id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (id < 0)
			return bench_err(-errno, "sysv-msg pair %u: msgget", p);
		c->id[p] = id;
	}
	return 0;
}

/* The largest message the queue @id takes: the chunk. */
static long sysv_chunk(int id, unsigned int pair)
{
	struct msqid_ds ds;
	long msgmax = SYSV_DEFAULT_MSGMAX;
	FILE *f = fopen(SYSV_MSGMAX_PATH, "r");

	if (f) {
		if (fscanf(f, "%ld", &msgmax) != 1 || msgmax <= 0)
			msgmax = SYSV_DEFAULT_MSGMAX;
		fclose(f);
	}
	if (msgctl(id, IPC_STAT, &ds))
		return bench_err(-errno, "sysv-msg pair %u: IPC_STAT", pair);
	if (ds.msg_qbytes < (msglen_t)msgmax)
		msgmax = (long)ds.msg_qbytes;
	if (msgmax <= 0)
		return bench_err(-EINVAL, "sysv-msg pair %u: %ld-byte messages",
				 pair, msgmax);
	return msgmax;
}

/* Receive the request into @buf + SYSV_HDR, chunk by chunk. */
static int sysv_receive_request(int id, unsigned char *buf, size_t size,
				size_t chunk, unsigned int pair)
{
	unsigned char tail[SYSV_HDR];
	size_t off = 0, len;
	ssize_t n;

	for (;;) {
		len = size - off < chunk ? size - off : chunk;
		memcpy(tail, buf + off, SYSV_HDR);
		n = msgrcv(id, buf + off, len, SYSV_REQ, 0);
		memcpy(buf + off, tail, SYSV_HDR);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bench_err(-errno, "sysv-msg pair %u: server msgrcv at %zu",
					 pair, off);
		if ((size_t)n != len)
			return bench_err(-EPROTO, "sysv-msg pair %u: %zd-byte chunk at %zu",
					 pair, n, off);
		off += len;
		if (off == size)
			return 0;
	}
}

static int sysv_send_reply(int id, uint64_t sum, unsigned int pair)
{
	struct sysv_reply r = { .type = SYSV_REP, .sum = sum };

	while (msgsnd(id, &r, sizeof(r.sum), 0)) {
		if (errno != EINTR)
			return bench_err(-errno, "sysv-msg pair %u: server msgsnd",
					 pair);
	}
	return 0;
}

static int sysv_serve(struct mech_ctx *c, unsigned int pair)
{
	int id = (int)c->id[pair];
	long chunk = sysv_chunk(id, pair);
	unsigned char *buf;
	int ret;

	if (chunk < 0)
		return (int)chunk;
	buf = calloc(1, SYSV_HDR + c->size);	/* the first tail saved */
	if (!buf)
		return bench_err(-ENOMEM, "sysv-msg pair %u: server buffer", pair);
	do {
		ret = sysv_receive_request(id, buf, c->size, (size_t)chunk,
					   pair);
		if (!ret)
			ret = sysv_send_reply(id, bench_sum(buf + SYSV_HDR,
							    c->size), pair);
	} while (!ret);
	free(buf);
	return ret;
}

/* The watchdog: a round stuck for SYSV_TIMEOUT_S loses its queue. */
static void sysv_fire(void *arg)
{
	struct sysv_client *sc = arg;

	atomic_store(&sc->removed, true);
	msgctl(sc->id, IPC_RMID, NULL);
}

static int sysv_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct sysv_client *sc = calloc(1, sizeof(*sc));
	long chunk;
	int ret;

	if (!sc)
		return bench_err(-ENOMEM, "sysv-msg pair %u: client state", pair);
	sc->id = (int)c->id[pair];
	sc->size = c->size;
	sc->pair = pair;
	chunk = sysv_chunk(sc->id, pair);
	sc->buf = malloc(SYSV_HDR + c->size);
	if (chunk < 0 || !sc->buf)
		ret = chunk < 0 ? (int)chunk :
		      bench_err(-ENOMEM, "sysv-msg pair %u: client buffer", pair);
	else
		ret = bench_watchdog_start(&sc->wd, SYSV_TIMEOUT_S, sysv_fire,
					   sc, "sysv-msg client");
	if (ret < 0) {
		free(sc->buf);
		free(sc);
		return ret;
	}
	sc->chunk = (size_t)chunk;
	*state = sc;
	return 0;
}

/* Report a failed client call: a queue the watchdog removed timed out. */
static int sysv_client_err(struct sysv_client *sc, int err, const char *what)
{
	if (err == -EIDRM && atomic_load(&sc->removed))
		return bench_err(-ETIMEDOUT, "sysv-msg pair %u: %s: no progress in %d s",
				 sc->pair, what, SYSV_TIMEOUT_S);
	return bench_err(err, "sysv-msg pair %u: %s", sc->pair, what);
}

static int sysv_send_request(struct sysv_client *sc)
{
	const long type = SYSV_REQ;
	size_t off = 0, len;

	do {
		len = sc->size - off < sc->chunk ? sc->size - off : sc->chunk;
		/* Over the tail of the chunk before, which is sent. */
		memcpy(sc->buf + off, &type, SYSV_HDR);
		while (msgsnd(sc->id, sc->buf + off, len, 0)) {
			if (errno != EINTR)
				return sysv_client_err(sc, -errno,
						       "client msgsnd");
		}
		off += len;
	} while (off < sc->size);
	return 0;
}

static int sysv_exchange(struct sysv_client *sc, uint64_t seed)
{
	uint64_t want = bench_fill(sc->buf + SYSV_HDR, sc->size, seed);
	struct sysv_reply r;
	ssize_t n;
	int ret;

	ret = sysv_send_request(sc);
	if (ret < 0)
		return ret;
	while ((n = msgrcv(sc->id, &r, sizeof(r.sum), SYSV_REP, 0)) < 0) {
		if (errno != EINTR)
			return sysv_client_err(sc, -errno, "client msgrcv");
	}
	if (n != sizeof(r.sum))
		return bench_err(-EPROTO, "sysv-msg pair %u: %zd-byte reply",
				 sc->pair, n);
	if (r.sum != want)
		return bench_err(-EBADMSG, "sysv-msg pair %u: checksum %#llx, sent %#llx",
				 sc->pair, (unsigned long long)r.sum,
				 (unsigned long long)want);
	return 0;
}

static int sysv_round(void *state, uint64_t seed)
{
	struct sysv_client *sc = state;
	int ret;

	bench_watchdog_tick(&sc->wd);
	ret = sysv_exchange(sc, seed);
	bench_watchdog_tick(&sc->wd);
	return ret;
}

static int sysv_teardown(void *state, unsigned long rounds, char *note,
			 size_t cap)
{
	struct sysv_client *sc = state;
	size_t chunks = (sc->size + sc->chunk - 1) / sc->chunk;

	(void)rounds;
	bench_watchdog_stop(&sc->wd);
	if (cap)
		snprintf(note, cap, "%zu x %zu B messages", chunks ? chunks : 1,
			 sc->size < sc->chunk ? sc->size : sc->chunk);
	free(sc->buf);
	free(sc);
	return 0;
}

const struct mech mech_sysv_msg = {
	.name = "sysv-msg",
	.label = "SysV msg",
	.prepare = sysv_prepare,
	.cleanup = sysv_cleanup,
	.serve = sysv_serve,
	.setup = sysv_setup,
	.round = sysv_round,
	.teardown = sysv_teardown,
};
