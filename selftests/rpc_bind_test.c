// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): the bind check across two versions of one
 * service, against the module. rpcver.Ver version 2 (rpc_ver_v2.proto)
 * adds a field to AReq, reorders the methods (B before A), renames C's
 * request type (CReq -> CReq2) and adds D; its package is version 1's, so
 * it lives in another executable, rpc_ver_helper, which this test starts
 * as a server or as a client (its outcomes as VER_LINE lines):
 *  - old client, new server: A and B reach the handlers of their names
 *    (not their declaration order), extra arrives as its default 0, C is
 *    FAILED_PRECONDITION naming both types;
 *  - new client, old server: A and B reach their handlers and the new
 *    field arrives as an unknown field, C is FAILED_PRECONDITION, D is
 *    UNIMPLEMENTED naming it, a service the server lacks fails the bind;
 *  - new client, new server: the new field's value arrives.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rpc_ver_v1.pb-c.h"
#define RPCVER 1
#include "rpc_ver.h"

#define OUT_MAX	8192

struct helper {
	pid_t pid;
	int in;		/* its stdin: closed to stop a server */
	FILE *out;	/* its stdout */
};

/* Start rpc_ver_helper (beside this program) with @a1 and @a2. */
static int helper_start(struct helper *h, const char *a1, const char *a2)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	int in[2], out[2];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/rpc_ver_helper", dirname(exe));
	if (pipe(in) || pipe(out))
		return -errno;
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(path, path, a1, a2, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	h->in = in[1];
	h->out = fdopen(out[0], "r");
	return h->out ? 0 : -errno;
}

/* Close its stdin, read the rest of its output into @buf; its exit code. */
static int helper_end(struct helper *h, char *buf, size_t cap)
{
	size_t n = 0;

	close(h->in);
	if (buf) {
		n = fread(buf, 1, cap - 1, h->out);
		buf[n] = '\0';
	}
	fclose(h->out);
	return fipc_wait(h->pid);
}

/* The line of @out that starts with @key and a space, copied into @line. */
static const char *line_of(const char *out, const char *key, char *line,
			   size_t cap)
{
	size_t klen = strlen(key);
	const char *p = out, *e;

	while (p && *p) {
		e = strchr(p, '\n');
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			size_t n = e ? (size_t)(e - p) : strlen(p);

			if (n >= cap)
				n = cap - 1;
			memcpy(line, p, n);
			line[n] = '\0';
			return line;
		}
		p = e ? e + 1 : NULL;
	}
	line[0] = '\0';
	return line;
}

#define EXPECT_IN(needle, hay) EXPECT_NE(NULL, strstr(hay, needle)) {	\
		TH_LOG("'%s' not in '%s'", needle, hay);		\
	}

/* rpcver.CReq and rpcver.CReq2 both named: two occurrences of the stem. */
static int names_both_types(const char *msg)
{
	const char *p = strstr(msg, "rpcver.CReq2");
	const char *q = strstr(msg, "rpcver.CReq");

	if (!p || !q)
		return 0;
	if (q == p)
		q = strstr(p + 1, "rpcver.CReq");
	return q != NULL;
}

TEST(old_client_new_server)
{
	Rpcver__AReq a = RPCVER__AREQ__INIT;
	Rpcver__CReq c = RPCVER__CREQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	char name[FASTIPC_NAME_MAX + 2], line[1024];
	struct helper h;

	ASSERT_EQ(0, helper_start(&h, "serve", NULL));
	ASSERT_NE(NULL, fgets(name, sizeof(name), h.out));
	name[strcspn(name, "\n")] = '\0';
	ASSERT_EQ(0, fastipc_open(&dev));
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_bind(dev, name, &rpcver__ver__descriptor, NULL,
				   &cl, &rs)) {
		TH_LOG("bind: %s", rs.message);
	}
	a.x = 1;
	EXPECT_EQ(0, ver_call_line(cl, "A", &a.base, line, sizeof(line)));
	EXPECT_IN("A code=0 handler=A extra=0 version=2 unknown=0 ", line);
	EXPECT_EQ(0, ver_call_line(cl, "B", &a.base, line, sizeof(line)));
	EXPECT_IN("B code=0 handler=B extra=0 version=2 unknown=0 ", line);
	EXPECT_EQ(FASTIPC_RPC_FAILED_PRECONDITION,
		  ver_call_line(cl, "C", &c.base, line, sizeof(line)));
	EXPECT_TRUE(names_both_types(line)) {
		TH_LOG("%s", line);
	}
	EXPECT_IN("rpcver.Ver", line);
	fastipc_rpc_unbind(cl);
	fastipc_close(dev);
	EXPECT_EQ(0, helper_end(&h, NULL, 0));
}

