// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: parsing of the fastipc family's replies and events. Each
 * message is parsed with genlmsg_parse() against a client-side policy,
 * checked for its mandatory attributes (batctl's *_mandatory[] lists), then
 * copied into a struct by a table of fields.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "netlink.h"

#define ATTR_NAME(x)	[FASTIPC_A_ ## x] = #x
#define CNT_NAME(x)	[FASTIPC_A_CNT_ ## x] = "CNT_" #x
#define STATS_NAME(x)	[FASTIPC_A_STATS_ ## x] = "STATS_" #x
#define USER_NAME(x)	[FASTIPC_A_USER_ ## x] = "USER_" #x

static const char *const fs_attr_names[FASTIPC_A_MAX + 1] = {
	ATTR_NAME(CHAN_ID), ATTR_NAME(CHAN_NAME), ATTR_NAME(CHAN_UID),
	ATTR_NAME(CHAN_GID), ATTR_NAME(CHAN_MODE), ATTR_NAME(CHAN_NR_CONNS),
	ATTR_NAME(CHAN_COUNTERS), ATTR_NAME(CONN_ID), ATTR_NAME(CONN_COUNTERS),
	ATTR_NAME(STATS), ATTR_NAME(USER),
};

static const char *const fs_stats_names[FASTIPC_A_STATS_MAX + 1] = {
	STATS_NAME(VERSION), STATS_NAME(NR_CHANS), STATS_NAME(NR_CONNS),
};

static const char *const fs_user_names[FASTIPC_A_USER_MAX + 1] = {
	USER_NAME(UID), USER_NAME(CHANS), USER_NAME(CONNS),
	USER_NAME(REGION_BYTES), USER_NAME(QUEUED_BYTES),
};

static const char *const fs_cnt_names[FASTIPC_A_CNT_MAX + 1] = {
	CNT_NAME(CALLS),
};

/* Replies: what the kernel may send, and how long each attribute is. */
static const struct nla_policy fs_policy[FASTIPC_A_MAX + 1] = {
	[FASTIPC_A_CHAN_ID]		= { .type = NLA_U64 },
	[FASTIPC_A_CHAN_NAME]		= { .type = NLA_STRING,
					    .maxlen = FASTIPC_NAME_MAX },
	[FASTIPC_A_CHAN_KEY]		= { .type = NLA_U64 },
	[FASTIPC_A_CHAN_UID]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_GID]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_CUID]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_CGID]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_MODE]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_SEQ]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_CPID]		= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_NR_CONNS]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_QUEUE_MSGS]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_QUEUE_BYTES]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_QUEUE_PEAK]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_MSG_MAX]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_QUEUE_MSGS_MAX]	= { .type = NLA_U32 },
	[FASTIPC_A_CHAN_QUEUE_BYTES_MAX] = { .type = NLA_U32 },
	[FASTIPC_A_CHAN_CTIME]		= { .type = NLA_U64 },
	[FASTIPC_A_CHAN_COUNTERS]	= { .type = NLA_NESTED },
	[FASTIPC_A_CONN_ID]		= { .type = NLA_U64 },
	[FASTIPC_A_CONN_PID]		= { .type = NLA_U32 },
	[FASTIPC_A_CONN_UID]		= { .type = NLA_U32 },
	[FASTIPC_A_CONN_GID]		= { .type = NLA_U32 },
	[FASTIPC_A_CONN_REGION_SIZE]	= { .type = NLA_U64 },
	[FASTIPC_A_CONN_COUNTERS]	= { .type = NLA_NESTED },
	[FASTIPC_A_EVENT_ERROR]		= { .type = NLA_U32 },
	[FASTIPC_A_STATS]		= { .type = NLA_NESTED },
	[FASTIPC_A_USER]		= { .type = NLA_NESTED },
};

