// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc netlink events: subscriptions, and one unicast per subscriber.
 *
 * An event says a channel was created or removed, a client connected or
 * disconnected, or a call failed. It may go only to a reader who could
 * dump the channel: same network namespace, same IPC namespace, r
 * permission. A multicast group cannot do that in 6.1: the kernel has no
 * per-listener broadcast filter (netlink_broadcast_filtered() is gone) and
 * no hook that tells genetlink which socket joins a group, so a listener's
 * IPC namespace and credentials are unknown at send time. So a reader
 * sends FASTIPC_CMD_SUBSCRIBE on its socket, which records, from the task
 * that sends it (as the dump's checks use the task that dumps):
 *
 *  - its credentials (euid, fsgid, groups, capabilities), checked against
 *    each channel's current ipc_perm at each event with the rules of
 *    fipc_perm_check();
 *  - its IPC namespace, which must be the channel's;
 *  - its pid namespace, in which an event's pid is reported (0 if the
 *    client is not visible there, as SCM_CREDENTIALS does);
 *  - the socket and its port id; the socket's network namespace must be
 *    the channel's.
 *
 * These are a snapshot: a task that changes credentials or namespaces
 * afterwards subscribes again to refresh them. The socket's opener's
 * credentials (f_cred) are not used: they carry no IPC or pid namespace,
 * and a subscription made by a less privileged task than the opener must
 * not see more than that task may.
 *
 * Events are unicast to the port id. The subscription holds a reference to
 * its socket, and is dropped when the socket is released (NETLINK_URELEASE,
 * by which time the socket is SOCK_DEAD) or on FASTIPC_CMD_UNSUBSCRIBE. A
 * subscription whose socket is dead is skipped, so a new socket that binds
 * the same port id does not inherit it; the socket is marked dead right
 * after its port id is released (netlink_release()), and only that window
 * of a few instructions is not covered. A user holds at most
 * FIPC_NL_SUBS_PER_USER subscriptions, which bounds the per-event work one
 * user can add.
 *
 * Locking: fipc_nl_subs_lock (a mutex) protects the subscription list and
 * is held while an event is built and sent to each subscriber, so it
 * nests outside chan->lock (taken by the permission check). Events are
 * emitted from process context with no fastipc lock held.
 */
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "fastipc.h"

#define FIPC_NL_SUBS_PER_USER	64

/**
 * struct fipc_nl_sub - One socket's event subscription.
 * @node: entry on fipc_nl_subs.
 * @sk: the subscribing socket (holds a reference).
 * @portid: its port id, where events are sent.
 * @cred: the subscribing task's credentials (holds a reference).
 * @ipc_ns: its IPC namespace, as ns.c identifies it (pinned).
 * @pid_ns: its pid namespace (holds a reference).
 */
struct fipc_nl_sub {
	struct list_head node;
	struct sock *sk;
	u32 portid;
	const struct cred *cred;
	struct vfsmount *ipc_ns;
	struct pid_namespace *pid_ns;
};

/**
 * struct fipc_nl_event - What an event reports, besides the channel.
 * @cmd: FASTIPC_CMD_EVENT_*.
 * @has_conn: whether @conn_id is reported.
 * @conn_id: the connection.
 * @pid: the connecting thread group, or NULL.
 * @err: the error, positive, or 0.
 */
struct fipc_nl_event {
	u8 cmd;
	bool has_conn;
	u64 conn_id;
	struct pid *pid;
	u32 err;
};

static DEFINE_MUTEX(fipc_nl_subs_lock);
static LIST_HEAD(fipc_nl_subs);		/* fipc_nl_subs_lock */
static unsigned int fipc_nl_nr_subs;	/* written under fipc_nl_subs_lock */

static void fipc_nl_sub_free(struct fipc_nl_sub *sub)
{
	sock_put(sub->sk);
	put_cred(sub->cred);
	fipc_ns_put(sub->ipc_ns);
	put_pid_ns(sub->pid_ns);
	kfree(sub);
}

static void fipc_nl_sub_del_locked(struct fipc_nl_sub *sub,
				   struct list_head *dead)
{
	lockdep_assert_held(&fipc_nl_subs_lock);
	list_move(&sub->node, dead);
	WRITE_ONCE(fipc_nl_nr_subs, fipc_nl_nr_subs - 1);
}

static void fipc_nl_sub_free_list(struct list_head *dead)
{
	struct fipc_nl_sub *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, dead, node)
		fipc_nl_sub_free(sub);
}

