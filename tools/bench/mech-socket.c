// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: AF_UNIX socketpair mechanisms, one socketpair per pair
 * (fd[pair][0] the client's end, fd[pair][1] the server's).
 *
 *  seqpacket  SOCK_SEQPACKET: the request is one datagram when it fits
 *             the socket's send buffer (SO_SNDBUF less 32 bytes, about
 *             208 KiB by default); a larger one is sent as consecutive
 *             datagrams of the largest whole number of 4 KiB pages that
 *             fits (what a user would do rather than raise wmem_max),
 *             which the server reads until it has the whole request. The
 *             reply is one 8-byte datagram.
 *  stream     SOCK_STREAM: the request's bytes in one write() (the size
 *             is fixed for a run, so no length header), read with as many
 *             read()s as it takes; the 8-byte reply likewise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

#define SEQ_OVERHEAD	32	/* what AF_UNIX takes off SO_SNDBUF */
#define SEQ_ALIGN	4096UL

struct sock_client {
	int fd;
	size_t size, chunk;
	unsigned char *buf;
};

/* The largest datagram we send: 0 if the socket says nothing usable. */
size_t sock_seq_chunk(void)
{
	static size_t chunk = SIZE_MAX;
	socklen_t len;
	int sv[2], sndbuf = 0;

	if (chunk != SIZE_MAX)
		return chunk;
	chunk = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return chunk;
	len = sizeof(sndbuf);
	if (!getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) &&
	    sndbuf > SEQ_OVERHEAD + (int)SEQ_ALIGN)
		chunk = ((size_t)sndbuf - SEQ_OVERHEAD) & ~(SEQ_ALIGN - 1);
	close(sv[0]);
	close(sv[1]);
	return chunk;
}

static int seq_usable(const struct mech_ctx *c)
{
	return c->size && sock_seq_chunk() ? 0 : MECH_SKIP_SIZE;
}

static int sock_prepare(struct mech_ctx *c, int type)
{
	unsigned int i;

	for (i = 0; i < c->pairs; i++)
		if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, c->fd[i]))
			return bench_err(-errno, "socketpair for pair %u", i);
	return 0;
}

static int seq_prepare(struct mech_ctx *c)
{
	return sock_prepare(c, SOCK_SEQPACKET);
}

static int stream_prepare(struct mech_ctx *c)
{
	return sock_prepare(c, SOCK_STREAM);
}

static void sock_cleanup(struct mech_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < MECH_MAX_PAIRS; i++)
		for (j = 0; j < 2; j++)
			if (c->fd[i][j] >= 0)
				close(c->fd[i][j]);
}

/* Read one request of @size bytes, in datagrams of at most @chunk. */
static int seq_recv(int fd, unsigned char *buf, size_t size, size_t chunk)
{
	size_t off = 0, want;
	ssize_t n;

	while (off < size) {
		want = size - off < chunk ? size - off : chunk;
		/* One more byte: a larger datagram shows as too long. */
		n = read(fd, buf + off, want + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		if ((size_t)n != want)
			return -EPROTO;
		off += want;
	}
	return 0;
}

static int seq_serve(struct mech_ctx *c, unsigned int pair)
{
	unsigned char *buf = malloc(c->size + 1);
	size_t chunk = sock_seq_chunk();
	int fd = c->fd[pair][1], ret;
	uint64_t h;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ret = seq_recv(fd, buf, c->size, chunk);
		if (ret < 0)
			break;
		h = bench_sum(buf, c->size);
		ret = bench_write_all(fd, &h, sizeof(h));
		if (ret < 0)
			break;
	}
	free(buf);
	return ret;
}

static int stream_serve(struct mech_ctx *c, unsigned int pair)
{
	void *buf = malloc(c->size);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = bench_fd_serve(c->fd[pair][1], c->fd[pair][1], buf, c->size);
	free(buf);
	return ret;
}

static int sock_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct sock_client *sc = calloc(1, sizeof(*sc));

	if (!sc || posix_memalign((void **)&sc->buf, 64, c->size)) {
		free(sc);
		return -ENOMEM;
	}
	sc->fd = c->fd[pair][0];
	sc->size = c->size;
	sc->chunk = sock_seq_chunk();
	*state = sc;
	return 0;
}

static int seq_round(void *state, uint64_t seed)
{
	struct sock_client *sc = state;
	uint64_t h = bench_fill(sc->buf, sc->size, seed), got;
	size_t off, len;
	ssize_t n;
	int ret;

	for (off = 0; off < sc->size; off += len) {
		len = sc->size - off < sc->chunk ? sc->size - off : sc->chunk;
		do
			n = write(sc->fd, sc->buf + off, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if ((size_t)n != len)
			return -EPROTO;
	}
	ret = bench_read_all(sc->fd, &got, sizeof(got));
	if (ret < 0)
		return ret;
	return got == h ? 0 : -EBADMSG;
}

static int stream_round(void *state, uint64_t seed)
{
	struct sock_client *sc = state;

	return bench_fd_round(sc->fd, sc->fd, sc->buf, sc->size, seed);
}

static int seq_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct sock_client *sc = state;

	(void)rounds;
	if (sc->size > sc->chunk)
		snprintf(note, cap, "%zu datagrams of at most %zu bytes per "
			 "request", (sc->size + sc->chunk - 1) / sc->chunk,
			 sc->chunk);
	free(sc->buf);
	free(sc);
	return 0;
}

static int stream_teardown(void *state, unsigned long rounds, char *note,
			   size_t cap)
{
	struct sock_client *sc = state;

	(void)rounds;
	(void)note;
	(void)cap;
	free(sc->buf);
	free(sc);
	return 0;
}

const struct mech mech_seqpacket = {
	.name = "seqpacket",
	.label = "AF_UNIX SOCK_SEQPACKET",
	.usable = seq_usable,
	.prepare = seq_prepare,
	.cleanup = sock_cleanup,
	.serve = seq_serve,
	.setup = sock_setup,
	.round = seq_round,
	.teardown = seq_teardown,
};

const struct mech mech_stream = {
	.name = "stream",
	.label = "AF_UNIX SOCK_STREAM",
	.prepare = stream_prepare,
	.cleanup = sock_cleanup,
	.serve = stream_serve,
	.setup = sock_setup,
	.round = stream_round,
	.teardown = stream_teardown,
};
