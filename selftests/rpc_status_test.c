// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): how a call ends, against the module, with a
 * server of rpc_test.proto's Test and Aux services on a pool of 4:
 *  - every non-OK code a handler sets arrives with its code and message;
 *    OK carries the reply; a handler that never replies, replies NULL
 *    without a status or replies the wrong type is UNKNOWN / INTERNAL and
 *    counted in no_reply; set_status() refuses OK and codes past the max;
 *    a status set before or after a reply message wins over it;
 *  - an unknown method or one without a handler is UNIMPLEMENTED naming
 *    it; a request of the wrong type is INVALID_ARGUMENT; a service the
 *    server does not serve fails the bind;
 *  - the generated stubs over fastipc_rpc_service(): the closure sees the
 *    reply, or NULL and fastipc_rpc_last_status();
 *  - deadlines: the handler sees the caller's, ordered between the call's
 *    start and end plus the deadline; a handler blocked past a short one
 *    is DEADLINE_EXCEEDED;
 *  - 8 client threads on one client against the pool, each reply checked;
 *  - the describe call lists the services, methods, ops and types.
 * Counters are the server's fastipc_rpc_server_stats().
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

#define METHOD_CALL	"/rpctest.Test/Call"

FIXTURE(st) {
	struct rt_srv s;
	struct fastipc_rpc_client *cl;
};

FIXTURE_SETUP(st)
{
	struct fastipc_rpc_status rs;

	atomic_store(&rt_release, 0);
	atomic_store(&rt_blocked, 0);
	ASSERT_EQ(0, rt_srv_start(&self->s, "rpcst", 4, 0, 0600, NULL));
	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(self->s.dev, self->s.name, 0,
					  &self->cl, &rs)) {
		TH_LOG("bind: %d %s", rs.code, rs.message);
	}
}

FIXTURE_TEARDOWN(st)
{
	atomic_store(&rt_release, 1);
	fastipc_rpc_unbind(self->cl);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

/* Each of the 16 non-OK codes, with its message, as the handler set it. */
TEST_F(st, handler_codes_and_messages)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	char msg[96];
	int code;

	s0 = rt_stats(self->s.srv);
	req.mode = RT_STATUS;
	for (code = 1; code <= FASTIPC_RPC_CODE_MAX; code++) {
		snprintf(msg, sizeof(msg), "handler says %s (%d)",
			 fastipc_rpc_code_name(code), code);
		req.code = code;
		req.message = msg;
		rep = (Rpctest__Rep *)1;
		EXPECT_EQ(code, rt_do(self->cl, &req, &rep, 0, &rs));
		EXPECT_EQ(code, rs.code);
		EXPECT_EQ(0, rs.err);
		EXPECT_STREQ(msg, rs.message);
		EXPECT_EQ(NULL, rep);
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls + 16, s1.calls);
	EXPECT_EQ(s0.failed + 16, s1.failed);
	EXPECT_EQ(s0.ok, s1.ok);
	EXPECT_EQ(s0.no_reply, s1.no_reply);
	EXPECT_EQ(s0.bad_requests, s1.bad_requests);
}