static struct fipc_nl_sub *fipc_nl_sub_find_locked(const struct sock *sk,
						   unsigned int *nr_user)
{
	struct fipc_nl_sub *sub, *found = NULL;
	kuid_t euid = current_euid();

	lockdep_assert_held(&fipc_nl_subs_lock);
	*nr_user = 0;
	list_for_each_entry(sub, &fipc_nl_subs, node) {
		if (sub->sk == sk)
			found = sub;
		if (uid_eq(sub->cred->euid, euid))
			(*nr_user)++;
	}
	return found;
}

/* Record the current task's view in @sub. */
static void fipc_nl_sub_snapshot(struct fipc_nl_sub *sub)
{
	sub->cred = get_current_cred();
	sub->ipc_ns = fipc_ns_get();
	sub->pid_ns = get_pid_ns(task_active_pid_ns(current));
}

/* Subscribing again: replace @sub's view, and drop the old one. */
static void fipc_nl_sub_refresh_locked(struct fipc_nl_sub *sub,
				       struct fipc_nl_sub *old)
{
	lockdep_assert_held(&fipc_nl_subs_lock);
	*old = *sub;
	fipc_nl_sub_snapshot(sub);
}

/**
 * fipc_nl_subscribe() - FASTIPC_CMD_SUBSCRIBE: send events to this socket.
 * @skb: the request; NETLINK_CB(skb).sk is the subscribing socket.
 * @info: the request's header.
 *
 * Subscribing again refreshes the subscription's credentials and
 * namespaces.
 *
 * Return: 0, -ENOMEM, or -ENOSPC when the caller's euid already holds
 * FIPC_NL_SUBS_PER_USER subscriptions.
 */
int fipc_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct sock *sk = NETLINK_CB(skb).sk;
	struct fipc_nl_sub *sub, *new, old;
	unsigned int nr_user;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	mutex_lock(&fipc_nl_subs_lock);
	sub = fipc_nl_sub_find_locked(sk, &nr_user);
	if (sub) {
		fipc_nl_sub_refresh_locked(sub, &old);
		mutex_unlock(&fipc_nl_subs_lock);
		put_cred(old.cred);
		fipc_ns_put(old.ipc_ns);
		put_pid_ns(old.pid_ns);
		kfree(new);
		return 0;
	}
	if (nr_user >= FIPC_NL_SUBS_PER_USER) {
		mutex_unlock(&fipc_nl_subs_lock);
		kfree(new);
		GENL_SET_ERR_MSG(info, "too many event subscriptions");
		return -ENOSPC;
	}
	sock_hold(sk);
	new->sk = sk;
	new->portid = info->snd_portid;
	fipc_nl_sub_snapshot(new);
	list_add_tail(&new->node, &fipc_nl_subs);
	WRITE_ONCE(fipc_nl_nr_subs, fipc_nl_nr_subs + 1);
	mutex_unlock(&fipc_nl_subs_lock);
	return 0;
}

/**
 * fipc_nl_unsubscribe() - FASTIPC_CMD_UNSUBSCRIBE: stop sending events to
 * this socket.
 * @skb: the request; NETLINK_CB(skb).sk is the socket.
 * @info: the request's header.
 *
 * Return: 0, or -ENOENT if the socket has no subscription.
 */
int fipc_nl_unsubscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct fipc_nl_sub *sub;
	unsigned int nr_user;
	LIST_HEAD(dead);

	mutex_lock(&fipc_nl_subs_lock);
	sub = fipc_nl_sub_find_locked(NETLINK_CB(skb).sk, &nr_user);
	if (sub)
		fipc_nl_sub_del_locked(sub, &dead);
	mutex_unlock(&fipc_nl_subs_lock);
	if (list_empty(&dead))
		return -ENOENT;
	fipc_nl_sub_free_list(&dead);
	return 0;
}

/* Drop the subscriptions of a released socket. */
static int fipc_nl_notify(struct notifier_block *nb, unsigned long state,
			  void *data)
{
	struct netlink_notify *n = data;
	struct fipc_nl_sub *sub, *tmp;
	LIST_HEAD(dead);

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&fipc_nl_subs_lock);
	list_for_each_entry_safe(sub, tmp, &fipc_nl_subs, node)
		if (sub->portid == n->portid &&
		    net_eq(sock_net(sub->sk), n->net) &&
		    sock_flag(sub->sk, SOCK_DEAD))
			fipc_nl_sub_del_locked(sub, &dead);
	mutex_unlock(&fipc_nl_subs_lock);
	fipc_nl_sub_free_list(&dead);
	return NOTIFY_DONE;
}

static struct notifier_block fipc_nl_notifier = {
	.notifier_call = fipc_nl_notify,
};

/* Whether @sub may see @chan: what a dump by the subscriber would show. */
static bool fipc_nl_sub_sees(const struct fipc_nl_sub *sub,
			     struct fipc_chan *chan)
{
	return !sock_flag(sub->sk, SOCK_DEAD) &&
	       net_eq(sock_net(sub->sk), chan->net) &&
	       sub->ipc_ns == chan->ipc_ns &&
	       !fipc_perm_check_cred(chan, FIPC_MAY_READ, sub->cred);
}

