// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc netlink events reach only the readers who may see the channel:
 * an unprivileged subscriber gets nothing about root's 0600 channels but
 * everything about 0666 ones, a subscriber in another IPC namespace gets
 * nothing, pids are in the subscriber's pid namespace, and a call ended
 * by a signal is not reported. Needs root (setresuid, unshare).
 *
 * Each listener ends by creating a channel of its own, the marker, and
 * reads until the marker's event: events reach a socket in the order they
 * are sent, so anything sent before the marker has been read by then.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "ns_util.h"

#define USER		1000
#define EV_BUF		8192

/* ---- a raw generic netlink subscriber ---- */

struct ev {
	int cmd;
	char name[FASTIPC_NAME_MAX];
	__u32 pid;
	int has_pid;
	__u32 error;
};

struct evsock {
	int fd;
	int family;
	int grp;	/* the old "events" group, if the module has one */
};

static int ev_send(struct evsock *s, int family, int cmd, const void *attr,
		   size_t attr_len)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr genl;
		char attrs[64];
	} req = {};

	req.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + attr_len);
	req.nlh.nlmsg_type = family;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = 1;
	req.genl.cmd = cmd;
	req.genl.version = 1;
	memcpy(req.attrs, attr, attr_len);
	return send(s->fd, &req, req.nlh.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* Walk @len bytes of attributes at @a, calling @fn(type, data, len). */
#define for_each_attr(a, len)						\
	for (; (len) >= (int)sizeof(*(a)) && (a)->nla_len >= sizeof(*(a)) && \
	       (a)->nla_len <= (len);					\
	     (len) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

static void *attr_data(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

/* CTRL_ATTR_MCAST_GROUPS: the id of the group named "events". */
static int ev_find_group(struct nlattr *grps, int len)
{
	struct nlattr *g, *a;
	int glen, alen, id;
	const char *name;

	for (g = attr_data(grps), glen = len; glen >= NLA_HDRLEN;
	     glen -= NLA_ALIGN(g->nla_len),
	     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
		if (g->nla_len < NLA_HDRLEN || g->nla_len > glen)
			break;
		id = -1;
		name = NULL;
		a = attr_data(g);
		alen = g->nla_len - NLA_HDRLEN;
		for_each_attr(a, alen) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(__u32 *)attr_data(a);
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = attr_data(a);
		}
		if (name && !strcmp(name, "events"))
			return id;
	}
	return -1;
}

/* Read the answer to the last request: 0 or -errno from its ACK. */
static int ev_ack(struct evsock *s, int (*on_msg)(struct evsock *,
						   struct nlmsghdr *))
{
	char buf[EV_BUF];
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(s->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			if (on_msg)
				on_msg(s, nlh);
		}
	}
}

static int ev_on_family(struct evsock *s, struct nlmsghdr *nlh)
{
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) +
					     GENL_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for_each_attr(a, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			s->family = *(__u16 *)attr_data(a);
		if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			s->grp = ev_find_group(a, a->nla_len - NLA_HDRLEN);
	}
	return 0;
}

static int ev_open(struct evsock *s)
{
	struct {
		struct nlattr a;
		char name[8];
	} attr = { { NLA_HDRLEN + sizeof("fastipc"), CTRL_ATTR_FAMILY_NAME },
		   "fastipc" };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int ret;

	s->family = -1;
	s->grp = -1;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	ret = ev_send(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, &attr, sizeof(attr));
	if (!ret)
		ret = ev_ack(s, ev_on_family);
	return ret ? ret : s->family < 0 ? -ENOENT : 0;
}

/*
 * Subscribe. A module without FASTIPC_CMD_SUBSCRIBE multicast its events
 * to the "events" group, which any user could join: join it then, so that
 * this test shows what such a module leaks.
 */
static int ev_subscribe(struct evsock *s)
{
	int ret = ev_send(s, s->family, FASTIPC_CMD_SUBSCRIBE, NULL, 0);

	if (!ret)
		ret = ev_ack(s, NULL);
	if (ret == -EOPNOTSUPP && s->grp >= 0)
		ret = setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				 &s->grp, sizeof(s->grp)) ? -errno : 0;
	return ret;
}

