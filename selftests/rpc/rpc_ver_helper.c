// SPDX-License-Identifier: GPL-2.0
/*
 * rpc_ver_helper: version 2 of rpcver.Ver (rpc_ver_v2.proto) for
 * rpc_bind_test, which links version 1. The two versions share their
 * package (so that full names match) and so their C names: they cannot
 * live in one executable.
 *
 *   rpc_ver_helper serve       serve Ver v2 and Other on a new channel,
 *                              print its name, stop at EOF on stdin
 *   rpc_ver_helper call NAME   bind Ver v2 to NAME, call A, B, C, D, bind
 *                              Other; one VER_LINE per step on stdout
 *
 * Exit code 0 when it could do all that (whatever the statuses), else 1.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpc_ver_v2.pb-c.h"
#define RPCVER 2
#include "rpc_ver.h"

static int serve(void)
{
	struct ver_srv s;
	char c;

	if (ver_srv_start(&s))
		return 1;
	printf("%s\n", s.name);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return ver_srv_stop(&s) ? 1 : 0;
}

static void bind_line(struct fastipc_dev *dev, const char *name,
		      const ProtobufCServiceDescriptor *desc, const char *what,
		      struct fastipc_rpc_client **clp)
{
	struct fastipc_rpc_status rs;
	int code;

	code = fastipc_rpc_bind(dev, name, desc, NULL, clp, &rs);
	printf(VER_LINE, what, code, "-", 0, 0, 0, rs.message);
}

static int call(const char *name)
{
	Rpcver__AReq a = RPCVER__AREQ__INIT;
	Rpcver__CReq2 c = RPCVER__CREQ2__INIT;
	struct fastipc_rpc_client *cl = NULL, *other = NULL;
	struct fastipc_dev *dev;
	char line[1024];

	if (fastipc_open(&dev))
		return 1;
	bind_line(dev, name, &rpcver__ver__descriptor, "bind", &cl);
	if (!cl)
		return 1;
	a.x = 1;
	a.extra = 7;
	ver_call_line(cl, "A", &a.base, line, sizeof(line));
	fputs(line, stdout);
	a.extra = 8;
	ver_call_line(cl, "B", &a.base, line, sizeof(line));
	fputs(line, stdout);
	ver_call_line(cl, "C", &c.base, line, sizeof(line));
	fputs(line, stdout);
	ver_call_line(cl, "D", &a.base, line, sizeof(line));
	fputs(line, stdout);
	fastipc_rpc_unbind(cl);
	bind_line(dev, name, &rpcver__other__descriptor, "bind-other", &other);
	fastipc_rpc_unbind(other);
	fastipc_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "serve"))
		return serve();
	if (argc == 3 && !strcmp(argv[1], "call"))
		return call(argv[2]);
	fprintf(stderr, "usage: %s serve | call NAME\n", argv[0]);
	return 2;
}
