// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: the ONC RPC mechanisms of mech-oncrpc.c over libtirpc's
 * own stream transport (clnt_vc, svc_vc), the same rpcgen objects:
 *
 *  oncrpc-tcp   TCP loopback. The parent binds and listens on 127.0.0.1
 *               (any port) before the forks; the server process makes it
 *               a transport with svc_vc_create() and svc_reg() without
 *               rpcbind or the portmapper (no netconfig), and runs
 *               libtirpc's svc_run() in serve(pair 0). Each client calls
 *               through clnttcp_create() with that address and port (so
 *               no portmapper query) and RPC_ANYSOCK: clnt_vc over TCP,
 *               as clnt_create(host, ..., "tcp") gives.
 *  oncrpc-unix  an AF_UNIX stream socket (abstract name): the same server
 *               with svc_vc_create() on it; each client connects a socket
 *               and calls through clnt_vc_create() on it.
 *  oncrpc-tcp-null, oncrpc-unix-null  the same, calling the null
 *               procedure (see mech-oncrpc.c).
 *
 * libtirpc's svc_run() is one thread: with PAIRS > 1 that thread serves
 * every client's connection, as libtirpc serves them for its users.
 *
 * c->fd[0][0] is the listening socket, c->id[0] its TCP port.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"
#include "mech-oncrpc.h"

/* The abstract AF_UNIX address of run @c; its length in *@len. */
static void vc_unix_addr(const struct mech_ctx *c, struct sockaddr_un *sun,
			 socklen_t *len)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] stays 0: the abstract namespace, nothing to unlink. */
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "%s",
		     c->name);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   (size_t)n);
}

static int vc_listen(struct mech_ctx *c, int fd, struct sockaddr *sa,
		     socklen_t len)
{
	c->fd[0][0] = fd;
	if (bind(fd, sa, len) || listen(fd, SOMAXCONN))
		return bench_err(-errno, "bind and listen for %s", c->name);
	return 0;
}

static int vc_tcp_prepare(struct mech_ctx *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd, ret;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bench_err(-errno, "TCP socket");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ret = vc_listen(c, fd, (struct sockaddr *)&sin, sizeof(sin));
	if (ret < 0)
		return ret;
	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return bench_err(-errno, "getsockname");
	c->id[0] = ntohs(sin.sin_port);
	return 0;
}

static int vc_unix_prepare(struct mech_ctx *c)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bench_err(-errno, "AF_UNIX socket");
	vc_unix_addr(c, &sun, &len);
	return vc_listen(c, fd, (struct sockaddr *)&sun, len);
}

static void vc_cleanup(struct mech_ctx *c)
{
	if (c->fd[0][0] >= 0)
		close(c->fd[0][0]);
}

static int vc_server_init(struct mech_ctx *c)
{
	SVCXPRT *x;

	onc_server_size(c->size);
	x = svc_vc_create(c->fd[0][0], 0, 0);
	if (!x)
		return bench_err(-EPROTO, "svc_vc_create");
	/* No netconfig: registered with neither rpcbind nor the portmapper. */
	if (!svc_reg(x, BENCH_PROG, BENCH_V1, bench_prog_1, NULL)) {
		svc_destroy(x);
		return bench_err(-EPROTO, "svc_reg");
	}
	c->srv = x;
	return 0;
}

static int vc_serve(struct mech_ctx *c, unsigned int pair)
{
	(void)c;
	if (pair) {
		for (;;)
			pause();
	}
	svc_run();		/* returns only when its poll() fails */
	return -EIO;
}

static int vc_tcp_connect(struct mech_ctx *c, bool null, void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int sock = RPC_ANYSOCK;
	CLIENT *cl;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)c->id[0]);
	cl = clnttcp_create(&sin, BENCH_PROG, BENCH_V1, &sock, 0, 0);
	if (!cl) {
		fprintf(stderr, "%s: %s\n", bench_prog,
			clnt_spcreateerror("clnttcp_create"));
		return -ECONNREFUSED;
	}
	return onc_client_new(c, cl, "TCP loopback (clnttcp_create)", null,
			      state);
}

static int vc_unix_connect(struct mech_ctx *c, bool null, void **state)
{
	struct sockaddr_un sun;
	struct netbuf nb;
	socklen_t len;
	CLIENT *cl;
	int fd;

	vc_unix_addr(c, &sun, &len);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bench_err(-errno, "AF_UNIX socket");
	if (connect(fd, (struct sockaddr *)&sun, len)) {
		close(fd);
		return bench_err(-errno, "connect to %s", c->name);
	}
	nb.buf = &sun;
	nb.len = nb.maxlen = len;
	cl = clnt_vc_create(fd, &nb, BENCH_PROG, BENCH_V1, 0, 0);
	if (!cl) {
		close(fd);
		fprintf(stderr, "%s: %s\n", bench_prog,
			clnt_spcreateerror("clnt_vc_create"));
		return -ECONNREFUSED;
	}
	clnt_control(cl, CLSET_FD_CLOSE, NULL);	/* clnt_destroy closes it */
	return onc_client_new(c, cl, "AF_UNIX (clnt_vc_create)", null, state);
}

static int vc_tcp_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	(void)pair;
	return vc_tcp_connect(c, false, state);
}

static int vc_tcp_null_setup(struct mech_ctx *c, unsigned int pair,
			     void **state)
{
	(void)pair;
	return vc_tcp_connect(c, true, state);
}

static int vc_unix_setup(struct mech_ctx *c, unsigned int pair,
			 void **state)
{
	(void)pair;
	return vc_unix_connect(c, false, state);
}

static int vc_unix_null_setup(struct mech_ctx *c, unsigned int pair,
			      void **state)
{
	(void)pair;
	return vc_unix_connect(c, true, state);
}

const struct mech mech_oncrpc_tcp = {
	.name = "oncrpc-tcp",
	.label = "ONC RPC over TCP loopback",
	.prepare = vc_tcp_prepare,
	.cleanup = vc_cleanup,
	.server_init = vc_server_init,
	.serve = vc_serve,
	.setup = vc_tcp_setup,
	.round = onc_round,
	.teardown = onc_teardown,
};

const struct mech mech_oncrpc_tcp_null = {
	.name = "oncrpc-tcp-null",
	.label = "ONC RPC over TCP, NULLPROC",
	.usable = onc_null_usable,
	.prepare = vc_tcp_prepare,
	.cleanup = vc_cleanup,
	.server_init = vc_server_init,
	.serve = vc_serve,
	.setup = vc_tcp_null_setup,
	.round = onc_round,
	.teardown = onc_teardown,
};

const struct mech mech_oncrpc_unix = {
	.name = "oncrpc-unix",
	.label = "ONC RPC over AF_UNIX stream",
	.prepare = vc_unix_prepare,
	.cleanup = vc_cleanup,
	.server_init = vc_server_init,
	.serve = vc_serve,
	.setup = vc_unix_setup,
	.round = onc_round,
	.teardown = onc_teardown,
};

const struct mech mech_oncrpc_unix_null = {
	.name = "oncrpc-unix-null",
	.label = "ONC RPC over AF_UNIX, NULLPROC",
	.usable = onc_null_usable,
	.prepare = vc_unix_prepare,
	.cleanup = vc_cleanup,
	.server_init = vc_server_init,
	.serve = vc_serve,
	.setup = vc_unix_null_setup,
	.round = onc_round,
	.teardown = onc_teardown,
};