static struct sk_buff *fipc_nl_event_build(struct fipc_chan *chan,
					   const struct fipc_nl_event *ev,
					   const struct fipc_nl_sub *sub)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &fipc_nl_family, 0, ev->cmd);
	if (!hdr || fipc_nl_put_ident(skb, chan))
		goto err;
	if (ev->has_conn &&
	    nla_put_u64_64bit(skb, FASTIPC_A_CONN_ID, ev->conn_id,
			      FASTIPC_A_PAD))
		goto err;
	if (ev->pid &&
	    nla_put_u32(skb, FASTIPC_A_CONN_PID,
			pid_nr_ns(ev->pid, sub->pid_ns)))
		goto err;
	if (ev->err && nla_put_u32(skb, FASTIPC_A_EVENT_ERROR, ev->err))
		goto err;
	genlmsg_end(skb, hdr);
	return skb;
err:
	nlmsg_free(skb);
	return NULL;
}

/*
 * Send @ev to every subscriber that may see @chan. A subscriber whose
 * socket is full misses it and finds ENOBUFS on the socket, as with a
 * multicast.
 */
static void fipc_nl_emit(struct fipc_chan *chan, const struct fipc_nl_event *ev)
{
	struct fipc_nl_sub *sub;
	struct sk_buff *skb;

	if (!READ_ONCE(fipc_nl_nr_subs))
		return;
	mutex_lock(&fipc_nl_subs_lock);
	list_for_each_entry(sub, &fipc_nl_subs, node) {
		if (!fipc_nl_sub_sees(sub, chan))
			continue;
		skb = fipc_nl_event_build(chan, ev, sub);
		if (skb)
			genlmsg_unicast(sock_net(sub->sk), skb, sub->portid);
	}
	mutex_unlock(&fipc_nl_subs_lock);
}

/**
 * fipc_nl_chan_event() - Report a channel created or removed.
 * @chan: the channel.
 * @cmd: FASTIPC_CMD_EVENT_CHAN_CREATED or _CHAN_REMOVED.
 */
void fipc_nl_chan_event(struct fipc_chan *chan, u8 cmd)
{
	struct fipc_nl_event ev = { .cmd = cmd };

	fipc_nl_emit(chan, &ev);
}

/**
 * fipc_nl_conn_event() - Report a connect or disconnect.
 * @chan: the channel.
 * @cmd: FASTIPC_CMD_EVENT_CONNECT or _DISCONNECT.
 * @conn_id: the connection.
 * @pid: the connecting thread group; each subscriber gets it in its own
 *	pid namespace.
 */
void fipc_nl_conn_event(struct fipc_chan *chan, u8 cmd, u64 conn_id,
			struct pid *pid)
{
	struct fipc_nl_event ev = {
		.cmd = cmd,
		.has_conn = true,
		.conn_id = conn_id,
		.pid = pid,
	};

	fipc_nl_emit(chan, &ev);
}

/**
 * fipc_nl_error_event() - Report a failed call or send.
 * @chan: the channel.
 * @conn_id: the connection it failed on.
 * @err: the error the caller got (negative). A call ended by a signal
 *	(-EINTR, SIGKILL included) is the caller's doing, not a failure of
 *	the channel: it is not reported, as the channel's error counters do
 *	not count it.
 */
void fipc_nl_error_event(struct fipc_chan *chan, u64 conn_id, int err)
{
	struct fipc_nl_event ev = {
		.cmd = FASTIPC_CMD_EVENT_CALL_FAILED,
		.has_conn = true,
		.conn_id = conn_id,
		.err = -err,
	};

	if (err == -EINTR || !err)
		return;
	fipc_nl_emit(chan, &ev);
}

/**
 * fipc_nl_events_init() - Start tracking subscribers' sockets.
 *
 * Return: 0 or -errno.
 */
int __init fipc_nl_events_init(void)
{
	return netlink_register_notifier(&fipc_nl_notifier);
}

/**
 * fipc_nl_events_exit() - Drop every subscription. Called once the family
 * is unregistered, so none can be added.
 */
void fipc_nl_events_exit(void)
{
	struct fipc_nl_sub *sub, *tmp;
	LIST_HEAD(dead);

	netlink_unregister_notifier(&fipc_nl_notifier);
	mutex_lock(&fipc_nl_subs_lock);
	list_for_each_entry_safe(sub, tmp, &fipc_nl_subs, node)
		fipc_nl_sub_del_locked(sub, &dead);
	mutex_unlock(&fipc_nl_subs_lock);
	fipc_nl_sub_free_list(&dead);
}
