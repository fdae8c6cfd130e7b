// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc-oncrpc (issue 14): rpcgen -M stubs of tcalc.x (versions 1
 * and 3 of one program) over fastipc, against the module:
 *  - the generated stubs add, echo and call the null procedure;
 *  - a client for another program is RPC_PROGUNAVAIL at create time, for
 *    version 2 RPC_PROGVERSMISMATCH with low 1 and high 3; version 3
 *    serves its own procedure;
 *  - an unknown procedure is RPC_PROCUNAVAIL; arguments the server cannot
 *    decode are RPC_CANTDECODEARGS; a hostile client sending garbage XDR,
 *    a bad or short header through fastipc_call2() gets GARBAGE_ARGS or
 *    an error status, and the server still serves;
 *  - a 4 MiB opaque<> both ways arrives intact (through the region); the
 *    same with a default client is RPC_CANTSEND with EMSGSIZE;
 *  - 8 threads calling on one CLIENT each get their own results;
 *  - a call blocked past CLSET_TIMEOUT is RPC_TIMEDOUT;
 *  - a server killed during a call is RPC_CANTRECV with ECONNRESET;
 *  - the service sees AUTH_SYS with the kernel's uid/gid 1000 and pid of
 *    a caller that claims root in its own AUTH_UNIX credentials.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <fastipc.h>
#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "tcalc_impl.h"
#include "../lib/oncrpc/wire.h"

#define BIG (4U << 20)
#define NTHREADS 8
#define NCALLS 40

static const struct timeval tc_tmo = { 25, 0 };

struct tc_srv {
	struct svc_fastipc *srv;
	pthread_t th;
	int ret;
	char name[FASTIPC_NAME_MAX];
};

static void *tc_run(void *arg)
{
	struct tc_srv *s = arg;

	s->ret = svc_fastipc_run(s->srv);
	return NULL;
}

static int tc_srv_start(struct tc_srv *s, unsigned int nthreads)
{
	int ret;

	fipc_unique_name(s->name, "onc");
	ret = svc_fastipc_create(s->name, 0666, nthreads, &s->srv);
	if (ret)
		return ret;
	ret = svc_fastipc_reg(s->srv, TCALC_PROG, TCALC_V1, tcalc_prog_1);
	if (!ret)
		ret = svc_fastipc_reg(s->srv, TCALC_PROG, TCALC_V3,
				      tcalc_prog_3);
	if (!ret)
		ret = -pthread_create(&s->th, NULL, tc_run, s);
	if (ret)
		svc_fastipc_destroy(s->srv);
	return ret;
}

static int tc_srv_stop(struct tc_srv *s)
{
	svc_fastipc_stop(s->srv);
	pthread_join(s->th, NULL);
	svc_fastipc_destroy(s->srv);
	return s->ret;
}

FIXTURE(onc) {
	struct tc_srv s;
	CLIENT *cl;
};

FIXTURE_SETUP(onc)
{
	FIPC_REQUIRE_DEV();
	atomic_store(&tc_release, 0);
	atomic_store(&tc_blocked, 0);
	ASSERT_EQ(0, tc_srv_start(&self->s, 4));
	self->cl = clnt_fastipc_create(self->s.name, TCALC_PROG, TCALC_V1);
	ASSERT_NE(NULL, self->cl) {
		TH_LOG("%s", clnt_spcreateerror(self->s.name));
	}
}

FIXTURE_TEARDOWN(onc)
{
	atomic_store(&tc_release, 1);
	if (self->cl)
		clnt_destroy(self->cl);
	EXPECT_EQ(0, tc_srv_stop(&self->s));
}

