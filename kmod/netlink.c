// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc generic netlink family: channel, connection, per-user and module
 * statistics; events and their subscriptions are in nlevents.c. Specified
 * in Documentation/netlink/specs/fastipc.yaml.
 *
 * A channel belongs to the network namespace it was created in: dumps
 * there show it; like every lookup, dumps show only the reader's IPC
 * namespace's channels. A caller sees only the channels it may read (r
 * permission, as CHAN_STAT), checked with the credentials of the task
 * reading the socket. GET_STATS is module-wide counts and limits, no
 * channel's or user's; GET_USER shows other users' charges only to
 * CAP_SYS_ADMIN.
 *
 * Locking: dumps walk the registry under its mutex (registry.c) and read a
 * channel under its chan->lock; the users' dump fills the message under
 * fipc_quota_lock (quota.c). Nothing here takes other locks.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "fastipc.h"

#ifndef FASTIPC_VERSION
#define FASTIPC_VERSION "0.0.0"
#endif

static const struct nla_policy fipc_nl_policy[FASTIPC_A_MAX + 1] = {
	[FASTIPC_A_CHAN_NAME]	= { .type = NLA_NUL_STRING,
				    .len = FASTIPC_NAME_MAX - 1 },
	[FASTIPC_A_CHAN_KEY]	= { .type = NLA_U64 },
};

static int fipc_nl_put_counters(struct sk_buff *skb,
				const struct fastipc_chan_counters *c)
{
	struct nlattr *nest = nla_nest_start(skb, FASTIPC_A_CHAN_COUNTERS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, FASTIPC_A_CNT_CALLS, c->calls,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_ONEWAY, c->oneway,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_REPLIES, c->replies,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_BYTES_COPIED, c->bytes_copied,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_BYTES_SHM, c->bytes_shm,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_TIMEOUTS, c->timeouts,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_CANCELLED, c->cancelled,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_DROPPED_REPLIES,
			      c->dropped_replies, FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_ERRORS, c->errors,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_HANDOFFS, c->handoffs,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_RECV_SLEEPS, c->recv_sleeps,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_CALL_POLLS_SKIPPED,
			      c->call_polls_skipped, FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_SERVICE_NS, c->service_ns,
			      FASTIPC_A_CNT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * fipc_nl_put_ident() - Put a channel's id, name and key.
 * @skb: the message being built.
 * @chan: the channel.
 *
 * Return: 0, or -EMSGSIZE if @skb has no room.
 */
int fipc_nl_put_ident(struct sk_buff *skb, const struct fipc_chan *chan)
{
	if (nla_put_u64_64bit(skb, FASTIPC_A_CHAN_ID, chan->id, FASTIPC_A_PAD) ||
	    nla_put_string(skb, FASTIPC_A_CHAN_NAME, chan->name) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CHAN_KEY, chan->perm.key,
			      FASTIPC_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int fipc_nl_put_chan(struct sk_buff *skb, struct fipc_chan *chan)
{
	struct fastipc_chan_stat st = {};

	fipc_chan_stat(chan, &st);
	if (fipc_nl_put_ident(skb, chan) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_UID, st.perm.uid) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_GID, st.perm.gid) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_CUID, st.perm.cuid) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_CGID, st.perm.cgid) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_MODE, st.perm.mode) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_SEQ, st.perm.seq) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_CPID, st.cpid) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_NR_CONNS, st.nr_conns) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_QUEUE_MSGS, st.queue_msgs) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_QUEUE_BYTES, st.queue_bytes) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_QUEUE_PEAK, st.queue_peak) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_MSG_MAX, st.msg_max) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_QUEUE_MSGS_MAX, st.queue_msgs_max) ||
	    nla_put_u32(skb, FASTIPC_A_CHAN_QUEUE_BYTES_MAX,
			st.queue_bytes_max) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CHAN_CTIME, st.ctime_ns,
			      FASTIPC_A_PAD))
		return -EMSGSIZE;
	return fipc_nl_put_counters(skb, &st.counters);
}