TEST(new_client_old_server)
{
	Rpcver__AReq a = RPCVER__AREQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	char out[OUT_MAX], line[1024];
	struct ver_srv s;
	struct helper h;

	ASSERT_EQ(0, ver_srv_start(&s));
	/* version 1 against itself, for reference */
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_bind(s.dev, s.name, &rpcver__ver__descriptor,
				   NULL, &cl, &rs));
	EXPECT_EQ(0, ver_call_line(cl, "A", &a.base, line, sizeof(line)));
	EXPECT_IN("A code=0 handler=A extra=0 version=1 unknown=0 ", line);
	fastipc_rpc_unbind(cl);

	ASSERT_EQ(0, helper_start(&h, "call", s.name));
	EXPECT_EQ(0, helper_end(&h, out, sizeof(out)));
	TH_LOG("helper:\n%s", out);
	EXPECT_IN("bind code=0 ", line_of(out, "bind", line, sizeof(line)));
	/* extra (7, 8) went over the wire; version 1 skipped it as unknown */
	EXPECT_IN("A code=0 handler=A extra=0 version=1 unknown=1 ",
		  line_of(out, "A", line, sizeof(line)));
	EXPECT_IN("B code=0 handler=B extra=0 version=1 unknown=1 ",
		  line_of(out, "B", line, sizeof(line)));
	line_of(out, "C", line, sizeof(line));
	EXPECT_IN("C code=9 ", line);
	EXPECT_TRUE(names_both_types(line)) {
		TH_LOG("%s", line);
	}
	line_of(out, "D", line, sizeof(line));
	EXPECT_IN("D code=12 ", line);
	EXPECT_IN("rpcver.Ver", line);
	EXPECT_IN("D", strstr(line, "msg=") + 4);
	line_of(out, "bind-other", line, sizeof(line));
	EXPECT_IN("bind-other code=12 ", line);
	EXPECT_IN("rpcver.Other", line);
	EXPECT_EQ(0, ver_srv_stop(&s));
}

TEST(new_client_new_server)
{
	char name[FASTIPC_NAME_MAX + 2], out[OUT_MAX], line[1024];
	struct helper srv, cli;

	ASSERT_EQ(0, helper_start(&srv, "serve", NULL));
	ASSERT_NE(NULL, fgets(name, sizeof(name), srv.out));
	name[strcspn(name, "\n")] = '\0';
	ASSERT_EQ(0, helper_start(&cli, "call", name));
	EXPECT_EQ(0, helper_end(&cli, out, sizeof(out)));
	EXPECT_EQ(0, helper_end(&srv, NULL, 0));
	EXPECT_IN("A code=0 handler=A extra=7 version=2 unknown=0 ",
		  line_of(out, "A", line, sizeof(line)));
	EXPECT_IN("B code=0 handler=B extra=8 version=2 unknown=0 ",
		  line_of(out, "B", line, sizeof(line)));
	EXPECT_IN("C code=0 handler=C ", line_of(out, "C", line, sizeof(line)));
	EXPECT_IN("D code=0 handler=D extra=8 ",
		  line_of(out, "D", line, sizeof(line)));
	EXPECT_IN("bind-other code=0 ",
		  line_of(out, "bind-other", line, sizeof(line)));
}

TEST_HARNESS_MAIN
