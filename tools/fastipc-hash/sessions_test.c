// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of sessions.c, the fastipc-hashd procedures, without the
 * module and without the RPC layer: the pool's connection hook
 * (fastipc_server_on_conn()) is a stub that keeps the callback, the test
 * calls the procedures and the callback as pool threads would, in the
 * orders the pool allows, and a fake kernel answers the "is this
 * connection attached?" question.
 *
 * The invariant: once a connection's DISCONNECT has been handled and its
 * handlers have returned, no session and no table of it remains, in
 * whatever order a BEGIN of it and its DISCONNECT ran. Built with ASan
 * and UBSan (make -C tools/fastipc-hash check).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashd.h"

#define CONNS		4096
#define ROUNDS		2000

static struct {
	void *ctx;
	fastipc_conn_cb_t conn_fn;
} pool;
static struct fhash_state *state;

int fastipc_server_on_conn(struct fastipc_server *srv, fastipc_conn_cb_t fn,
			   void *ctx)
{
	(void)srv;
	pool.conn_fn = fn;
	pool.ctx = ctx;
	return 0;
}

/* The fake kernel: which connections are attached. */
static atomic_bool attached[CONNS];
/* Run once inside the next alive() question, as another pool thread. */
static void (*in_question)(uint64_t conn_id);
static int question_error;
static atomic_int questions;

static int fake_alive(void *ctx, uint64_t conn_id)
{
	void (*fn)(uint64_t) = in_question;

	(void)ctx;
	atomic_fetch_add(&questions, 1);
	in_question = NULL;
	if (fn)
		fn(conn_id);
	if (question_error)
		return question_error;
	return atomic_load(&attached[conn_id % CONNS]) ? 1 : 0;
}

