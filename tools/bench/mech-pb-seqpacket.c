// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: protobuf over AF_UNIX SOCK_SEQPACKET, what a user writes
 * without an RPC layer (bench.proto, protoc-c). One socketpair per pair
 * (fd[pair][0] the client's end, fd[pair][1] the server's).
 *
 * The client packs a Blob carrying the request bytes
 * (fastipc__bench__blob__pack(), a copy), sends it; the server receives
 * it, unpacks it (protobuf-c copies the bytes out), checksums them, packs a
 * Blob carrying the 8-byte checksum and sends it back; the client unpacks
 * that and compares.
 *
 * Framing: a message is a 4-byte length (host order) and the packed
 * bytes, one datagram when it fits (sock_seq_chunk(), about 208 KiB), else
 * consecutive datagrams of at most that size, which the receiver reads
 * until it has the length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "bench.pb-c.h"
#include "mech.h"

#define PBS_LEN		4		/* the length before the message */
#define PBS_MAX		((64U << 20) + 64)	/* the largest we accept */

/* A growable receive buffer, and the send buffer with its length room. */
struct pbs_buf {
	uint8_t *p;
	size_t cap;
};

struct pbs_client {
	int fd;
	size_t size, chunk;
	uint8_t *data;			/* the request bytes (bench_fill()) */
	uint8_t *wire;			/* PBS_LEN + packed request */
	struct pbs_buf rx;		/* the reply */
};

static int pbs_usable(const struct mech_ctx *c)
{
	(void)c;
	return sock_seq_chunk() > PBS_LEN ? 0 : MECH_SKIP_SIZE;
}

static int pbs_prepare(struct mech_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->pairs; i++)
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
			       c->fd[i]))
			return bench_err(-errno, "socketpair for pair %u", i);
	return 0;
}

static void pbs_cleanup(struct mech_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < MECH_MAX_PAIRS; i++)
		for (j = 0; j < 2; j++)
			if (c->fd[i][j] >= 0)
				close(c->fd[i][j]);
}

static int pbs_reserve(struct pbs_buf *b, size_t len)
{
	uint8_t *p;

	if (len <= b->cap)
		return 0;
	p = realloc(b->p, len);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = len;
	return 0;
}

