// SPDX-License-Identifier: MIT
/*
 * calc-server: the calculator of calc.x served over fastipc AND over TCP
 * by the same rpcgen dispatch function (calc_prog_1).
 *
 *   calc-server [-c CHANNEL] [-p PORT] [-m MODE]
 *
 * Creates fastipc channel CHANNEL (default "calc", mode MODE, default
 * 0666) served by a pool of 4 threads, and a TCP listener on 127.0.0.1
 * PORT (default 0: any) served by libtirpc; registers with neither
 * rpcbind nor the portmapper (svc_reg with no netconfig). When both are
 * up it prints "calc-server: ready channel=NAME tcp_port=PORT" on
 * stdout. SIGTERM or SIGINT: stops both and exits 0. Errors: a message
 * on stderr naming the step, exit 1; a usage error exits 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fastipc-oncrpc.h>
#include "calc.h"

void calc_prog_1(struct svc_req *rqstp, SVCXPRT *transp);

static volatile sig_atomic_t stopping;
static struct svc_fastipc *fsrv;

bool_t calc_null_1_svc(void *argp, void *result, struct svc_req *rq)
{
	(void)argp;
	(void)result;
	(void)rq;
	return TRUE;
}

bool_t calc_add_1_svc(calc_pair *argp, int *result, struct svc_req *rq)
{
	(void)rq;
	*result = argp->a + argp->b;
	return TRUE;
}

bool_t calc_echo_1_svc(calc_bytes *argp, calc_bytes *result,
		       struct svc_req *rq)
{
	(void)rq;
	/* hand the argument over: freeresult frees it, freeargs sees NULL */
	*result = *argp;
	argp->calc_bytes_val = NULL;
	argp->calc_bytes_len = 0;
	return TRUE;
}

int calc_prog_1_freeresult(SVCXPRT *transp, xdrproc_t xdr_result,
			   caddr_t result)
{
	(void)transp;
	xdr_free(xdr_result, result);
	return 1;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	svc_fastipc_stop(fsrv);	/* async-signal-safe */
}

static void *fastipc_thread(void *arg)
{
	int ret = svc_fastipc_run(arg);

	if (ret < 0)
		fprintf(stderr, "calc-server: svc_fastipc_run: %s\n",
			strerror(-ret));
	return NULL;
}

/* A TCP transport on 127.0.0.1:@port; *@bound gets the port. */
static SVCXPRT *tcp_transport(unsigned int port, unsigned int *bound)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	SVCXPRT *x;
	int s, one = 1;

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return NULL;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	/* libtirpc listens only on a socket it bound itself */
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(s, SOMAXCONN) < 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) < 0) {
		close(s);
		return NULL;
	}
	*bound = ntohs(sin.sin_port);
	x = svctcp_create(s, 0, 0);
	if (!x)
		close(s);
	return x;
}

/* libtirpc's svc_run(), stoppable by a signal (ppoll unblocks it). */
static void tcp_loop(const sigset_t *unblocked)
{
	while (!stopping) {
		int n = ppoll(svc_pollfd, (nfds_t)svc_max_pollfd, NULL,
			      unblocked);

		if (n > 0)
			svc_getreq_poll(svc_pollfd, n);
		else if (n < 0 && errno != EINTR)
			break;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: calc-server [-c CHANNEL] [-p PORT] [-m MODE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *chan = "calc";
	unsigned int port = 0, bound = 0, mode = 0666;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	pthread_t th;
	SVCXPRT *x;
	int c, ret;

	while ((c = getopt(argc, argv, "c:p:m:")) != -1) {
		if (c == 'c')
			chan = optarg;
		else if (c == 'p')
			port = (unsigned int)strtoul(optarg, NULL, 10);
		else if (c == 'm')
			mode = (unsigned int)strtoul(optarg, NULL, 8);
		else
			return usage();
	}
	if (optind != argc || port > 65535)
		return usage();
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);	/* threads inherit it */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	ret = svc_fastipc_create(chan, mode, 4, &fsrv);
	if (ret < 0) {
		fprintf(stderr, "calc-server: channel %s: %s\n", chan,
			strerror(-ret));
		return 1;
	}
	ret = svc_fastipc_reg(fsrv, CALC_PROG, CALC_V1, calc_prog_1);
	if (ret < 0) {
		fprintf(stderr, "calc-server: svc_fastipc_reg: %s\n",
			strerror(-ret));
		return 1;
	}
	x = tcp_transport(port, &bound);
	if (!x || !svc_reg(x, CALC_PROG, CALC_V1, calc_prog_1, NULL)) {
		fprintf(stderr, "calc-server: TCP port %u: %s\n", port,
			x ? "svc_reg failed" : strerror(errno));
		return 1;
	}
	if (pthread_create(&th, NULL, fastipc_thread, fsrv)) {
		fprintf(stderr, "calc-server: pthread_create failed\n");
		return 1;
	}
	printf("calc-server: ready channel=%s tcp_port=%u\n", chan, bound);
	fflush(stdout);
	tcp_loop(&old);
	svc_fastipc_stop(fsrv);
	pthread_join(th, NULL);
	svc_unreg(CALC_PROG, CALC_V1);
	svc_destroy(x);
	svc_fastipc_destroy(fsrv);
	return 0;
}
