/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine of fault_test: FIXTURE(fault) (a control fd, a channel, a
 * plain connection and one with a region, all set up), struct scenario
 * (prepare, call, verify, undo) and walk(), which fails the 1st, 2nd, ...
 * fault site of a scenario's call until the call gets through, checking
 * after each that nothing was left half made. fault_test.c holds the
 * scenarios. It needs the harness, so it lives in a header (as
 * region_fixture.h does): include it after kselftest_harness.h,
 * fastipc_util.h, region_util.h, failnth.h and modstat.h.
 */
#ifndef FAULT_WALK_H
#define FAULT_WALK_H

/* No ioctl comes near this many fault sites; more means it never ends. */
#define MAX_SITES	2000
#define PAYLOAD		64

/* Errors a scenario's call may fail with under an injected fault. */
#define E_NOMEM		0x1
#define E_FAULT		0x2

/* The echo server of the CALL scenario, on its own thread. */
struct echo_srv {
	int chan;
	volatile int stop;
	volatile unsigned int seen, done;
	pthread_t th;
};

FIXTURE(fault) {
	int fnth, nl;
	int ctl, chan, conn, rconn, rfd;
	__u64 conn_id, rconn_id;
	char name[FASTIPC_NAME_MAX];
	char other[FASTIPC_NAME_MAX];
	struct fastipc_region_layout l;
	/* per attempt */
	int made, tmp, nqueued;
	__u32 mode_old, mode_new, out_flags;
	__u64 req_id;
	void *map;
	size_t map_len;
	struct fastipc_call bgc;
	struct fipc_bg bg;
	unsigned char rep[PAYLOAD];
	struct echo_srv srv;
	unsigned int srv_seen;
	/* calls that failed with -EFAULT after they took effect */
	int late;
};

struct scenario {
	const char *what;
	int errs;
	int check_maps;
	/* Each but call() may be NULL: nothing to do. */
	int (*prepare)(FIXTURE_DATA(fault) *e);
	int (*call)(FIXTURE_DATA(fault) *e);
	/* Is the state after the call (@ret) the documented one? */
	int (*verify)(FIXTURE_DATA(fault) *e, int ret);
	/* Back to the state before prepare(). */
	int (*undo)(FIXTURE_DATA(fault) *e, int ret);
};

typedef FIXTURE_DATA(fault) env_t;

static const unsigned char payload[PAYLOAD] = "fault-injected payload";

/* A message explaining why verify() or undo() failed. */
static char why[256];

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		snprintf(why, sizeof(why), "line %d: %s", __LINE__, #cond); \
		return -1;						\
	}								\
} while (0)

static void __attribute__((constructor)) require_fail_nth(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
		 (int)fipc_gettid());
	if (!access(path, W_OK) &&
	    !access("/sys/kernel/debug/failslab/ignore-gfp-wait", W_OK))
		return;
	printf("TAP version 13\n1..0 # SKIP %s\n",
	       access(path, F_OK) ?
	       "no fail-nth (kernel without CONFIG_FAULT_INJECTION)" :
	       "no /sys/kernel/debug/failslab (debugfs or FAILSLAB missing)");
	exit(KSFT_SKIP);
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int c, n = 0;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static int drain(int chan)
{
	unsigned char buf[PAYLOAD];
	int n = 0;

	while (fipc_recv(chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK, 0,
			 NULL) >= 0)
		n++;
	return n;
}

/* Messages queued on the channel (or its connections, @conns), or -errno. */
static int chan_count(env_t *e, int conns)
{
	struct fastipc_chan_stat st;
	int ret = fipc_stat(e->ctl, e->name, &st);

	return ret < 0 ? ret : (int)(conns ? st.nr_conns : st.queue_msgs);
}

#define queued(e)	chan_count(e, 0)
#define nr_conns(e)	chan_count(e, 1)

static int closefd_ret(int *fd)
{
	int ret = 0;

	if (*fd >= 0)
		ret = close(*fd);
	*fd = -1;
	return ret;
}

static int close_made(env_t *e, int ret)
{
	(void)ret;
	return closefd_ret(&e->made);
}

/* ---- the walk ---------------------------------------------------------- */

static int err_ok(const struct scenario *sc, int ret)
{
	return (ret == -ENOMEM && (sc->errs & E_NOMEM)) ||
	       (ret == -EFAULT && (sc->errs & E_FAULT));
}