/* OK: the reply arrives whole, and says what the handler saw. */
TEST_F(st, ok_reply_contents)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	uint32_t nums[5] = { 1, 200, 30000, 4000000, 7 };
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;

	ASSERT_EQ(0, rt_req_data(&req, 100, 11));
	req.reply_len = 300;
	req.reply_seed = 12;
	req.tag = 77;
	req.nums = nums;
	req.n_nums = 5;
	s0 = rt_stats(self->s.srv);
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs));
	EXPECT_EQ(0, rs.code);
	EXPECT_EQ(0, rs.err);
	EXPECT_STREQ("", rs.message);
	ASSERT_NE(NULL, rep);
	EXPECT_STREQ(METHOD_CALL, rep->method);
	EXPECT_EQ(100, rep->data_len);
	EXPECT_TRUE(rep->data_ok);
	EXPECT_EQ(77, rep->tag);
	EXPECT_EQ(4030208, rep->nums_sum);
	ASSERT_EQ(300, rep->data.len);
	EXPECT_GT(0, fipc_mismatch(rep->data.data, 300, 12));
	EXPECT_EQ(getpid(), rep->pid);
	EXPECT_EQ(getuid(), rep->uid);
	EXPECT_EQ(getgid(), rep->gid);
	EXPECT_EQ(fastipc_conn_id(fastipc_rpc_client_conn(self->cl)),
		  rep->conn_id);
	fastipc_rpc_free(&rep->base);
	rt_req_free(&req);

	/* An empty request and an empty reply are a valid call too. */
	memset(&req, 0, sizeof(req));
	rpctest__req__init(&req);
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs));
	EXPECT_EQ(0, rep->data_len);
	EXPECT_EQ(0, rep->data.len);
	fastipc_rpc_free(&rep->base);
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls + 2, s1.calls);
	EXPECT_EQ(s0.ok + 2, s1.ok);
	EXPECT_EQ(s0.failed, s1.failed);
}

/* Handlers that do not answer properly: UNKNOWN/INTERNAL, no_reply. */
TEST_F(st, handler_misbehaves)
{
	static const struct { int mode, code; const char *what; } cases[] = {
		{ RT_NOREPLY, FASTIPC_RPC_UNKNOWN, "did not reply" },
		{ RT_NULL, FASTIPC_RPC_UNKNOWN, NULL },
		{ RT_WRONG, FASTIPC_RPC_INTERNAL, NULL },
	};
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s0 = rt_stats(self->s.srv);
		req.mode = cases[i].mode;
		rep = NULL;
		EXPECT_EQ(cases[i].code, rt_do(self->cl, &req, &rep, 0, &rs)) {
			TH_LOG("mode %d: %d %s", cases[i].mode, rs.code,
			       rs.message);
		}
		EXPECT_EQ(NULL, rep);
		EXPECT_NE(0, rs.message[0]);
		if (cases[i].what)
			EXPECT_NE(NULL, strstr(rs.message, cases[i].what)) {
				TH_LOG("message: %s", rs.message);
			}
		s1 = rt_stats(self->s.srv);
		EXPECT_EQ(s0.no_reply + 1, s1.no_reply);
		EXPECT_EQ(s0.failed + 1, s1.failed);
		EXPECT_EQ(s0.ok, s1.ok);
	}

	/* The server still serves. */
	req.mode = RT_ECHO;
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs));
	fastipc_rpc_free(&rep->base);
}

/* set_status() refuses OK and codes past the max; the reply still goes. */
TEST_F(st, set_status_bad_code)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;

	atomic_store(&rt_badcode_ret, 0);
	req.mode = RT_BADCODE;
	req.tag = 5;
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs)) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	EXPECT_EQ(1, atomic_load(&rt_badcode_ret));
	EXPECT_EQ(5, rep->tag);
	fastipc_rpc_free(&rep->base);
}

/*
 * A status set before or after a reply message wins, and its message
 * (even an empty one) replaces the packed reply as the payload.
 */
TEST_F(st, status_wins_over_reply)
{
	static const int modes[] = { RT_REPLY_THEN_STATUS, RT_STATUS_THEN_REPLY };
	static const char *const msgs[] = { "", "aborted by the handler" };
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	size_t i, j;

	s0 = rt_stats(self->s.srv);
	req.code = FASTIPC_RPC_ABORTED;
	req.reply_len = 50;
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			req.mode = modes[i];
			req.message = (char *)msgs[j];
			rep = NULL;
			EXPECT_EQ(FASTIPC_RPC_ABORTED,
				  rt_do(self->cl, &req, &rep, 0, &rs));
			EXPECT_STREQ(msgs[j], rs.message);
			EXPECT_EQ(NULL, rep);
		}
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.failed + 4, s1.failed);
	EXPECT_EQ(s0.ok, s1.ok);
	EXPECT_EQ(s0.no_reply, s1.no_reply);
}

