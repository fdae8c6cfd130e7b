// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-pingpong: AF_UNIX socketpair mechanisms.
 *  seqpacket  SOCK_SEQPACKET: the request is one datagram (only where it
 *             fits the socket's send buffer), the reply another.
 *  stream     SOCK_STREAM: an 8-byte length, then the request; the server
 *             reads it all before it sums it and replies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "pingpong.h"

#define HDR	sizeof(uint64_t)

struct sock_client {
	int fd;
	size_t size;
	unsigned char *buf;	/* [length, stream only] request */
	size_t hdr;		/* HDR for stream, 0 for seqpacket */
};

/*
 * A datagram must fit in the send buffer (less the kernel's 32 bytes); an
 * empty one would read as the end.
 */
static bool seqpacket_usable(size_t size)
{
	static int sndbuf = -1;
	socklen_t len = sizeof(sndbuf);
	int sv[2];

	if (sndbuf < 0 && socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0) {
		if (getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len))
			sndbuf = 0;
		close(sv[0]);
		close(sv[1]);
	}
	return size && sndbuf > 32 && size <= (size_t)sndbuf - 32;
}

static int reply_sum(int fd, const void *buf, size_t len)
{
	uint64_t h = bench_sum(buf, len);

	return bench_write_all(fd, &h, sizeof(h));
}

static int seqpacket_serve(struct pp_ctx *c, int ready_fd)
{
	unsigned char *buf = malloc(c->size + 1);
	ssize_t n;
	int ret = 0;

	if (!buf)
		return bench_err(-ENOMEM, "seqpacket server buffer");
	bench_ready(ready_fd);
	for (;;) {
		n = read(c->sock, buf, c->size + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? bench_err(-errno, "seqpacket read") : 0;
			break;
		}
		if ((size_t)n != c->size) {
			ret = bench_err(-EPROTO, "seqpacket: %zd-byte datagram",
					n);
			break;
		}
		ret = reply_sum(c->sock, buf, (size_t)n);
		if (ret < 0) {
			bench_err(ret, "seqpacket write");
			break;
		}
	}
	free(buf);
	return ret;
}

/* Read the length; 1 for a request, 0 at the end, or -errno. */
static int stream_hdr(int fd, uint64_t *len)
{
	ssize_t n;

	do
		n = recv(fd, len, HDR, MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < 0)
		return -errno;
	return n == HDR ? 1 : -EPROTO;
}

static int stream_serve(struct pp_ctx *c, int ready_fd)
{
	unsigned char *buf = malloc(c->size ? c->size : 1);
	uint64_t len;
	int ret;

	if (!buf)
		return bench_err(-ENOMEM, "stream server buffer");
	bench_ready(ready_fd);
	while ((ret = stream_hdr(c->sock, &len)) > 0) {
		if (len != c->size) {
			ret = -EPROTO;
			break;
		}
		ret = bench_read_all(c->sock, buf, len);
		if (ret == 0)
			ret = reply_sum(c->sock, buf, len);
		if (ret < 0)
			break;
	}
	if (ret < 0)
		bench_err(ret, "stream server");
	free(buf);
	return ret;
}

static int sock_setup(struct pp_ctx *c, void **state, size_t hdr)
{
	struct sock_client *sc = calloc(1, sizeof(*sc));
	uint64_t len = c->size;

	if (!sc || posix_memalign((void **)&sc->buf, 64, hdr + c->size + 1)) {
		free(sc);
		return bench_err(-ENOMEM, "socket client buffer");
	}
	sc->fd = c->sock;
	sc->size = c->size;
	sc->hdr = hdr;
	memcpy(sc->buf, &len, hdr);
	*state = sc;
	return 0;
}

static int seqpacket_setup(struct pp_ctx *c, void **state)
{
	return sock_setup(c, state, 0);
}

static int stream_setup(struct pp_ctx *c, void **state)
{
	return sock_setup(c, state, HDR);
}

static int sock_round(void *state, uint64_t seed)
{
	struct sock_client *sc = state;
	uint64_t h, got;
	int ret;

	h = bench_fill(sc->buf + sc->hdr, sc->size, seed);
	ret = bench_write_all(sc->fd, sc->buf, sc->hdr + sc->size);
	if (ret == 0)
		ret = bench_read_all(sc->fd, &got, sizeof(got));
	if (ret < 0)
		return ret;
	return got == h ? 0 : -EBADMSG;
}

static int sock_teardown(void *state, unsigned long rounds, char *note,
			 size_t cap)
{
	struct sock_client *sc = state;

	(void)rounds;
	(void)note;
	(void)cap;
	shutdown(sc->fd, SHUT_WR);
	free(sc->buf);
	free(sc);
	return 0;
}

const struct pp_mech pp_seqpacket = {
	"seqpacket", "AF_UNIX SOCK_SEQPACKET socketpair", SOCK_SEQPACKET,
	seqpacket_usable, seqpacket_serve, seqpacket_setup, sock_round,
	sock_teardown,
};

const struct pp_mech pp_stream = {
	"stream", "AF_UNIX SOCK_STREAM socketpair", SOCK_STREAM, NULL,
	stream_serve, stream_setup, sock_round, sock_teardown,
};