TEST_F(onc, stubs_add_echo_null)
{
	tc_pair p = { .a = 40, .b = 2 };
	char msg[] = "hello over fastipc";
	tc_bytes in = { .tc_bytes_len = sizeof(msg), .tc_bytes_val = msg };
	tc_bytes out;
	int sum = 0, fd = -1;

	ASSERT_EQ(RPC_SUCCESS, tc_null_1(NULL, NULL, self->cl));
	ASSERT_EQ(RPC_SUCCESS, tc_add_1(&p, &sum, self->cl));
	EXPECT_EQ(42, sum);
	memset(&out, 0, sizeof(out));
	ASSERT_EQ(RPC_SUCCESS, tc_echo_1(&in, &out, self->cl));
	ASSERT_EQ(sizeof(msg), out.tc_bytes_len);
	EXPECT_EQ(0, memcmp(msg, out.tc_bytes_val, sizeof(msg)));
	EXPECT_TRUE(clnt_freeres(self->cl, (xdrproc_t)xdr_tc_bytes,
				 (char *)&out));
	EXPECT_STREQ("fastipc", self->cl->cl_netid);
	EXPECT_TRUE(clnt_control(self->cl, CLGET_FD, (char *)&fd));
	EXPECT_LE(0, fd);
}

TEST_F(onc, prog_unavail_and_mismatch)
{
	tc_pair p = { .a = 1, .b = 2 };
	CLIENT *c;
	int r = 0;

	c = clnt_fastipc_create(self->s.name, TCALC_PROG + 1, TCALC_V1);
	ASSERT_EQ(NULL, c);
	EXPECT_EQ(RPC_PROGUNAVAIL, rpc_createerr.cf_stat);

	c = clnt_fastipc_create(self->s.name, TCALC_PROG, 2);
	ASSERT_EQ(NULL, c);
	EXPECT_EQ(RPC_PROGVERSMISMATCH, rpc_createerr.cf_stat);
	EXPECT_EQ(1, rpc_createerr.cf_error.re_vers.low);
	EXPECT_EQ(3, rpc_createerr.cf_error.re_vers.high);
	EXPECT_NE(NULL, strstr(clnt_spcreateerror("x"), "version mismatch"));

	c = clnt_fastipc_create("kst-onc-no-such-channel", TCALC_PROG, 1);
	ASSERT_EQ(NULL, c);
	EXPECT_EQ(RPC_SYSTEMERROR, rpc_createerr.cf_stat);
	EXPECT_EQ(ENOENT, rpc_createerr.cf_error.re_errno);

	c = clnt_fastipc_create(self->s.name, TCALC_PROG, TCALC_V3);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(RPC_SUCCESS, tc_add3_3(&p, &r, c));
	EXPECT_EQ(9, r);
	clnt_destroy(c);
}

TEST_F(onc, proc_unavail_and_garbage_args)
{
	struct rpc_err e;
	int sum = 0;

	ASSERT_EQ(RPC_PROCUNAVAIL,
		  clnt_call(self->cl, 99, (xdrproc_t)xdr_void, NULL,
			    (xdrproc_t)xdr_void, NULL, tc_tmo));
	clnt_geterr(self->cl, &e);
	EXPECT_EQ(RPC_PROCUNAVAIL, e.re_status);
	EXPECT_NE(NULL, strstr(clnt_sperror(self->cl, "x"), "unavailable"));
	/* TC_ADD without its arguments: the server cannot decode them. */
	ASSERT_EQ(RPC_CANTDECODEARGS,
		  clnt_call(self->cl, TC_ADD, (xdrproc_t)xdr_void, NULL,
			    (xdrproc_t)xdr_int, (char *)&sum, tc_tmo));
	ASSERT_EQ(RPC_SUCCESS, tc_null_1(NULL, NULL, self->cl));
}

/* One raw call of @len bytes; the reply header in *@h, the status back. */
static int tc_raw(struct fastipc_conn *conn, uint32_t op, const void *req,
		  size_t len, struct fipc_onc_rep *h, int32_t *status)
{
	struct fastipc_call_args a;
	int ret;

	memset(&a, 0, sizeof(a));
	memset(h, 0, sizeof(*h));
	a.op = op;
	a.req = req;
	a.req_len = len;
	a.rep = h;
	a.rep_cap = sizeof(*h);
	a.timeout_ns = FIPC_WAIT_NS;
	ret = fastipc_call2(conn, &a, sizeof(a));
	*status = a.status;
	return ret;
}

