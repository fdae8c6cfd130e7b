/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink side of fastipc-stat: one socket, the family resolved
 * by name, requests, dumps and the event subscription, and the parsing of
 * every reply against a client-side nla_policy and a list of mandatory
 * attributes.
 *
 * Every function returns 0 or a negative errno; on failure fs_nl.errmsg
 * says what went wrong (the kernel's errno, with its extended ack message
 * if any, or the libnl error, or the missing or malformed attribute).
 */
#ifndef FASTIPC_STAT_NETLINK_H
#define FASTIPC_STAT_NETLINK_H

#include "fastipc-stat.h"

struct nl_sock;

struct fs_nl {
	struct nl_sock *sk;
	int family;
	char errmsg[256];
};

/* A reference to one channel for GET_CHAN (do) and GET_CONN. */
struct fs_ref {
	const char *name;	/* or NULL */
	uint64_t key;		/* used when name is NULL */
};

/*
 * fs_nl_open() - Connect and resolve the "fastipc" family.
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded); another negative errno for socket errors.
 */
int fs_nl_open(struct fs_nl *nl);
void fs_nl_close(struct fs_nl *nl);

int fs_nl_dump_chans(struct fs_nl *nl, struct fs_chans *out);
int fs_nl_get_chan(struct fs_nl *nl, const struct fs_ref *ref,
		   struct fs_chan *out);
int fs_nl_dump_conns(struct fs_nl *nl, const struct fs_ref *ref,
		     struct fs_conns *out);
int fs_nl_get_stats(struct fs_nl *nl, struct fs_stats *out);
int fs_nl_dump_users(struct fs_nl *nl, struct fs_users *out);

/* Called for each event; return non-zero to stop listening. */
typedef int (*fs_event_fn)(const struct fs_event *ev, void *arg);

/* fs_nl_subscribe() - Ask for the events this user may see (SUBSCRIBE). */
int fs_nl_subscribe(struct fs_nl *nl);

/* fs_nl_listen() - Receive events until @fn returns non-zero. */
int fs_nl_listen(struct fs_nl *nl, fs_event_fn fn, void *arg);

/*
 * parse.c: one reply or event into its struct, checked against the
 * client-side policy and the mandatory attributes. Return: 0 or -EPROTO.
 */
struct nlmsghdr;
int fs_parse_chan(struct fs_nl *nl, struct nlmsghdr *nlh, struct fs_chan *c);
int fs_parse_conn(struct fs_nl *nl, struct nlmsghdr *nlh, struct fs_conn *c);
int fs_parse_stats(struct fs_nl *nl, struct nlmsghdr *nlh,
		   struct fs_stats *s);
int fs_parse_user(struct fs_nl *nl, struct nlmsghdr *nlh, struct fs_user *u);
int fs_parse_event(struct fs_nl *nl, struct nlmsghdr *nlh,
		   struct fs_event *ev);

#endif /* FASTIPC_STAT_NETLINK_H */