static int same_counts(const struct modstat *a, const struct modstat *b)
{
	return a->chans == b->chans && a->conns == b->conns &&
	       a->msgs == b->msgs && a->regions == b->regions;
}

static void walk(struct __test_metadata *_metadata, env_t *e,
		 const struct scenario *sc)
{
	int fds0, maps0, n, ret, inj, failed = 0, tolerated = 0;
	struct modstat m0, m;

	ASSERT_EQ(0, modstat_get(e->nl, &m0));
	fds0 = fipc_fds_open();
	maps0 = sc->check_maps ? count_maps() : 0;
	for (n = 1; n <= MAX_SITES; n++) {
		e->made = -1;
		ASSERT_EQ(0, sc->prepare ? sc->prepare(e) : 0)
			TH_LOG("%s: setup: %s", sc->what, why);
		ASSERT_EQ(0, fnth_arm(e->fnth, n));
		ret = sc->call(e);
		inj = fnth_disarm(e->fnth);
		ASSERT_LE(0, inj);
		if (ret < 0) {
			ASSERT_TRUE(inj) TH_LOG("%s: %s without a fault", sc->what,
						strerror(-ret));
			ASSERT_TRUE(err_ok(sc, ret))
				TH_LOG("%s: fault %d: undocumented error %s",
				       sc->what, n, strerror(-ret));
			failed++;
		} else if (inj) {
			tolerated++;
		}
		ASSERT_EQ(0, sc->verify ? sc->verify(e, ret) : 0)
			TH_LOG("%s: fault %d (%s): %s", sc->what, n,
			       ret < 0 ? strerror(-ret) : "success", why);
		ASSERT_EQ(0, sc->undo ? sc->undo(e, ret) : 0)
			TH_LOG("%s: fault %d: undo: %s", sc->what, n, why);
		ASSERT_EQ(0, modstat_get(e->nl, &m));
		ASSERT_TRUE(same_counts(&m0, &m))
			TH_LOG("%s: fault %d (%s): chans %u->%u conns %u->%u msgs %u->%u regions %u->%u",
			       sc->what, n, ret < 0 ? strerror(-ret) : "success",
			       m0.chans, m.chans, m0.conns, m.conns,
			       m0.msgs, m.msgs, m0.regions, m.regions);
		ASSERT_EQ(fds0, fipc_fds_open())
			TH_LOG("%s: fault %d: an fd leaked", sc->what, n);
		if (sc->check_maps)
			ASSERT_EQ(maps0, count_maps())
				TH_LOG("%s: fault %d: a mapping leaked", sc->what, n);
		if (!inj)
			break;
	}
	ASSERT_GE(MAX_SITES, n);
	ksft_print_msg("%s: %d fault sites: %d failed the call (%d %s), %d tolerated\n",
		       sc->what, n - 1, failed, e->late,
		       "of them after it took effect", tolerated);
	/* The harness ends each test with _exit(): flush. */
	fflush(stdout);
}

/* ---- the fixture ------------------------------------------------------- */

FIXTURE_SETUP(fault)
{
	struct fastipc_connect c;

	self->made = -1;
	self->tmp = -1;
	self->fnth = fnth_open(1);
	ASSERT_LE(0, self->fnth) TH_LOG("fail-nth: %s", strerror(-self->fnth));
	self->nl = modstat_open();
	ASSERT_LE(0, self->nl) TH_LOG("genl: %s", strerror(-self->nl));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "fault");
	fipc_unique_name(self->other, "fault2");
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	self->conn = fipc_connect(self->ctl, self->name, &self->conn_id);
	ASSERT_LE(0, self->conn);
	self->rconn = connect_rgn(self->ctl, self->name, RGN_SIZE, &c);
	ASSERT_LE(0, self->rconn);
	self->rconn_id = c.conn_id;
	self->rfd = conn_region(self->chan, self->rconn_id, &self->l);
	ASSERT_LE(0, self->rfd);
	ASSERT_EQ(2, drain(self->chan));
}

FIXTURE_TEARDOWN(fault)
{
	closefd_ret(&self->rfd);
	closefd_ret(&self->rconn);
	closefd_ret(&self->conn);
	closefd_ret(&self->chan);
	closefd_ret(&self->ctl);
	modstat_close(self->nl);
	fnth_close(self->fnth);
}

#endif /* FAULT_WALK_H */