/* A raw call request: the header, then up to 3 words of XDR arguments. */
struct tc_rawmsg {
	struct fipc_onc_req q;
	uint32_t xdr[3];
};

/* @m as a call of tcalc version 1's procedure @proc, arguments zeroed. */
static void tc_rawmsg_init(struct tc_rawmsg *m, uint32_t proc)
{
	memset(m, 0, sizeof(*m));
	m->q.magic = FIPC_ONC_MAGIC;
	m->q.prog = TCALC_PROG;
	m->q.vers = TCALC_V1;
	m->q.proc = proc;
}

TEST_F(onc, hostile_client)
{
	struct tc_rawmsg m;
	struct fastipc_dev *dev;
	struct fastipc_conn *conn;
	struct fipc_onc_rep h;
	int32_t st;
	int sum = 0;
	tc_pair p = { .a = 5, .b = 6 };

	tc_rawmsg_init(&m, TC_ADD);
	ASSERT_EQ(0, fastipc_open(&dev));
	ASSERT_EQ(0, fastipc_connect(dev, self->s.name, &conn));
	/* 3 bytes of an int pair: garbage XDR */
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m.q) + 3, &h,
			    &st));
	EXPECT_EQ(0, st);
	EXPECT_EQ(FIPC_ONC_MAGIC, h.magic);
	EXPECT_EQ(FIPC_ONC_GARBAGE_ARGS, h.stat);
	/* an opaque<> claiming 1 GiB with 4 bytes behind it */
	m.q.proc = TC_ECHO;
	m.xdr[0] = htonl(1U << 30);
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m), &h, &st));
	EXPECT_EQ(FIPC_ONC_GARBAGE_ARGS, h.stat);
	/* unknown procedure, program, version */
	m.q.proc = 77;
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m), &h, &st));
	EXPECT_EQ(FIPC_ONC_PROC_UNAVAIL, h.stat);
	m.q.prog = 7;
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m), &h, &st));
	EXPECT_EQ(FIPC_ONC_PROG_UNAVAIL, h.stat);
	m.q.prog = TCALC_PROG;
	m.q.vers = 9;
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m), &h, &st));
	EXPECT_EQ(FIPC_ONC_PROG_MISMATCH, h.stat);
	EXPECT_EQ(1, h.low);
	EXPECT_EQ(3, h.high);
	/* a bad magic, a short header: an error status, no reply */
	m.q.magic = 0x12345678;
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, sizeof(m), &h, &st));
	EXPECT_EQ(-EPROTO, st);
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_CALL, &m, 7, &h, &st));
	EXPECT_EQ(-EPROTO, st);
	ASSERT_EQ(0, tc_raw(conn, FIPC_ONC_OP_PROBE, &m, 3, &h, &st));
	EXPECT_EQ(-EPROTO, st);
	fastipc_disconnect(conn);
	fastipc_close(dev);
	/* the server still serves */
	ASSERT_EQ(RPC_SUCCESS, tc_add_1(&p, &sum, self->cl));
	EXPECT_EQ(11, sum);
}

/*
 * A one-way message (FASTIPC_IOC_SEND) to the call op runs no procedure:
 * with one pool thread, which takes messages in order, the blocking
 * procedure sent one-way would have run (tc_blocked 1, and held the
 * thread) before the add that follows it is answered.
 */