static int failures;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			failures++;					\
			printf("# %s:%d: %s: ", __func__, __LINE__, #cond); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static void conn_msg(uint64_t conn_id, uint32_t type)
{
	struct fastipc_msg_hdr h = { .conn_id = conn_id, .type = type };

	pool.conn_fn(pool.ctx, &h);
}

static void connect_(uint64_t id)
{
	atomic_store(&attached[id % CONNS], true);
	conn_msg(id, FASTIPC_MSG_CONNECT);
}

/* The client dies: detached at once, DISCONNECT handled when called. */
static void detach(uint64_t id)
{
	atomic_store(&attached[id % CONNS], false);
}

static void disconnect(uint64_t id)
{
	conn_msg(id, FASTIPC_MSG_DISCONNECT);
}

static int begin(uint64_t conn_id, uint64_t *handle)
{
	return fhash_begin(state, conn_id, "abc", 3, handle);
}

static int update(uint64_t conn_id, uint64_t handle)
{
	return fhash_update(state, conn_id, handle, "def", 3);
}

static int final(uint64_t conn_id, uint64_t handle, unsigned char *digest)
{
	return fhash_final(state, conn_id, handle, NULL, 0, digest);
}

static struct fhash_counts stats(void)
{
	struct fhash_counts w;

	memset(&w, 0xff, sizeof(w));
	fhash_counts(state, &w);
	return w;
}

#define CHECK_EMPTY()							\
	do {								\
		struct fhash_counts w_ = stats();			\
		CHECK(w_.sessions == 0 && w_.tables == 0,		\
		      "%ju sessions, %ju tables left",			\
		      (uintmax_t)w_.sessions, (uintmax_t)w_.tables);	\
	} while (0)

/* The common case: one question per connection, sessions work. */
static void test_normal(void)
{
	static const unsigned char sha_abcdef[4] = { 0xbe, 0xf5, 0x7e, 0xc7 };
	unsigned char d[FHASH_DIGEST_LEN];
	uint64_t h1, h2;
	int q;

	connect_(1);
	q = atomic_load(&questions);
	CHECK(begin(1, &h1) == 0, "first BEGIN");
	CHECK(begin(1, &h2) == 0, "second BEGIN");
	CHECK(atomic_load(&questions) == q + 1, "%d questions, want 1",
	      atomic_load(&questions) - q);
	CHECK(update(1, h1) == 0, "UPDATE");
	CHECK(final(1, h1, d) == 0 && !memcmp(d, sha_abcdef, 4),
	      "FINAL: SHA-256 of abcdef");
	CHECK(stats().sessions == 1, "one session left");
	detach(1);
	disconnect(1);
	CHECK(update(1, h2) == -EBADF, "the DISCONNECT freed it");
	CHECK_EMPTY();
}

/* The leak: a BEGIN that runs after its connection's DISCONNECT. */
static void test_begin_after_disconnect(void)
{
	uint64_t h = 0;
	int ret;

	connect_(2);
	detach(2);
	disconnect(2);
	ret = begin(2, &h);
	CHECK(ret == -ENOTCONN, "BEGIN after DISCONNECT: %d", ret);
	CHECK(update(2, h) == -EBADF, "no session to update");
	CHECK_EMPTY();
}

/* Also before its CONNECT was handled (the pool may run them so). */
static void test_begin_before_connect(void)
{
	uint64_t h;

	atomic_store(&attached[3], true);
	CHECK(begin(3, &h) == 0, "BEGIN before the CONNECT is handled");
	conn_msg(3, FASTIPC_MSG_CONNECT);
	CHECK(update(3, h) == 0, "UPDATE");
	detach(3);
	disconnect(3);
	CHECK_EMPTY();
}

/* The client dies and its DISCONNECT is handled while BEGIN asks. */
static void die_now(uint64_t id)
{
	detach(id);
	disconnect(id);
}

static void test_disconnect_during_question(void)
{
	uint64_t h;

	connect_(4);
	in_question = die_now;
	CHECK(begin(4, &h) == -ENOTCONN, "BEGIN of a dying connection");
	CHECK_EMPTY();
}

/* Detached but its DISCONNECT is handled only after the BEGIN. */
static void test_disconnect_after_question(void)
{
	uint64_t h;

	connect_(5);
	detach(5);
	CHECK(begin(5, &h) == -ENOTCONN, "BEGIN of a detached connection");
	disconnect(5);
	CHECK_EMPTY();
}

/* An unanswered question keeps nothing. */
static void test_question_error(void)
{
	uint64_t h;

	connect_(6);
	question_error = -EMFILE;
	CHECK(begin(6, &h) == -EMFILE, "the question's error");
	question_error = 0;
	CHECK_EMPTY();
	CHECK(begin(6, &h) == 0, "asked again next time");
	detach(6);
	disconnect(6);
	CHECK_EMPTY();
}

/* Many threads: BEGINs racing with kills and DISCONNECTs. */
struct racer {
	uint64_t base;
	pthread_barrier_t *bar;
	int begun;
};

static void *begin_fn(void *arg)
{
	struct racer *r = arg;
	uint64_t h;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		pthread_barrier_wait(r->bar);
		r->begun += begin(r->base + i, &h) == 0;
		pthread_barrier_wait(r->bar);
	}
	return NULL;
}

static void *kill_fn(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		pthread_barrier_wait(r->bar);
		die_now(r->base + i);
		pthread_barrier_wait(r->bar);
	}
	return NULL;
}

static void test_race(void)
{
	pthread_barrier_t bar;
	struct racer r = { .base = 1000, .bar = &bar };
	pthread_t a, b;
	int i;

	for (i = 0; i < ROUNDS; i++)
		connect_(r.base + i);
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&a, NULL, begin_fn, &r);
	pthread_create(&b, NULL, kill_fn, &r);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&bar);
	printf("# race: %d of %d BEGINs ran before their DISCONNECT\n",
	       r.begun, ROUNDS);
	CHECK_EMPTY();
}

int main(void)
{
	struct fhash_state *st = state = fhash_state_new(fake_alive, NULL);
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "normal", test_normal },
		{ "begin_after_disconnect", test_begin_after_disconnect },
		{ "begin_before_connect", test_begin_before_connect },
		{ "disconnect_during_question", test_disconnect_during_question },
		{ "disconnect_after_question", test_disconnect_after_question },
		{ "question_error", test_question_error },
		{ "race", test_race },
	};
	size_t i;
	int before;

	if (!st || fhash_watch_conns(NULL, st)) {
		printf("1..0 # SKIP no SHA-256 in libcrypto\n");
		return 4;
	}
	printf("TAP version 13\n1..%zu\n", sizeof(tests) / sizeof(tests[0]));
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		before = failures;
		tests[i].fn();
		printf("%sok %zu - %s\n", failures > before ? "not " : "",
		       i + 1, tests[i].name);
	}
	fhash_state_free(st);
	return failures ? 1 : 0;
}