/* One channel as one message; -EMSGSIZE leaves @skb as it was. */
static int fipc_nl_fill_chan(struct sk_buff *skb, struct fipc_chan *chan,
			     u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &fipc_nl_family, flags,
			  FASTIPC_CMD_GET_CHAN);
	if (!hdr)
		return -EMSGSIZE;
	if (fipc_nl_put_chan(skb, chan)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Whether the reader of @net's socket may see @chan. */
static bool fipc_nl_visible(struct fipc_chan *chan, const struct net *net)
{
	return net_eq(chan->net, net) && chan->ipc_ns == fipc_ns_current() &&
	       !fipc_perm_check(chan, FIPC_MAY_READ);
}

struct fipc_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int fipc_nl_dump_one(struct fipc_chan *chan, void *arg)
{
	struct fipc_nl_dump *d = arg;

	if (!fipc_nl_visible(chan, sock_net(d->skb->sk)))
		return 0;
	return fipc_nl_fill_chan(d->skb, chan,
				 NETLINK_CB(d->cb->skb).portid,
				 d->cb->nlh->nlmsg_seq, NLM_F_MULTI);
}

static int fipc_nl_dump_chan(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fipc_nl_dump d = { .skb = skb, .cb = cb };
	u64 *cursor = (u64 *)&cb->args[0];
	int ret;

	ret = fipc_registry_for_each(cursor, fipc_nl_dump_one, &d);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/* The channel a request names by FASTIPC_A_CHAN_NAME or _KEY. */
static struct fipc_chan *fipc_nl_lookup(struct nlattr **attrs,
					const struct net *net,
					struct netlink_ext_ack *extack)
{
	struct fastipc_chan_ref ref = {};
	struct fipc_chan *chan;

	if (attrs[FASTIPC_A_CHAN_NAME])
		nla_strscpy(ref.name, attrs[FASTIPC_A_CHAN_NAME],
			    sizeof(ref.name));
	if (attrs[FASTIPC_A_CHAN_KEY])
		ref.key = nla_get_u64(attrs[FASTIPC_A_CHAN_KEY]);
	if (fipc_ref_check(&ref)) {
		NL_SET_ERR_MSG(extack, "need exactly one valid channel name or key");
		return ERR_PTR(-EINVAL);
	}
	chan = fipc_registry_find(&ref);
	if (IS_ERR(chan))
		return chan;
	if (!net_eq(chan->net, net)) {
		fipc_chan_put(chan);
		return ERR_PTR(-ENOENT);
	}
	if (fipc_perm_check(chan, FIPC_MAY_READ)) {
		fipc_chan_put(chan);
		return ERR_PTR(-EACCES);
	}
	return chan;
}

static int fipc_nl_get_chan(struct sk_buff *skb, struct genl_info *info)
{
	struct fipc_chan *chan;
	struct sk_buff *msg;
	int ret;

	chan = fipc_nl_lookup(info->attrs, genl_info_net(info), info->extack);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	ret = msg ? fipc_nl_fill_chan(msg, chan, info->snd_portid,
				      info->snd_seq, 0) : -ENOMEM;
	fipc_chan_put(chan);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int fipc_nl_put_conn(struct sk_buff *skb, const struct fipc_conn *conn)
{
	struct user_namespace *ns = current_user_ns();
	const struct fipc_conn_stats *s = &conn->stats;
	struct nlattr *nest;

	if (nla_put_u64_64bit(skb, FASTIPC_A_CONN_ID, conn->id, FASTIPC_A_PAD) ||
	    nla_put_u32(skb, FASTIPC_A_CONN_PID, pid_vnr(conn->pid)) ||
	    nla_put_u32(skb, FASTIPC_A_CONN_UID, from_kuid_munged(ns, conn->uid)) ||
	    nla_put_u32(skb, FASTIPC_A_CONN_GID, from_kgid_munged(ns, conn->gid)) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CONN_REGION_SIZE,
			      conn->region ? conn->region->size : 0,
			      FASTIPC_A_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, FASTIPC_A_CONN_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, FASTIPC_A_CNT_CALLS, s->calls,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_ONEWAY, s->oneway,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_BYTES_COPIED, s->bytes_copied,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_BYTES_SHM, s->bytes_shm,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_ERRORS, s->errors,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_SLOT_CALLS, s->slot_calls,
			      FASTIPC_A_CNT_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_CNT_MSG_ALLOCS, s->msg_allocs,
			      FASTIPC_A_CNT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fipc_nl_conn_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct fipc_chan *chan;

	chan = fipc_nl_lookup(info->attrs, sock_net(cb->skb->sk), cb->extack);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	cb->args[0] = (long)chan;
	cb->args[1] = 0;	/* id of the last connection dumped */
	return 0;
}

static int fipc_nl_conn_done(struct netlink_callback *cb)
{
	if (cb->args[0])
		fipc_chan_put((struct fipc_chan *)cb->args[0]);
	return 0;
}

static int fipc_nl_dump_conn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fipc_chan *chan = (struct fipc_chan *)cb->args[0];
	struct fipc_conn *conn;
	void *hdr;

	spin_lock(&chan->lock);
	list_for_each_entry(conn, &chan->conns, node) {
		if (conn->id <= (u64)cb->args[1])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &fipc_nl_family,
				  NLM_F_MULTI, FASTIPC_CMD_GET_CONN);
		if (!hdr)
			break;
		if (nla_put_u64_64bit(skb, FASTIPC_A_CHAN_ID, chan->id,
				      FASTIPC_A_PAD) ||
		    fipc_nl_put_conn(skb, conn)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1] = conn->id;
	}
	spin_unlock(&chan->lock);
	return skb->len;
}

static int fipc_nl_put_stats(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, FASTIPC_A_STATS);

	if (!nest ||
	    nla_put_string(skb, FASTIPC_A_STATS_VERSION, FASTIPC_VERSION) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_NR_CHANS,
			atomic_read(&fipc_nr_chans)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_NR_CONNS,
			atomic_read(&fipc_nr_conns)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_NR_MSGS,
			atomic_read(&fipc_nr_msgs)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_NR_REGIONS,
			atomic_read(&fipc_nr_regions)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_MSG_MAX_CAP,
			READ_ONCE(fipc_msg_max_cap)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_QUEUE_MSGS_CAP,
			READ_ONCE(fipc_queue_msgs_cap)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_QUEUE_BYTES_CAP,
			READ_ONCE(fipc_queue_bytes_cap)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_REGION_MAX,
			READ_ONCE(fipc_region_max)) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_STATS_REGION_USER_MAX,
			      READ_ONCE(fipc_region_user_max),
			      FASTIPC_A_STATS_PAD) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_USER_CHANS_MAX,
			READ_ONCE(fipc_user_chans_max)) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_USER_CONNS_MAX,
			READ_ONCE(fipc_user_conns_max)) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_STATS_USER_QUEUE_BYTES_MAX,
			      READ_ONCE(fipc_user_queue_bytes_max),
			      FASTIPC_A_STATS_PAD) ||
	    nla_put_u32(skb, FASTIPC_A_STATS_SPIN_NS, READ_ONCE(fipc_spin_ns)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fipc_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &fipc_nl_family, 0,
				FASTIPC_CMD_GET_STATS);
	if (!hdr || fipc_nl_put_stats(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A GET_USER dump in progress: where to, and whom the reader may see. */
struct fipc_nl_users {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct user_namespace *ns;
	kuid_t self;
	bool all;
};

static int fipc_nl_put_user(kuid_t uid, const u64 *used, void *arg)
{
	struct fipc_nl_users *d = arg;
	struct sk_buff *skb = d->skb;
	struct nlattr *nest;
	void *hdr;

	if (!d->all && !uid_eq(uid, d->self))
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &fipc_nl_family, NLM_F_MULTI,
			  FASTIPC_CMD_GET_USER);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, FASTIPC_A_USER);
	if (!nest ||
	    nla_put_u32(skb, FASTIPC_A_USER_UID,
			from_kuid_munged(d->ns, uid)) ||
	    nla_put_u32(skb, FASTIPC_A_USER_CHANS, used[FIPC_QUOTA_CHANS]) ||
	    nla_put_u32(skb, FASTIPC_A_USER_CONNS, used[FIPC_QUOTA_CONNS]) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_USER_REGION_BYTES,
			      used[FIPC_QUOTA_REGION], FASTIPC_A_USER_PAD) ||
	    nla_put_u64_64bit(skb, FASTIPC_A_USER_QUEUED_BYTES,
			      used[FIPC_QUOTA_QUEUED], FASTIPC_A_USER_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Users' charges: all of them for CAP_SYS_ADMIN, else the reader's own;
 * uids are global (kuid_t), shown in the reader's user namespace.
 */
static int fipc_nl_dump_user(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fipc_nl_users d = {
		.skb = skb,
		.cb = cb,
		.ns = current_user_ns(),
		.self = current_euid(),
		.all = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN),
	};
	unsigned long pos = cb->args[0];
	int ret;

	ret = fipc_quota_walk(fipc_nl_put_user, &d, &pos);
	cb->args[0] = pos;
	if (ret == -EMSGSIZE && skb->len)
		ret = 0;
	return ret ?: skb->len;
}

static const struct genl_ops fipc_nl_ops[] = {
	{
		.cmd	= FASTIPC_CMD_GET_CHAN,
		.doit	= fipc_nl_get_chan,
		.dumpit	= fipc_nl_dump_chan,
	},
	{
		.cmd	= FASTIPC_CMD_GET_CONN,
		.start	= fipc_nl_conn_start,
		.dumpit	= fipc_nl_dump_conn,
		.done	= fipc_nl_conn_done,
	},
	{
		.cmd	= FASTIPC_CMD_GET_STATS,
		.doit	= fipc_nl_get_stats,
	},
	{
		.cmd	= FASTIPC_CMD_GET_USER,
		.dumpit	= fipc_nl_dump_user,
	},
	{
		.cmd	= FASTIPC_CMD_SUBSCRIBE,
		.doit	= fipc_nl_subscribe,
	},
	{
		.cmd	= FASTIPC_CMD_UNSUBSCRIBE,
		.doit	= fipc_nl_unsubscribe,
	},
};

struct genl_family fipc_nl_family __ro_after_init = {
	.name		= FASTIPC_GENL_NAME,
	.version	= FASTIPC_GENL_VERSION,
	.maxattr	= FASTIPC_A_MAX,
	.policy		= fipc_nl_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= fipc_nl_ops,
	.n_ops		= ARRAY_SIZE(fipc_nl_ops),
};

/**
 * fipc_nl_init() - Register the generic netlink family.
 *
 * Return: 0 or -errno.
 */
int __init fipc_nl_init(void)
{
	int ret = fipc_nl_events_init();

	if (ret)
		return ret;
	ret = genl_register_family(&fipc_nl_family);
	if (ret)
		fipc_nl_events_exit();
	return ret;
}

/**
 * fipc_nl_exit() - Unregister the generic netlink family and drop every
 * event subscription.
 */
void fipc_nl_exit(void)
{
	genl_unregister_family(&fipc_nl_family);
	fipc_nl_events_exit();
}