TEST(oneway_runs_nothing)
{
	struct tc_rawmsg m;
	struct fastipc_dev *dev;
	struct fastipc_conn *conn;
	struct tc_srv s;
	CLIENT *cl;
	int sum = 0;
	tc_pair p = { .a = 2, .b = 3 };

	FIPC_REQUIRE_DEV();
	atomic_store(&tc_release, 0);
	atomic_store(&tc_blocked, 0);
	ASSERT_EQ(0, tc_srv_start(&s, 1));
	ASSERT_EQ(0, fastipc_open(&dev));
	ASSERT_EQ(0, fastipc_connect(dev, s.name, &conn));
	tc_rawmsg_init(&m, TC_BLOCK);
	m.xdr[0] = htonl(1);
	ASSERT_EQ(0, fastipc_send(conn, FIPC_ONC_OP_CALL, &m,
				  sizeof(m.q) + sizeof(m.xdr[0]), FIPC_WAIT_NS));
	ASSERT_EQ(0, fastipc_send(conn, FIPC_ONC_OP_PROBE, &m, sizeof(m.q),
				  FIPC_WAIT_NS));
	cl = clnt_fastipc_create(s.name, TCALC_PROG, TCALC_V1);
	ASSERT_NE(NULL, cl);
	EXPECT_EQ(RPC_SUCCESS, tc_add_1(&p, &sum, cl));
	EXPECT_EQ(5, sum);
	EXPECT_EQ(0, atomic_load(&tc_blocked));
	atomic_store(&tc_release, 1);
	clnt_destroy(cl);
	fastipc_disconnect(conn);
	fastipc_close(dev);
	EXPECT_EQ(0, tc_srv_stop(&s));
}

TEST_F(onc, big_opaque_both_ways)
{
	struct clnt_fastipc_opts o = { .max_payload = BIG + (64U << 10) };
	tc_bytes in, out;
	struct rpc_err e;
	CLIENT *c;
	size_t i;

	in.tc_bytes_len = BIG;
	in.tc_bytes_val = malloc(BIG);
	ASSERT_NE(NULL, in.tc_bytes_val);
	for (i = 0; i < BIG; i++)
		in.tc_bytes_val[i] = (char)(i * 7 + (i >> 12));
	/* the default client's max_payload is below 4 MiB */
	memset(&out, 0, sizeof(out));
	ASSERT_EQ(RPC_CANTSEND, tc_echo_1(&in, &out, self->cl));
	clnt_geterr(self->cl, &e);
	EXPECT_EQ(EMSGSIZE, e.re_errno);

	c = clnt_fastipc_create_opts(self->s.name, TCALC_PROG, TCALC_V1, &o);
	ASSERT_NE(NULL, c) {
		TH_LOG("%s", clnt_spcreateerror("opts"));
	}
	memset(&out, 0, sizeof(out));
	ASSERT_EQ(RPC_SUCCESS, tc_echo_1(&in, &out, c)) {
		TH_LOG("%s", clnt_sperror(c, "echo"));
	}
	ASSERT_EQ(BIG, out.tc_bytes_len);
	EXPECT_EQ(0, memcmp(in.tc_bytes_val, out.tc_bytes_val, BIG));
	clnt_freeres(c, (xdrproc_t)xdr_tc_bytes, (char *)&out);
	clnt_destroy(c);
	free(in.tc_bytes_val);
}

struct tc_thr {
	CLIENT *cl;
	int id;
	int bad;
};

static void *tc_caller(void *arg)
{
	struct tc_thr *t = arg;
	int i, sum;

	for (i = 0; i < NCALLS; i++) {
		tc_pair p = { .a = t->id * 1000, .b = i };

		sum = -1;
		if (tc_add_1(&p, &sum, t->cl) != RPC_SUCCESS ||
		    sum != t->id * 1000 + i)
			t->bad++;
	}
	return NULL;
}

TEST_F(onc, threads_on_one_client)
{
	struct tc_thr t[NTHREADS];
	pthread_t th[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++) {
		t[i] = (struct tc_thr){ .cl = self->cl, .id = i + 1 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, tc_caller, &t[i]));
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, t[i].bad) {
			TH_LOG("thread %d: %d bad results", i, t[i].bad);
		}
	}
}

