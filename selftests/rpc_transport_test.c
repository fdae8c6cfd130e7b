// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): statuses the transport makes, processes that
 * die, and the credentials a handler sees, against the module:
 *  - bind to no channel: UNAVAILABLE, err ENOENT; to a channel of mode
 *    0600 as another uid: PERMISSION_DENIED, err EACCES; to a channel
 *    without a server, with a short deadline: DEADLINE_EXCEEDED;
 *  - the server process killed while its handler runs: the caller gets
 *    UNAVAILABLE; the client process killed mid-call: the server goes on
 *    serving (its counters move, a later call is OK);
 *  - fastipc_rpc_ctx_hdr(): a client forked and setresuid(1000) is
 *    recorded as uid 1000; one in a user namespace mapping its root to
 *    1000 is recorded as 1000 too (the server's namespace), with its pid
 *    as the server sees it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ns_util.h"
#include "rpc_svc.h"

#define USER	1000

/* ---- binds that fail in the transport ---- */

TEST(bind_no_channel)
{
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	char name[FASTIPC_NAME_MAX];

	ASSERT_EQ(0, fastipc_open(&dev));
	fipc_unique_name(name, "rpcnone");
	EXPECT_EQ(FASTIPC_RPC_UNAVAILABLE,
		  fastipc_rpc_bind(dev, name, &rpctest__test__descriptor, NULL,
				   &cl, &rs));
	EXPECT_EQ(FASTIPC_RPC_UNAVAILABLE, rs.code);
	EXPECT_EQ(ENOENT, rs.err);
	EXPECT_NE(NULL, strstr(rs.message, name)) {
		TH_LOG("message: %s", rs.message);
	}
	EXPECT_EQ(NULL, cl);
	fastipc_close(dev);
}

/* A channel that exists, with nobody receiving: the bind's deadline. */
TEST(bind_no_server)
{
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_bind_opts o;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	char name[FASTIPC_NAME_MAX];
	int chan;

	ASSERT_EQ(0, fastipc_open(&dev));
	fipc_unique_name(name, "rpcidle");
	chan = fastipc_chan_create(dev, name, 0, 0600, NULL);
	ASSERT_LE(0, chan);
	memset(&o, 0, sizeof(o));
	o.deadline_ns = 100 * FIPC_MS;
	EXPECT_EQ(FASTIPC_RPC_DEADLINE_EXCEEDED,
		  fastipc_rpc_bind(dev, name, &rpctest__test__descriptor, &o,
				   &cl, &rs));
	EXPECT_EQ(ETIMEDOUT, rs.err);
	EXPECT_EQ(NULL, cl);
	close(chan);
	fastipc_close(dev);
}

static int bind_as_user(void *p)
{
	const char *name = p;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	int code;

	CHILD_CHECK(fipc_become(USER, USER, NULL, 0, -1) == 0);
	CHILD_CHECK(fastipc_open(&dev) == 0);
	code = fastipc_rpc_bind(dev, name, &rpctest__test__descriptor, NULL,
				&cl, &rs);
	CHILD_CHECK(code == rs.code);
	CHILD_CHECK(code != FASTIPC_RPC_PERMISSION_DENIED || rs.err == EACCES);
	return code;
}

TEST(bind_permission_denied)
{
	struct rt_srv s;

	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, rt_srv_start(&s, "rpcperm", 1, 0, 0600, NULL));
	EXPECT_EQ(FASTIPC_RPC_PERMISSION_DENIED,
		  run_child(bind_as_user, s.name));
	EXPECT_EQ(0, rt_srv_stop(&s));
}

/* ---- the server dies mid-call ---- */

struct srv_child {
	int ready[2];	/* the child's server is up: one byte */
	int entered[2];	/* its handler runs: one byte */
	char name[FASTIPC_NAME_MAX];
};