/* Unknown methods, a method without a handler, a request of another type. */
TEST_F(st, unimplemented_and_bad_input)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	Rpctest__Other other = RPCTEST__OTHER__INIT;
	struct fastipc_rpc_status rs;
	ProtobufCMessage *m = NULL;

	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED,
		  fastipc_rpc_call(self->cl, "NoSuch", &req.base, &m, 0, &rs));
	EXPECT_NE(NULL, strstr(rs.message, "NoSuch")) {
		TH_LOG("message: %s", rs.message);
	}
	EXPECT_EQ(NULL, m);

	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED,
		  fastipc_rpc_call(self->cl, "Unserved", &req.base, &m, 0,
				   &rs));
	EXPECT_NE(NULL, strstr(rs.message, "Unserved")) {
		TH_LOG("message: %s", rs.message);
	}
	EXPECT_EQ(NULL, m);

	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  fastipc_rpc_call(self->cl, "Call", &other.base, &m, 0, &rs));
	EXPECT_EQ(NULL, m);

	/* The full name reaches the same method. */
	req.tag = 9;
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_call(self->cl, METHOD_CALL, &req.base, &m, 0,
				   &rs));
	EXPECT_EQ(9, ((Rpctest__Rep *)m)->tag);
	fastipc_rpc_free(m);
}

/* A service the server does not serve: the bind fails, naming it. */
TEST_F(st, bind_unserved_service)
{
	struct fastipc_rpc_client *cl = (void *)1;
	struct fastipc_rpc_status rs;

	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED,
		  fastipc_rpc_bind(self->s.dev, self->s.name,
				   &rpctest__absent__descriptor, NULL, &cl,
				   &rs));
	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED, rs.code);
	EXPECT_NE(NULL, strstr(rs.message, "rpctest.Absent")) {
		TH_LOG("message: %s", rs.message);
	}
}

struct stub_res {
	int called;
	int got_reply;
	uint32_t tag;
};

static void stub_closure(const Rpctest__Rep *rep, void *data)
{
	struct stub_res *r = data;

	r->called++;
	if (rep) {
		r->got_reply = 1;
		r->tag = rep->tag;
	}
}

/* The generated stubs on fastipc_rpc_service(). */
TEST_F(st, generated_stubs)
{
	ProtobufCService *svc = fastipc_rpc_service(self->cl);
	Rpctest__Req req = RPCTEST__REQ__INIT;
	const struct fastipc_rpc_status *ls;
	struct stub_res r = { 0 };

	ASSERT_NE(NULL, svc);
	EXPECT_EQ(&rpctest__test__descriptor, svc->descriptor);
	req.tag = 1234;
	rpctest__test__call(svc, &req, stub_closure, &r);
	EXPECT_EQ(1, r.called);
	EXPECT_EQ(1, r.got_reply);
	EXPECT_EQ(1234, r.tag);
	ls = fastipc_rpc_last_status();
	ASSERT_NE(NULL, ls);
	EXPECT_EQ(FASTIPC_RPC_OK, ls->code);

	memset(&r, 0, sizeof(r));
	req.mode = RT_STATUS;
	req.code = FASTIPC_RPC_NOT_FOUND;
	req.message = "no such key";
	rpctest__test__call(svc, &req, stub_closure, &r);
	EXPECT_EQ(1, r.called);
	EXPECT_EQ(0, r.got_reply);
	ls = fastipc_rpc_last_status();
	EXPECT_EQ(FASTIPC_RPC_NOT_FOUND, ls->code);
	EXPECT_STREQ("no such key", ls->message);

	/* A method without a handler, through its stub. */
	memset(&r, 0, sizeof(r));
	req.mode = RT_ECHO;
	rpctest__test__unserved(svc, &req, stub_closure, &r);
	EXPECT_EQ(1, r.called);
	EXPECT_EQ(0, r.got_reply);
	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED, fastipc_rpc_last_status()->code);
}

/*
 * The handler's deadline: the caller's, as an absolute time of the same
 * clock. It was computed after t0 and before the reply came back (t1), so
 * t0 + D <= deadline <= t1 + D whatever the host's load; and none: INF.
 */