static void ev_parse(struct nlmsghdr *nlh, struct ev *ev)
{
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	memset(ev, 0, sizeof(*ev));
	ev->cmd = g->cmd;
	for_each_attr(a, len) {
		if (a->nla_type == FASTIPC_A_CHAN_NAME)
			snprintf(ev->name, sizeof(ev->name), "%s",
				 (char *)attr_data(a));
		if (a->nla_type == FASTIPC_A_CONN_PID) {
			ev->pid = *(__u32 *)attr_data(a);
			ev->has_pid = 1;
		}
		if (a->nla_type == FASTIPC_A_EVENT_ERROR)
			ev->error = *(__u32 *)attr_data(a);
	}
}

/*
 * Read events until the marker's CHAN_CREATED, calling @fn on each: it
 * returns a bit mask of findings, or-ed into the result. EV_NO_MARKER when
 * the marker never comes (bounded by FIPC_WAIT_NS).
 */
#define EV_NO_MARKER	0x40

typedef int (*ev_fn)(const struct ev *ev, void *arg);

static int ev_until_marker(struct evsock *s, const char *marker, ev_fn fn,
			   void *arg)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	char buf[EV_BUF];
	struct nlmsghdr *nlh;
	struct ev ev;
	int len, res = 0;
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, FIPC_WAIT_NS / FIPC_MS) != 1)
			return res | EV_NO_MARKER;
		n = recv(s->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return res | EV_NO_MARKER;
		len = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != s->family)
				continue;
			ev_parse(nlh, &ev);
			if (ev.cmd == FASTIPC_CMD_EVENT_CHAN_CREATED &&
			    !strcmp(ev.name, marker))
				return res;
			res |= fn(&ev, arg);
		}
	}
}

/* ---- the listener, in a child ---- */

/* What a listener finds: bits of its exit code. */
#define SAW_HIDDEN	0x01	/* an event about a channel it may not see */
#define MISSED		0x02	/* fewer events than expected about a visible one */
#define BAD_PID		0x04	/* a pid other than the expected one */
#define SAW_EINTR	0x08	/* a call-failed event for a signal */
#define NO_TIMEOUT	0x10	/* no call-failed event for a timeout */

struct listen_arg {
	uid_t uid;		/* switch to it, unless 0 */
	int unshare;		/* CLONE_NEW* to enter before subscribing */
	const char *hidden;	/* no event may name it */
	const char *shown;	/* its events are counted */
	int want_shown;		/* how many events about @shown */
	int want_timeout;	/* whether a call-failed ETIMEDOUT must come */
	__u32 want_pid;		/* the pid (DIS)CONNECT must carry; sent on go */
	int ready[2], go[2];	/* listener -> parent, parent -> listener */
	int seen, timeouts;
};

static int listen_on_event(const struct ev *ev, void *arg)
{
	struct listen_arg *a = arg;
	int res = 0;

	if (a->hidden && !strcmp(ev->name, a->hidden))
		res |= SAW_HIDDEN;
	if (a->shown && !strcmp(ev->name, a->shown)) {
		a->seen++;
		if ((ev->cmd == FASTIPC_CMD_EVENT_CONNECT ||
		     ev->cmd == FASTIPC_CMD_EVENT_DISCONNECT) &&
		    (!ev->has_pid || ev->pid != a->want_pid))
			res |= BAD_PID;
	}
	if (ev->cmd == FASTIPC_CMD_EVENT_CALL_FAILED && ev->error == EINTR)
		res |= SAW_EINTR;
	if (ev->cmd == FASTIPC_CMD_EVENT_CALL_FAILED && ev->error == ETIMEDOUT)
		a->timeouts++;
	return res;
}

static int listen_body(void *arg)
{
	struct listen_arg *a = arg;
	char marker[FASTIPC_NAME_MAX];
	struct evsock s;
	int ctl, chan, res;
	char x = 1;

	CHILD_CHECK(ev_open(&s) == 0);
	CHILD_CHECK(ev_subscribe(&s) == 0);
	CHILD_CHECK(write(a->ready[1], &x, 1) == 1);
	CHILD_CHECK(read(a->go[0], &a->want_pid, sizeof(a->want_pid)) ==
		    sizeof(a->want_pid));
	fipc_unique_name(marker, "evmark");
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	chan = fipc_create(ctl, marker, 0, 0600);
	CHILD_CHECK(chan >= 0);
	res = ev_until_marker(&s, marker, listen_on_event, a);
	if (a->seen < a->want_shown)
		res |= MISSED;
	if (a->want_timeout && !a->timeouts)
		res |= NO_TIMEOUT;
	return res;
}