/* Send @len packed bytes at @wire + PBS_LEN, with their length first. */
static int pbs_send(int fd, uint8_t *wire, size_t len, size_t chunk)
{
	uint32_t n32 = (uint32_t)len;
	size_t off, total = PBS_LEN + len, part;
	ssize_t n;

	memcpy(wire, &n32, sizeof(n32));
	for (off = 0; off < total; off += part) {
		part = total - off < chunk ? total - off : chunk;
		do
			n = send(fd, wire + off, part, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if ((size_t)n != part)
			return -EPROTO;
	}
	return 0;
}

/* One datagram of at most @want bytes at @p: its length, or -errno. */
static ssize_t pbs_recv_one(int fd, uint8_t *p, size_t want)
{
	ssize_t n;

	do
		n = recv(fd, p, want, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	return (size_t)n > want ? -EPROTO : n;
}

/* Receive a message into @b: its packed bytes at b->p + PBS_LEN. */
static ssize_t pbs_recv(int fd, struct pbs_buf *b, size_t chunk)
{
	size_t off, total;
	uint32_t n32;
	ssize_t n;

	if (pbs_reserve(b, chunk) < 0)
		return -ENOMEM;
	n = pbs_recv_one(fd, b->p, chunk);
	if (n < 0)
		return n;
	if (n < PBS_LEN)
		return -EPROTO;
	memcpy(&n32, b->p, sizeof(n32));
	total = PBS_LEN + (size_t)n32;
	if (n32 > PBS_MAX || (size_t)n > total)
		return -EPROTO;
	if (pbs_reserve(b, total) < 0)
		return -ENOMEM;
	for (off = (size_t)n; off < total; off += (size_t)n) {
		n = pbs_recv_one(fd, b->p + off, total - off < chunk ?
				 total - off : chunk);
		if (n < 0)
			return n;
	}
	return (ssize_t)n32;
}

/* The server's side of one round trip, with its buffers. */
static int pbs_answer(int fd, struct pbs_buf *rx, size_t chunk, size_t size)
{
	Fastipc__Bench__Blob rep = FASTIPC__BENCH__BLOB__INIT, *req;
	uint8_t wire[PBS_LEN + 16];
	ssize_t len;
	uint64_t h;

	len = pbs_recv(fd, rx, chunk);
	if (len < 0)
		return (int)len;
	req = fastipc__bench__blob__unpack(NULL, (size_t)len,
					   rx->p + PBS_LEN);
	if (!req)
		return -EBADMSG;
	if (req->data.len != size) {
		fastipc__bench__blob__free_unpacked(req, NULL);
		return -EPROTO;
	}
	h = bench_sum(req->data.data, req->data.len);
	fastipc__bench__blob__free_unpacked(req, NULL);
	rep.data.data = (uint8_t *)&h;
	rep.data.len = sizeof(h);
	len = (ssize_t)fastipc__bench__blob__pack(&rep, wire + PBS_LEN);
	return pbs_send(fd, wire, (size_t)len, chunk);
}

static int pbs_serve(struct mech_ctx *c, unsigned int pair)
{
	struct pbs_buf rx = { NULL, 0 };
	size_t chunk = sock_seq_chunk();
	int ret;

	do
		ret = pbs_answer(c->fd[pair][1], &rx, chunk, c->size);
	while (ret == 0);
	free(rx.p);
	return ret;
}

static int pbs_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	Fastipc__Bench__Blob req = FASTIPC__BENCH__BLOB__INIT;
	struct pbs_client *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return -ENOMEM;
	req.data.len = c->size;
	pc->fd = c->fd[pair][0];
	pc->size = c->size;
	pc->chunk = sock_seq_chunk();
	pc->data = malloc(c->size);
	pc->wire = malloc(PBS_LEN + fastipc__bench__blob__get_packed_size(&req));
	if (!pc->data || !pc->wire || pbs_reserve(&pc->rx, pc->chunk) < 0) {
		free(pc->data);
		free(pc->wire);
		free(pc->rx.p);
		free(pc);
		return -ENOMEM;
	}
	*state = pc;
	return 0;
}

static int pbs_round(void *state, uint64_t seed)
{
	Fastipc__Bench__Blob req = FASTIPC__BENCH__BLOB__INIT, *rep;
	struct pbs_client *pc = state;
	uint64_t h = bench_fill(pc->data, pc->size, seed), got;
	ssize_t len;
	int ret;

	req.data.data = pc->data;
	req.data.len = pc->size;
	len = (ssize_t)fastipc__bench__blob__pack(&req, pc->wire + PBS_LEN);
	ret = pbs_send(pc->fd, pc->wire, (size_t)len, pc->chunk);
	if (ret < 0)
		return ret;
	len = pbs_recv(pc->fd, &pc->rx, pc->chunk);
	if (len < 0)
		return (int)len;
	rep = fastipc__bench__blob__unpack(NULL, (size_t)len,
					   pc->rx.p + PBS_LEN);
	if (!rep)
		return -EPROTO;
	ret = rep->data.len == sizeof(got) ? 0 : -EPROTO;
	if (ret == 0) {
		memcpy(&got, rep->data.data, sizeof(got));
		ret = got == h ? 0 : -EBADMSG;
	}
	fastipc__bench__blob__free_unpacked(rep, NULL);
	return ret;
}

static int pbs_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct pbs_client *pc = state;
	size_t total = PBS_LEN + pc->size + 8;	/* about: tag, length */

	(void)rounds;
	if (total > pc->chunk)
		snprintf(note, cap, "%zu datagrams of at most %zu bytes per "
			 "request", (total + pc->chunk - 1) / pc->chunk,
			 pc->chunk);
	free(pc->data);
	free(pc->wire);
	free(pc->rx.p);
	free(pc);
	return 0;
}

const struct mech mech_pb_seqpacket = {
	.name = "pb-seqpacket",
	.label = "protobuf-c over SOCK_SEQPACKET",
	.usable = pbs_usable,
	.prepare = pbs_prepare,
	.cleanup = pbs_cleanup,
	.serve = pbs_serve,
	.setup = pbs_setup,
	.round = pbs_round,
	.teardown = pbs_teardown,
};