static const struct nla_policy fs_cnt_policy[FASTIPC_A_CNT_MAX + 1] = {
	[FASTIPC_A_CNT_CALLS]		= { .type = NLA_U64 },
	[FASTIPC_A_CNT_ONEWAY]		= { .type = NLA_U64 },
	[FASTIPC_A_CNT_REPLIES]		= { .type = NLA_U64 },
	[FASTIPC_A_CNT_BYTES_COPIED]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_BYTES_SHM]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_TIMEOUTS]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_CANCELLED]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_DROPPED_REPLIES]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_ERRORS]		= { .type = NLA_U64 },
	[FASTIPC_A_CNT_HANDOFFS]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_RECV_SLEEPS]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_CALL_POLLS_SKIPPED] = { .type = NLA_U64 },
	[FASTIPC_A_CNT_SERVICE_NS]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_SLOT_CALLS]	= { .type = NLA_U64 },
	[FASTIPC_A_CNT_MSG_ALLOCS]	= { .type = NLA_U64 },
};

static const struct nla_policy fs_stats_policy[FASTIPC_A_STATS_MAX + 1] = {
	[FASTIPC_A_STATS_VERSION]	= { .type = NLA_STRING, .maxlen = 64 },
	[FASTIPC_A_STATS_NR_CHANS]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_NR_CONNS]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_NR_MSGS]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_NR_REGIONS]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_MSG_MAX_CAP]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_QUEUE_MSGS_CAP] = { .type = NLA_U32 },
	[FASTIPC_A_STATS_QUEUE_BYTES_CAP] = { .type = NLA_U32 },
	[FASTIPC_A_STATS_REGION_MAX]	= { .type = NLA_U32 },
	[FASTIPC_A_STATS_REGION_USER_MAX] = { .type = NLA_U64 },
	[FASTIPC_A_STATS_USER_CHANS_MAX] = { .type = NLA_U32 },
	[FASTIPC_A_STATS_USER_CONNS_MAX] = { .type = NLA_U32 },
	[FASTIPC_A_STATS_USER_QUEUE_BYTES_MAX] = { .type = NLA_U64 },
	[FASTIPC_A_STATS_SPIN_NS]	= { .type = NLA_U32 },
};

static const struct nla_policy fs_user_policy[FASTIPC_A_USER_MAX + 1] = {
	[FASTIPC_A_USER_UID]		= { .type = NLA_U32 },
	[FASTIPC_A_USER_CHANS]		= { .type = NLA_U32 },
	[FASTIPC_A_USER_CONNS]		= { .type = NLA_U32 },
	[FASTIPC_A_USER_REGION_BYTES]	= { .type = NLA_U64 },
	[FASTIPC_A_USER_QUEUED_BYTES]	= { .type = NLA_U64 },
};

/* Attributes every reply of a kind must carry. */
static const int fs_chan_mandatory[] = {
	FASTIPC_A_CHAN_ID, FASTIPC_A_CHAN_NAME, FASTIPC_A_CHAN_UID,
	FASTIPC_A_CHAN_GID, FASTIPC_A_CHAN_MODE, FASTIPC_A_CHAN_NR_CONNS,
	FASTIPC_A_CHAN_COUNTERS,
};
static const int fs_conn_mandatory[] = {
	FASTIPC_A_CONN_ID, FASTIPC_A_CONN_COUNTERS,
};
static const int fs_stats_nest_mandatory[] = {
	FASTIPC_A_STATS_VERSION, FASTIPC_A_STATS_NR_CHANS,
	FASTIPC_A_STATS_NR_CONNS,
};
static const int fs_user_nest_mandatory[] = {
	FASTIPC_A_USER_UID, FASTIPC_A_USER_CHANS, FASTIPC_A_USER_CONNS,
	FASTIPC_A_USER_REGION_BYTES, FASTIPC_A_USER_QUEUED_BYTES,
};
static const int fs_cnt_mandatory[] = { FASTIPC_A_CNT_CALLS };
static const int fs_event_mandatory[] = { FASTIPC_A_CHAN_ID };