static int server_child(void *p)
{
	struct srv_child *a = p;
	struct rt_srv s;

	rt_block_fd = a->entered[1];
	CHILD_CHECK(rt_srv_start(&s, "rpckill", 2, 0, 0600, NULL) == 0);
	memcpy(a->name, s.name, sizeof(s.name));
	CHILD_CHECK(write(a->ready[1], s.name, sizeof(s.name)) ==
		    sizeof(s.name));
	pause();
	return 0;
}

struct killer {
	int fd;
	pid_t pid;
	int killed;
	pthread_t th;
};

static void *killer_main(void *p)
{
	struct killer *k = p;
	char c;

	if (read(k->fd, &c, 1) == 1 && !kill(k->pid, SIGKILL))
		k->killed = 1;
	return NULL;
}

TEST(server_killed_mid_call)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	struct srv_child a;
	struct killer k;
	Rpctest__Rep *rep = NULL;
	pid_t pid;

	ASSERT_EQ(0, pipe(a.ready));
	ASSERT_EQ(0, pipe(a.entered));
	pid = fipc_fork(server_child, &a);
	ASSERT_LT(0, pid);
	ASSERT_EQ(sizeof(a.name), read(a.ready[0], a.name, sizeof(a.name)));
	ASSERT_EQ(0, fastipc_open(&dev));
	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(dev, a.name, 0, &cl, &rs));

	/* The handler blocks; once it runs, the killer SIGKILLs the server. */
	k = (struct killer){ .fd = a.entered[0], .pid = pid };
	ASSERT_EQ(0, pthread_create(&k.th, NULL, killer_main, &k));
	req.mode = RT_BLOCK;
	EXPECT_EQ(FASTIPC_RPC_UNAVAILABLE, rt_do(cl, &req, &rep, 0, &rs)) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	EXPECT_NE(0, rs.err);
	EXPECT_EQ(NULL, rep);
	pthread_join(k.th, NULL);
	EXPECT_EQ(1, k.killed);
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));

	/* And after: still UNAVAILABLE, never a hang. */
	req.mode = RT_ECHO;
	EXPECT_EQ(FASTIPC_RPC_UNAVAILABLE, rt_do(cl, &req, &rep, 0, &rs));
	fastipc_rpc_unbind(cl);
	fastipc_close(dev);
}

/* ---- the client dies mid-call ---- */

static int client_child(void *p)
{
	const char *name = p;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	Rpctest__Rep *rep = NULL;

	CHILD_CHECK(fastipc_open(&dev) == 0);
	CHILD_CHECK(rt_bind(dev, name, 0, &cl, &rs) == FASTIPC_RPC_OK);
	req.mode = RT_BLOCK;
	rt_do(cl, &req, &rep, 0, &rs);
	return 1;	/* killed before: never here */
}

TEST(client_killed_mid_call)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	struct rt_srv s;
	uint64_t end;
	pid_t pid;

	atomic_store(&rt_blocked, 0);
	atomic_store(&rt_release, 0);
	ASSERT_EQ(0, rt_srv_start(&s, "rpccli", 2, 0, 0600, NULL));
	s0 = rt_stats(s.srv);
	pid = fipc_fork(client_child, s.name);
	ASSERT_LT(0, pid);
	end = rt_now() + RT_BLOCK_NS;
	while (atomic_load(&rt_blocked) < 1 && rt_now() < end)
		usleep(1000);
	ASSERT_EQ(1, atomic_load(&rt_blocked));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	/* The handler finishes for a caller that is gone. */
	atomic_store(&rt_release, 1);

	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(s.dev, s.name, 0, &cl, &rs));
	req.tag = 42;
	ASSERT_EQ(FASTIPC_RPC_OK, rt_do(cl, &req, &rep, 0, &rs));
	EXPECT_EQ(42, rep->tag);
	fastipc_rpc_free(&rep->base);
	s1 = rt_stats(s.srv);
	/* The dead caller's call and ours: both ran a handler. */
	EXPECT_EQ(s0.calls + 2, s1.calls);
	EXPECT_LE(s0.ok + 1, s1.ok);
	EXPECT_EQ(s0.bad_requests, s1.bad_requests);
	EXPECT_LE(2, s1.describes - s0.describes);
	fastipc_rpc_unbind(cl);
	EXPECT_EQ(0, rt_srv_stop(&s));
}