TEST_F(st, deadline_seen_by_handler)
{
	const uint64_t d = 30 * RT_NS;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	uint64_t t0, t1;

	t0 = rt_now();
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, d, &rs));
	t1 = rt_now();
	EXPECT_LE(t0 + d, rep->deadline);
	EXPECT_GE(t1 + d, rep->deadline);
	EXPECT_LT(rep->now, rep->deadline);
	EXPECT_LE(t0, rep->now);
	EXPECT_GE(t1, rep->now);
	fastipc_rpc_free(&rep->base);

	ASSERT_EQ(FASTIPC_RPC_OK,
		  rt_do(self->cl, &req, &rep, FASTIPC_TIMEOUT_INF, &rs));
	EXPECT_EQ(FASTIPC_TIMEOUT_INF, rep->deadline);
	fastipc_rpc_free(&rep->base);

	/* 0: the bind's deadline (RT_CALL_NS) */
	t0 = rt_now();
	ASSERT_EQ(FASTIPC_RPC_OK,
		  rt_do(self->cl, &req, &rep, FASTIPC_RPC_DEADLINE_BIND, &rs));
	t1 = rt_now();
	EXPECT_LE(t0 + RT_CALL_NS, rep->deadline);
	EXPECT_GE(t1 + RT_CALL_NS, rep->deadline);
	fastipc_rpc_free(&rep->base);
}

/* A handler that outlives a short deadline: DEADLINE_EXCEEDED. */
TEST_F(st, deadline_exceeded)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	uint64_t end;

	req.mode = RT_BLOCK;
	/* The handler waits for rt_release: the deadline passes first. */
	EXPECT_EQ(FASTIPC_RPC_DEADLINE_EXCEEDED,
		  rt_do(self->cl, &req, &rep, 50 * FIPC_MS, &rs));
	EXPECT_EQ(ETIMEDOUT, rs.err);
	EXPECT_EQ(NULL, rep);
	atomic_store(&rt_release, 1);

	/* Once the handler has run, the client still works. */
	end = rt_now() + RT_BLOCK_NS;
	while (atomic_load(&rt_blocked) < 1 && rt_now() < end)
		usleep(1000);
	EXPECT_EQ(1, atomic_load(&rt_blocked));
	req.mode = RT_ECHO;
	req.tag = 3;
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs));
	EXPECT_EQ(3, rep->tag);
	fastipc_rpc_free(&rep->base);
}

#define THREADS		8
#define PER_THREAD	40

struct thr_arg {
	struct fastipc_rpc_client *cl;
	int id;
	int ok;		/* calls whose reply matched */
};

static void *thr_main(void *p)
{
	struct thr_arg *a = p;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		uint32_t tag = (uint32_t)(a->id * 1000 + i);
		size_t len = 16 + (size_t)(i * 37 % 200);

		if (rt_req_data(&req, len, tag))
			break;
		req.tag = tag;
		req.reply_len = len;
		req.reply_seed = tag + 1;
		rep = NULL;
		if (rt_do(a->cl, &req, &rep, 0, &rs) == FASTIPC_RPC_OK &&
		    rep->tag == tag && rep->data_ok && rep->data_len == len &&
		    rep->data.len == len &&
		    fipc_mismatch(rep->data.data, len, tag + 1) < 0)
			a->ok++;
		else
			fprintf(stderr, "# thread %d call %d: %d %s\n", a->id,
				i, rs.code, rs.message);
		fastipc_rpc_free(rep ? &rep->base : NULL);
		rt_req_free(&req);
	}
	return NULL;
}

/* 8 threads call on one client against a pool of 4. */
TEST_F(st, threads_against_pool)
{
	struct fastipc_rpc_server_stats s0, s1;
	struct thr_arg a[THREADS];
	pthread_t th[THREADS];
	int i;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < THREADS; i++) {
		a[i] = (struct thr_arg){ .cl = self->cl, .id = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thr_main, &a[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(PER_THREAD, a[i].ok);
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls + THREADS * PER_THREAD, s1.calls);
	EXPECT_EQ(s0.ok + THREADS * PER_THREAD, s1.ok);
	EXPECT_EQ(s0.failed, s1.failed);
}

static const Fastipc__Rpc__Method *
find_method(const Fastipc__Rpc__Service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_methods; i++)
		if (!strcmp(s->methods[i]->name, name))
			return s->methods[i];
	return NULL;
}