/* Enter the namespaces and user, then listen (in a grandchild for a pid ns). */
static int listen_run(void *arg)
{
	struct listen_arg *a = arg;

	close(a->ready[0]);
	close(a->go[1]);
	CHILD_CHECK(!a->unshare || unshare(a->unshare) == 0);
	if (a->uid)
		CHILD_CHECK(fipc_become(a->uid, a->uid, NULL, 0, -1) == 0);
	if (a->unshare & CLONE_NEWPID)
		return fipc_wait(fipc_fork(listen_body, a));
	return listen_body(a);
}

static pid_t listen_start(struct listen_arg *a)
{
	pid_t pid;
	char x;

	if (pipe(a->ready) || pipe(a->go))
		return -1;
	pid = fipc_fork(listen_run, a);
	close(a->ready[1]);
	close(a->go[0]);
	if (pid > 0 && read(a->ready[0], &x, 1) != 1)
		return -1;
	return pid;
}

/*
 * Tell the listener the pid to expect, let it create its marker, and
 * collect its findings.
 */
static int listen_end(struct listen_arg *a, pid_t pid)
{
	if (write(a->go[1], &a->want_pid, sizeof(a->want_pid)) !=
	    sizeof(a->want_pid))
		return -1;
	close(a->go[1]);
	close(a->ready[0]);
	return fipc_wait(pid);
}

/* Create @name with @mode, connect once and close both: four events. */
static int channel_cycle(const char *name, __u32 mode)
{
	int ctl, chan, conn;

	ctl = fipc_open();
	if (ctl < 0)
		return ctl;
	chan = fipc_create(ctl, name, 0, mode);
	if (chan < 0)
		return chan;
	conn = fipc_connect(ctl, name, NULL);
	if (conn < 0)
		return conn;
	close(conn);
	close(chan);
	close(ctl);
	return 0;
}

TEST(user_sees_0666_not_root_0600)
{
	struct listen_arg a = { .uid = USER, .want_shown = 4 };
	char hidden[FASTIPC_NAME_MAX], shown[FASTIPC_NAME_MAX];
	pid_t pid;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	fipc_unique_name(hidden, "ev0600");
	fipc_unique_name(shown, "ev0666");
	a.hidden = hidden;
	a.shown = shown;
	a.want_pid = getpid();
	pid = listen_start(&a);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, channel_cycle(hidden, 0600));
	EXPECT_EQ(0, channel_cycle(shown, 0666));
	EXPECT_EQ(0, listen_end(&a, pid));
}

TEST(other_ipc_namespace_sees_nothing)
{
	struct listen_arg a = { .unshare = CLONE_NEWIPC };
	char hidden[FASTIPC_NAME_MAX];
	pid_t pid;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	fipc_unique_name(hidden, "evipc");
	a.hidden = hidden;
	pid = listen_start(&a);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, channel_cycle(hidden, 0666));
	EXPECT_EQ(0, listen_end(&a, pid));
}

/* A listener in a child pid namespace gets 0 for a client outside it. */
TEST(pid_outside_listener_ns_is_0)
{
	struct listen_arg a = { .unshare = CLONE_NEWPID, .want_shown = 4 };
	char shown[FASTIPC_NAME_MAX];
	pid_t pid;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	fipc_unique_name(shown, "evpid0");
	a.shown = shown;
	a.want_pid = 0;
	pid = listen_start(&a);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, channel_cycle(shown, 0666));
	EXPECT_EQ(0, listen_end(&a, pid));
}

struct client_arg {
	const char *name;
	int pipe[2];	/* the grandchild's pid, as the parent sees it */
};

static int client_body(void *arg)
{
	struct client_arg *c = arg;
	int ctl, conn;

	CHILD_CHECK(getpid() == 1);	/* so its own view differs */
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	conn = fipc_connect(ctl, c->name, NULL);
	CHILD_CHECK(conn >= 0);
	return 0;
}

static int client_run(void *arg)
{
	struct client_arg *c = arg;
	pid_t pid;

	CHILD_CHECK(unshare(CLONE_NEWPID) == 0);
	pid = fipc_fork(client_body, c);
	CHILD_CHECK(pid > 0);
	CHILD_CHECK(write(c->pipe[1], &pid, sizeof(pid)) == sizeof(pid));
	return fipc_wait(pid);
}