/* ---- the credentials a handler sees ---- */

struct cred_arg {
	char name[FASTIPC_NAME_MAX];
	int userns;
	int fd;		/* where the child writes what it saw */
};

struct cred_seen {
	int code;
	uint32_t uid, gid;
	int32_t pid;
	pid_t self;	/* getpid() in the child */
};

static int cred_child(void *p)
{
	struct cred_arg *a = p;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status rs;
	struct fastipc_dev *dev;
	struct cred_seen seen = { 0 };
	Rpctest__Rep *rep = NULL;

	if (a->userns)
		CHILD_CHECK(fipc_enter_userns(USER, 1) == 0);
	else
		CHILD_CHECK(fipc_become(USER, USER, NULL, 0, -1) == 0);
	CHILD_CHECK(fastipc_open(&dev) == 0);
	seen.code = rt_bind(dev, a->name, 0, &cl, &rs);
	if (seen.code == FASTIPC_RPC_OK)
		seen.code = rt_do(cl, &req, &rep, 0, &rs);
	if (rep) {
		seen.uid = rep->uid;
		seen.gid = rep->gid;
		seen.pid = rep->pid;
	}
	seen.self = getpid();
	CHILD_CHECK(write(a->fd, &seen, sizeof(seen)) == sizeof(seen));
	return 0;
}

static int probe_userns(void *arg)
{
	(void)arg;
	return fipc_enter_userns(USER, 1) ? 1 : 0;
}

FIXTURE(cred) {
	struct rt_srv s;
	struct cred_arg a;
	int pfd[2];
};

FIXTURE_SETUP(cred)
{
	FIPC_REQUIRE_ROOT();
	/* mode 0666: uid 1000 may connect */
	ASSERT_EQ(0, rt_srv_start(&self->s, "rpccred", 2, 0, 0666, NULL));
	ASSERT_EQ(0, pipe(self->pfd));
	memcpy(self->a.name, self->s.name, sizeof(self->a.name));
	self->a.fd = self->pfd[1];
}

FIXTURE_TEARDOWN(cred)
{
	if (SETUP_SKIPPED())
		return;
	close(self->pfd[0]);
	close(self->pfd[1]);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

static void run_cred(struct __test_metadata *_metadata,
		     FIXTURE_DATA(cred) *self, struct cred_seen *seen)
{
	pid_t pid = fipc_fork(cred_child, &self->a);

	ASSERT_LT(0, pid);
	EXPECT_EQ(0, fipc_wait(pid));
	ASSERT_EQ(sizeof(*seen), read(self->pfd[0], seen, sizeof(*seen)));
	EXPECT_EQ(pid, seen->pid);
}

TEST_F(cred, uid_1000)
{
	struct cred_seen seen;

	if (SETUP_SKIPPED())
		return;
	run_cred(_metadata, self, &seen);
	ASSERT_EQ(FASTIPC_RPC_OK, seen.code);
	EXPECT_EQ(USER, seen.uid);
	EXPECT_EQ(USER, seen.gid);
	EXPECT_EQ(seen.self, seen.pid);
}

/* Root in a user namespace that maps it to 1000: the server sees 1000. */
TEST_F(cred, from_user_namespace)
{
	struct cred_seen seen;

	if (SETUP_SKIPPED())
		return;
	if (run_child(probe_userns, NULL))
		SKIP(return, "cannot enter a user namespace here");
	self->a.userns = 1;
	run_cred(_metadata, self, &seen);
	ASSERT_EQ(FASTIPC_RPC_OK, seen.code);
	EXPECT_EQ(USER, seen.uid);
	EXPECT_EQ(USER, seen.gid);
}

TEST_HARNESS_MAIN