TEST_F(onc, timeout)
{
	struct timeval tv = { 0, 300000 }, got;
	struct rpc_err e;
	int in = 5, out = 0;

	ASSERT_TRUE(clnt_control(self->cl, CLSET_TIMEOUT, (char *)&tv));
	ASSERT_TRUE(clnt_control(self->cl, CLGET_TIMEOUT, (char *)&got));
	EXPECT_EQ(0, got.tv_sec);
	EXPECT_EQ(300000, got.tv_usec);
	/* TC_BLOCK waits for tc_release, set only after the call ended */
	ASSERT_EQ(RPC_TIMEDOUT, tc_block_1(&in, &out, self->cl));
	clnt_geterr(self->cl, &e);
	EXPECT_EQ(RPC_TIMEDOUT, e.re_status);
	EXPECT_NE(NULL, strcasestr(clnt_sperror(self->cl, "x"), "timed out"));
	atomic_store(&tc_release, 1);
	tv.tv_sec = 25;
	tv.tv_usec = 0;
	ASSERT_TRUE(clnt_control(self->cl, CLSET_TIMEOUT, (char *)&tv));
	ASSERT_EQ(RPC_SUCCESS, tc_block_1(&in, &out, self->cl));
	EXPECT_EQ(5, out);
}

/* A server of its own in a child; killed while TC_BLOCK runs. */
TEST(server_death_mid_call)
{
	int ready[2], entered[2], in = 1, out = 0, st;
	char name[FASTIPC_NAME_MAX], b;
	struct svc_fastipc *srv;
	struct rpc_err e;
	CLIENT *cl;
	pid_t pid;

	FIPC_REQUIRE_DEV();
	fipc_unique_name(name, "oncd");
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(entered));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		close(entered[0]);
		tc_block_fd = entered[1];
		CHILD_CHECK(svc_fastipc_create(name, 0600, 2, &srv) == 0);
		CHILD_CHECK(svc_fastipc_reg(srv, TCALC_PROG, TCALC_V1,
					    tcalc_prog_1) == 0);
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		svc_fastipc_run(srv);
		_exit(0);
	}
	close(ready[1]);
	close(entered[1]);
	ASSERT_EQ(1, read(ready[0], &b, 1));
	cl = clnt_fastipc_create(name, TCALC_PROG, TCALC_V1);
	ASSERT_NE(NULL, cl);
	if (fork() == 0) {	/* the killer: once the call is in the server */
		_exit(read(entered[0], &b, 1) == 1 && kill(pid, SIGKILL) == 0 ?
		      0 : 1);
	}
	EXPECT_EQ(RPC_CANTRECV, tc_block_1(&in, &out, cl));
	clnt_geterr(cl, &e);
	EXPECT_EQ(ECONNRESET, e.re_errno) {
		TH_LOG("%s", clnt_sperror(cl, "block"));
	}
	/* and so is the next call */
	EXPECT_EQ(RPC_CANTRECV, tc_null_1(NULL, NULL, cl));
	clnt_destroy(cl);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(ready[0]);
	close(entered[0]);
}

TEST_F(onc, auth_sys_as_uid_1000)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		tc_who w;
		CLIENT *c;

		CHILD_CHECK(fipc_become(1000, 1000, NULL, 0, -1) == 0);
		c = clnt_fastipc_create(self->s.name, TCALC_PROG, TCALC_V1);
		CHILD_CHECK(c != NULL);
		/* claims root: the server must not believe it */
		c->cl_auth = authunix_create("root", 0, 0, 0, NULL);
		memset(&w, 0, sizeof(w));
		CHILD_CHECK(tc_who_1(NULL, &w, c) == RPC_SUCCESS);
		CHILD_CHECK(w.flavor == AUTH_SYS);
		CHILD_CHECK(w.cred_uid == 1000 && w.cred_gid == 1000);
		CHILD_CHECK(w.uid == 1000 && w.gid == 1000);
		CHILD_CHECK(w.pid == getpid());
		CHILD_CHECK(strcmp(w.netid, "fastipc") == 0);
		clnt_freeres(c, (xdrproc_t)xdr_tc_who, (char *)&w);
		auth_destroy(c->cl_auth);
		clnt_destroy(c);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