/* A client in a child pid namespace is reported with the listener's view. */
TEST(pid_in_listener_ns)
{
	struct listen_arg a = { .want_shown = 4 };
	char shown[FASTIPC_NAME_MAX];
	struct client_arg c;
	pid_t pid, client;
	int ctl, chan;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	fipc_unique_name(shown, "evpidns");
	a.shown = shown;
	c.name = shown;
	ASSERT_EQ(0, pipe(c.pipe));
	ctl = fipc_open();
	ASSERT_LE(0, ctl);
	pid = listen_start(&a);
	ASSERT_LT(0, pid);
	chan = fipc_create(ctl, shown, 0, 0666);
	ASSERT_LE(0, chan);
	client = fipc_fork(client_run, &c);
	ASSERT_LT(0, client);
	ASSERT_EQ(sizeof(a.want_pid), read(c.pipe[0], &a.want_pid,
					    sizeof(a.want_pid)));
	EXPECT_EQ(0, fipc_wait(client));
	close(chan);
	EXPECT_EQ(0, listen_end(&a, pid));
	close(ctl);
}

static void on_signal(int sig)
{
	(void)sig;
}

/* A call ended by a signal is not a call-failed event; a timeout is. */
TEST(signal_is_not_call_failed)
{
	struct listen_arg a = { .want_timeout = 1 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct fastipc_call call;
	struct fipc_bg bg;
	int fd[3];
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
	pid_t pid;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));	/* no SA_RESTART */
	pid = listen_start(&a);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, fipc_setup(fd, &conn_id, name, "evsig", 64, 16, 4096));
	fipc_call_init(&call, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&bg, fd[2], FASTIPC_IOC_CALL, &call));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	ASSERT_EQ(0, pthread_kill(bg.th, SIGUSR1));
	ASSERT_EQ(-EINTR, fipc_bg_join(&bg));
	EXPECT_EQ(-ETIMEDOUT, fipc_call_timeout(fd[2], 1, "x", 1, FIPC_MS,
						NULL));
	fipc_trio_close(fd);
	EXPECT_EQ(0, listen_end(&a, pid));
}

static int ev_unsubscribe(struct evsock *s)
{
	int ret = ev_send(s, s->family, FASTIPC_CMD_UNSUBSCRIBE, NULL, 0);

	return ret ? ret : ev_ack(s, NULL);
}

static int count_hidden(const struct ev *ev, void *arg)
{
	return !strcmp(ev->name, arg) ? SAW_HIDDEN : 0;
}

/* After UNSUBSCRIBE nothing arrives; a second one is ENOENT. */
TEST(unsubscribe_stops_events)
{
	char hidden[FASTIPC_NAME_MAX], marker[FASTIPC_NAME_MAX];
	struct evsock s;
	int ctl, chan;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	fipc_unique_name(hidden, "evunsub");
	fipc_unique_name(marker, "evmark");
	ASSERT_EQ(0, ev_open(&s));
	ASSERT_EQ(0, ev_subscribe(&s));
	ASSERT_EQ(0, ev_unsubscribe(&s));
	EXPECT_EQ(-ENOENT, ev_unsubscribe(&s));
	EXPECT_EQ(0, channel_cycle(hidden, 0666));
	ASSERT_EQ(0, ev_subscribe(&s));
	ctl = fipc_open();
	ASSERT_LE(0, ctl);
	chan = fipc_create(ctl, marker, 0, 0600);
	ASSERT_LE(0, chan);
	EXPECT_EQ(0, ev_until_marker(&s, marker, count_hidden, hidden));
	close(chan);
	close(ctl);
	close(s.fd);
}

/* A user holds at most 64 subscriptions; closing a socket frees one. */
TEST(subscriptions_per_user_are_bounded)
{
	struct evsock s[65];
	int i;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0, ev_open(&s[i]));
		ASSERT_EQ(0, ev_subscribe(&s[i])) TH_LOG("subscription %d", i);
	}
	ASSERT_EQ(0, ev_open(&s[64]));
	EXPECT_EQ(-ENOSPC, ev_subscribe(&s[64]));
	EXPECT_EQ(0, ev_subscribe(&s[0]));	/* refreshing is not a new one */
	close(s[0].fd);
	EXPECT_EQ(0, ev_subscribe(&s[64]));
	for (i = 1; i < 65; i++)
		close(s[i].fd);
}

TEST_HARNESS_MAIN
