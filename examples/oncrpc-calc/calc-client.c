// SPDX-License-Identifier: MIT
/*
 * calc-client: calls calc.x's procedures through the rpcgen -M stubs,
 * over fastipc or over TCP: only the CLIENT's creation differs.
 *
 *   calc-client [-t fastipc|tcp] [-c CHANNEL] [-H HOST] [-p PORT] COMMAND
 *	null			the null procedure
 *	add A B			prints A + B
 *	echo TEXT		prints TEXT back
 *	echo-size BYTES		sends BYTES bytes, checks the echo, prints
 *				"BYTES bytes echoed" (over fastipc at most
 *				1 MiB + 64 KiB less 20 bytes of headers:
 *				FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT)
 *
 * -t fastipc (default): channel CHANNEL (default "calc"). -t tcp:
 * HOST (default 127.0.0.1) at PORT, or through rpcbind without -p
 * (clnt_create(HOST, CALC_PROG, CALC_V1, "tcp")). Exit 0 on success,
 * 1 when the RPC failed (clnt_sperror's text on stderr), 2 on a usage
 * error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc-oncrpc.h>
#include "calc.h"

static int usage(void)
{
	fprintf(stderr, "usage: calc-client [-t fastipc|tcp] [-c CHANNEL] "
		"[-H HOST] [-p PORT] null | add A B | echo TEXT | "
		"echo-size BYTES\n");
	return 2;
}

static CLIENT *tcp_client(const char *host, unsigned int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int sock = RPC_ANYSOCK;

	if (!port)
		return clnt_create(host, CALC_PROG, CALC_V1, "tcp");
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "calc-client: %s: not an IPv4 address\n", host);
		return NULL;
	}
	sin.sin_port = htons((uint16_t)port);
	return clnttcp_create(&sin, CALC_PROG, CALC_V1, &sock, 0, 0);
}

static int echo(CLIENT *cl, char *data, size_t len, int print)
{
	calc_bytes in = { .calc_bytes_len = (u_int)len, .calc_bytes_val = data };
	calc_bytes out = { 0 };
	int ok;

	if (calc_echo_1(&in, &out, cl) != RPC_SUCCESS) {
		fprintf(stderr, "%s\n", clnt_sperror(cl, "calc-client: echo"));
		return 1;
	}
	ok = out.calc_bytes_len == len &&
	     (!len || memcmp(out.calc_bytes_val, data, len) == 0);
	if (!ok)
		fprintf(stderr, "calc-client: echo: %u bytes came back differ\n",
			out.calc_bytes_len);
	else if (print)
		printf("%.*s\n", (int)len, data);
	else
		printf("%zu bytes echoed\n", len);
	clnt_freeres(cl, (xdrproc_t)xdr_calc_bytes, (char *)&out);
	return ok ? 0 : 1;
}

static int run(CLIENT *cl, int argc, char **argv)
{
	if (!strcmp(argv[0], "null") && argc == 1) {
		if (calc_null_1(NULL, NULL, cl) != RPC_SUCCESS) {
			fprintf(stderr, "%s\n", clnt_sperror(cl, "calc-client: null"));
			return 1;
		}
		return 0;
	}
	if (!strcmp(argv[0], "add") && argc == 3) {
		calc_pair p = { atoi(argv[1]), atoi(argv[2]) };
		int sum;

		if (calc_add_1(&p, &sum, cl) != RPC_SUCCESS) {
			fprintf(stderr, "%s\n", clnt_sperror(cl, "calc-client: add"));
			return 1;
		}
		printf("%d\n", sum);
		return 0;
	}
	if (!strcmp(argv[0], "echo") && argc == 2)
		return echo(cl, argv[1], strlen(argv[1]), 1);
	if (!strcmp(argv[0], "echo-size") && argc == 2) {
		size_t i, n = strtoul(argv[1], NULL, 0);
		char *buf = malloc(n + 1);
		int ret;

		if (!buf)
			return 1;
		for (i = 0; i < n; i++)
			buf[i] = (char)(i * 31 + (i >> 10));
		ret = echo(cl, buf, n, 0);
		free(buf);
		return ret;
	}
	return usage();
}

int main(int argc, char **argv)
{
	const char *transport = "fastipc", *chan = "calc", *host = "127.0.0.1";
	unsigned int port = 0;
	CLIENT *cl;
	int c, ret;

	while ((c = getopt(argc, argv, "+t:c:H:p:")) != -1) {
		if (c == 't')
			transport = optarg;
		else if (c == 'c')
			chan = optarg;
		else if (c == 'H')
			host = optarg;
		else if (c == 'p')
			port = (unsigned int)strtoul(optarg, NULL, 10);
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	if (!strcmp(transport, "fastipc"))
		cl = clnt_fastipc_create(chan, CALC_PROG, CALC_V1);
	else if (!strcmp(transport, "tcp"))
		cl = tcp_client(host, port);
	else
		return usage();
	if (!cl) {
		fprintf(stderr, "%s\n", clnt_spcreateerror(!strcmp(transport, "tcp") ?
							   host : chan));
		return 1;
	}
	ret = run(cl, argc - optind, argv + optind);
	clnt_destroy(cl);
	return ret;
}