/* Where an integer attribute goes in its struct. */
struct fs_field {
	int attr;
	size_t off;
	size_t size;
};

#define FIELD(type, a, m) \
	{ a, offsetof(type, m), sizeof(((type *)0)->m) }
#define CHF(a, m)	FIELD(struct fs_chan, FASTIPC_A_CHAN_ ## a, m)
#define COF(a, m)	FIELD(struct fs_conn, FASTIPC_A_CONN_ ## a, m)
#define CNF(a, m)	FIELD(struct fs_counters, FASTIPC_A_CNT_ ## a, m)
#define STF(a, m)	FIELD(struct fs_stats, FASTIPC_A_STATS_ ## a, m)
#define USF(a, m)	FIELD(struct fs_user, FASTIPC_A_USER_ ## a, m)

static const struct fs_field fs_chan_fields[] = {
	CHF(ID, id), CHF(KEY, key), CHF(UID, uid), CHF(GID, gid),
	CHF(CUID, cuid), CHF(CGID, cgid), CHF(MODE, mode), CHF(SEQ, seq),
	CHF(CPID, cpid), CHF(NR_CONNS, nr_conns),
	CHF(QUEUE_MSGS, queue_msgs), CHF(QUEUE_BYTES, queue_bytes),
	CHF(QUEUE_PEAK, queue_peak), CHF(MSG_MAX, msg_max),
	CHF(QUEUE_MSGS_MAX, queue_msgs_max),
	CHF(QUEUE_BYTES_MAX, queue_bytes_max), CHF(CTIME, ctime_ns),
};

static const struct fs_field fs_conn_fields[] = {
	FIELD(struct fs_conn, FASTIPC_A_CHAN_ID, chan_id),
	COF(ID, id), COF(PID, pid), COF(UID, uid), COF(GID, gid),
	COF(REGION_SIZE, region_size),
};

static const struct fs_field fs_cnt_fields[] = {
	CNF(CALLS, calls), CNF(ONEWAY, oneway), CNF(REPLIES, replies),
	CNF(BYTES_COPIED, bytes_copied), CNF(BYTES_SHM, bytes_shm),
	CNF(TIMEOUTS, timeouts), CNF(CANCELLED, cancelled),
	CNF(DROPPED_REPLIES, dropped_replies), CNF(ERRORS, errors),
	CNF(HANDOFFS, handoffs), CNF(RECV_SLEEPS, recv_sleeps),
	CNF(CALL_POLLS_SKIPPED, call_polls_skipped),
	CNF(SERVICE_NS, service_ns),
	CNF(SLOT_CALLS, slot_calls), CNF(MSG_ALLOCS, msg_allocs),
};

static const struct fs_field fs_stats_fields[] = {
	STF(NR_CHANS, nr_chans), STF(NR_CONNS, nr_conns),
	STF(NR_MSGS, nr_msgs), STF(NR_REGIONS, nr_regions),
	STF(MSG_MAX_CAP, msg_max_cap), STF(QUEUE_MSGS_CAP, queue_msgs_cap),
	STF(QUEUE_BYTES_CAP, queue_bytes_cap), STF(REGION_MAX, region_max),
	STF(REGION_USER_MAX, region_user_max),
	STF(USER_CHANS_MAX, user_chans_max),
	STF(USER_CONNS_MAX, user_conns_max),
	STF(USER_QUEUE_BYTES_MAX, user_queue_bytes_max),
	STF(SPIN_NS, spin_ns),
};

static const struct fs_field fs_user_fields[] = {
	USF(UID, uid), USF(CHANS, chans), USF(CONNS, conns),
	USF(REGION_BYTES, region_bytes), USF(QUEUED_BYTES, queued_bytes),
};