static const Fastipc__Rpc__Service *
find_service(const Fastipc__Rpc__Description *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_services; i++)
		if (!strcmp(d->services[i]->name, name))
			return d->services[i];
	return NULL;
}

static const Fastipc__Rpc__MessageType *
find_type(const Fastipc__Rpc__Description *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_types; i++)
		if (!strcmp(d->types[i]->name, name))
			return d->types[i];
	return NULL;
}

/* The describe call: services, methods with ops and hashes, types. */
TEST_F(st, describe)
{
	struct fastipc_conn *conn = fastipc_rpc_client_conn(self->cl);
	const Fastipc__Rpc__MessageType *t;
	const Fastipc__Rpc__Service *test, *aux;
	const Fastipc__Rpc__Method *call, *nest, *name;
	struct fastipc_rpc_server_stats s0, s1;
	Fastipc__Rpc__Description *d = NULL;
	struct fastipc_rpc_status rs;
	int found = 0;
	size_t i;

	s0 = rt_stats(self->s.srv);
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_describe(conn, RT_CALL_NS, &d, &rs));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.describes + 1, s1.describes);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(FASTIPC_RPC_WIRE_VERSION, d->version);
	EXPECT_EQ(NULL, find_service(d, "rpctest.Absent"));
	test = find_service(d, "rpctest.Test");
	aux = find_service(d, "rpctest.Aux");
	ASSERT_NE(NULL, test);
	ASSERT_NE(NULL, aux);
	call = find_method(test, "Call");
	nest = find_method(test, "Nest");
	name = find_method(aux, "Name");
	ASSERT_NE(NULL, call);
	ASSERT_NE(NULL, nest);
	ASSERT_NE(NULL, name);
	/* In the order the server added them, from OP_BASE, distinct. */
	EXPECT_EQ(FASTIPC_RPC_OP_BASE, call->op);
	EXPECT_EQ(FASTIPC_RPC_OP_BASE + 1, nest->op);
	EXPECT_LT(nest->op, name->op);
	EXPECT_GT(FASTIPC_RPC_OP_BASE + FASTIPC_RPC_METHODS_MAX, name->op);
	EXPECT_STREQ("rpctest.Req", call->input_type);
	EXPECT_STREQ("rpctest.Rep", call->output_type);
	EXPECT_STREQ("rpctest.Node", nest->input_type);
	EXPECT_EQ(fastipc_rpc_hash("rpctest.Test",
				   &rpctest__test__descriptor.methods[0]),
		  call->hash);
	EXPECT_EQ(fastipc_rpc_hash("rpctest.Aux",
				   &rpctest__aux__descriptor.methods[0]),
		  name->hash);

	/* The schema of a type: Req.data is field 4, bytes (type 12). */
	t = find_type(d, "rpctest.Req");
	ASSERT_NE(NULL, t);
	for (i = 0; i < t->n_fields; i++) {
		if (strcmp(t->fields[i]->name, "data"))
			continue;
		found = 1;
		EXPECT_EQ(4, t->fields[i]->number);
		EXPECT_EQ(12, t->fields[i]->type);
	}
	EXPECT_EQ(1, found);
	t = find_type(d, "rpctest.Node");
	ASSERT_NE(NULL, t);
	found = 0;
	for (i = 0; i < t->n_fields; i++)
		if (!strcmp(t->fields[i]->name, "child")) {
			found = 1;
			EXPECT_EQ(11, t->fields[i]->type);	/* message */
			EXPECT_STREQ("rpctest.Node", t->fields[i]->type_name);
		}
	EXPECT_EQ(1, found);
	fastipc_rpc_free(&d->base);
}

TEST_HARNESS_MAIN