static const struct fs_field fs_event_fields[] = {
	FIELD(struct fs_event, FASTIPC_A_CHAN_ID, chan_id),
	FIELD(struct fs_event, FASTIPC_A_CHAN_KEY, key),
	FIELD(struct fs_event, FASTIPC_A_CONN_ID, conn_id),
	FIELD(struct fs_event, FASTIPC_A_CONN_PID, pid),
	FIELD(struct fs_event, FASTIPC_A_EVENT_ERROR, error),
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void fs_fill(void *obj, struct nlattr **tb, const struct fs_field *f,
		    size_t n)
{
	uint64_t v64;
	uint32_t v32;

	for (; n--; f++) {
		if (!tb[f->attr])
			continue;
		if (f->size == sizeof(v64)) {
			v64 = nla_get_u64(tb[f->attr]);
			memcpy((char *)obj + f->off, &v64, sizeof(v64));
		} else {
			v32 = nla_get_u32(tb[f->attr]);
			memcpy((char *)obj + f->off, &v32, sizeof(v32));
		}
	}
}

static int fs_mandatory(struct fs_nl *nl, const char *what,
			struct nlattr **tb, const int *attrs, size_t n,
			const char *const *names)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tb[attrs[i]])
			continue;
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "%s reply lacks the mandatory attribute %s (%d)",
			 what, names[attrs[i]] ? names[attrs[i]] : "?",
			 attrs[i]);
		return -EPROTO;
	}
	return 0;
}

static int fs_parse_top(struct fs_nl *nl, const char *what,
			struct nlmsghdr *nlh, struct nlattr **tb,
			const int *mand, size_t n)
{
	int ret = genlmsg_parse(nlh, 0, tb, FASTIPC_A_MAX, fs_policy);

	if (ret < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "%s reply: malformed attributes: %s", what,
			 nl_geterror(ret));
		return -EPROTO;
	}
	return fs_mandatory(nl, what, tb, mand, n, fs_attr_names);
}

static int fs_parse_counters(struct fs_nl *nl, const char *what,
			     struct nlattr *nest, struct fs_counters *c)
{
	struct nlattr *tb[FASTIPC_A_CNT_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, FASTIPC_A_CNT_MAX, nest, fs_cnt_policy);
	if (ret < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "%s reply: malformed counters nest: %s", what,
			 nl_geterror(ret));
		return -EPROTO;
	}
	ret = fs_mandatory(nl, what, tb, fs_cnt_mandatory,
			   NELEM(fs_cnt_mandatory), fs_cnt_names);
	if (ret == 0)
		fs_fill(c, tb, fs_cnt_fields, NELEM(fs_cnt_fields));
	return ret;
}

int fs_parse_chan(struct fs_nl *nl, struct nlmsghdr *nlh,
		  struct fs_chan *c)
{
	struct nlattr *tb[FASTIPC_A_MAX + 1];
	int ret;

	memset(c, 0, sizeof(*c));
	ret = fs_parse_top(nl, "GET_CHAN", nlh, tb, fs_chan_mandatory,
			   NELEM(fs_chan_mandatory));
	if (ret < 0)
		return ret;
	fs_fill(c, tb, fs_chan_fields, NELEM(fs_chan_fields));
	nla_strlcpy(c->name, tb[FASTIPC_A_CHAN_NAME], sizeof(c->name));
	return fs_parse_counters(nl, "GET_CHAN", tb[FASTIPC_A_CHAN_COUNTERS],
				 &c->cnt);
}

int fs_parse_conn(struct fs_nl *nl, struct nlmsghdr *nlh,
		  struct fs_conn *c)
{
	struct nlattr *tb[FASTIPC_A_MAX + 1];
	int ret;

	memset(c, 0, sizeof(*c));
	ret = fs_parse_top(nl, "GET_CONN", nlh, tb, fs_conn_mandatory,
			   NELEM(fs_conn_mandatory));
	if (ret < 0)
		return ret;
	fs_fill(c, tb, fs_conn_fields, NELEM(fs_conn_fields));
	return fs_parse_counters(nl, "GET_CONN", tb[FASTIPC_A_CONN_COUNTERS],
				 &c->cnt);
}

/*
 * A reply that carries one nest (GET_STATS, GET_USER): parse the nest
 * named @attr into @nt against @policy and check its mandatory members.
 */
static int fs_parse_nest(struct fs_nl *nl, const char *what,
			 struct nlmsghdr *nlh, int attr, struct nlattr **nt,
			 int maxtype, const struct nla_policy *policy,
			 const int *mand, size_t n, const char *const *names)
{
	struct nlattr *tb[FASTIPC_A_MAX + 1];
	int ret;

	ret = fs_parse_top(nl, what, nlh, tb, &attr, 1);
	if (ret < 0)
		return ret;
	ret = nla_parse_nested(nt, maxtype, tb[attr], policy);
	if (ret < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "%s reply: malformed %s nest: %s", what,
			 fs_attr_names[attr], nl_geterror(ret));
		return -EPROTO;
	}
	return fs_mandatory(nl, what, nt, mand, n, names);
}

int fs_parse_stats(struct fs_nl *nl, struct nlmsghdr *nlh,
		   struct fs_stats *s)
{
	struct nlattr *st[FASTIPC_A_STATS_MAX + 1];
	int ret;

	memset(s, 0, sizeof(*s));
	ret = fs_parse_nest(nl, "GET_STATS", nlh, FASTIPC_A_STATS, st,
			    FASTIPC_A_STATS_MAX, fs_stats_policy,
			    fs_stats_nest_mandatory,
			    NELEM(fs_stats_nest_mandatory), fs_stats_names);
	if (ret < 0)
		return ret;
	fs_fill(s, st, fs_stats_fields, NELEM(fs_stats_fields));
	s->has_region_user_max = st[FASTIPC_A_STATS_REGION_USER_MAX];
	s->has_user_limits = st[FASTIPC_A_STATS_USER_CHANS_MAX] &&
			     st[FASTIPC_A_STATS_USER_CONNS_MAX] &&
			     st[FASTIPC_A_STATS_USER_QUEUE_BYTES_MAX] &&
			     st[FASTIPC_A_STATS_SPIN_NS];
	nla_strlcpy(s->version, st[FASTIPC_A_STATS_VERSION],
		    sizeof(s->version));
	return 0;
}

int fs_parse_user(struct fs_nl *nl, struct nlmsghdr *nlh, struct fs_user *u)
{
	struct nlattr *ut[FASTIPC_A_USER_MAX + 1];
	int ret;

	memset(u, 0, sizeof(*u));
	ret = fs_parse_nest(nl, "GET_USER", nlh, FASTIPC_A_USER, ut,
			    FASTIPC_A_USER_MAX, fs_user_policy,
			    fs_user_nest_mandatory,
			    NELEM(fs_user_nest_mandatory), fs_user_names);
	if (ret == 0)
		fs_fill(u, ut, fs_user_fields, NELEM(fs_user_fields));
	return ret;
}

int fs_parse_event(struct fs_nl *nl, struct nlmsghdr *nlh,
		   struct fs_event *ev)
{
	struct nlattr *tb[FASTIPC_A_MAX + 1];
	int ret;

	memset(ev, 0, sizeof(*ev));
	ret = fs_parse_top(nl, "event", nlh, tb, fs_event_mandatory,
			   NELEM(fs_event_mandatory));
	if (ret < 0)
		return ret;
	ev->cmd = genlmsg_hdr(nlh)->cmd;
	fs_fill(ev, tb, fs_event_fields, NELEM(fs_event_fields));
	if (tb[FASTIPC_A_CHAN_NAME])
		nla_strlcpy(ev->name, tb[FASTIPC_A_CHAN_NAME],
			    sizeof(ev->name));
	ev->has_conn = tb[FASTIPC_A_CONN_ID];
	ev->has_pid = tb[FASTIPC_A_CONN_PID];
	ev->has_error = tb[FASTIPC_A_EVENT_ERROR];
	return 0;
}
