// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc's module-wide counts over generic netlink (see modstat.h): the
 * family id is resolved once per socket, then each GET_STATS is one
 * request and one reply, parsed down to the FASTIPC_A_STATS nest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/fastipc.h>

#include "modstat.h"

#define BUF_SIZE	8192

struct nlreq {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static __u16 family_id[1024];	/* by socket fd; 0 = unresolved */

static int nl_talk(int sock, struct nlreq *req, char *buf, size_t cap)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	req->n.nlmsg_flags = NLM_F_REQUEST;
	req->n.nlmsg_seq++;
	if (send(sock, req, req->n.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(sock, buf, cap, 0);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)NLMSG_HDRLEN || !NLMSG_OK(h, (size_t)n))
		return -EPROTO;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -EPROTO;
	}
	return (int)h->nlmsg_len;
}

/* The attribute @type among those in [@p, @p + @len), or NULL. */
static struct nlattr *nl_find(void *p, int len, int type)
{
	struct nlattr *a = p;

	while (len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static void req_init(struct nlreq *req, __u16 type, __u8 cmd, __u8 version)
{
	memset(req, 0, sizeof(*req));
	req->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req->n.nlmsg_type = type;
	req->g.cmd = cmd;
	req->g.version = version;
}

static int resolve_family(int sock)
{
	static const char name[] = FASTIPC_GENL_NAME;
	char buf[BUF_SIZE];
	struct nlattr *a;
	struct nlreq req;
	int len;

	req_init(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(name);
	memcpy((char *)a + NLA_HDRLEN, name, sizeof(name));
	req.n.nlmsg_len += NLA_ALIGN(a->nla_len);
	len = nl_talk(sock, &req, buf, sizeof(buf));
	if (len < 0)
		return len;
	len -= NLMSG_LENGTH(GENL_HDRLEN);
	a = nl_find(buf + NLMSG_LENGTH(GENL_HDRLEN), len, CTRL_ATTR_FAMILY_ID);
	if (!a)
		return -EPROTO;
	return *(__u16 *)((char *)a + NLA_HDRLEN);
}

int modstat_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int sock, id;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0)
		return -errno;
	if (sock >= (int)(sizeof(family_id) / sizeof(*family_id)))
		id = -EMFILE;
	else if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)))
		id = -errno;
	else
		id = resolve_family(sock);
	if (id < 0) {
		close(sock);
		return id;
	}
	family_id[sock] = id;
	return sock;
}

static __u32 get_u32(void *nest, int len, int type)
{
	struct nlattr *a = nl_find(nest, len, type);

	return a ? *(__u32 *)((char *)a + NLA_HDRLEN) : ~0U;
}

int modstat_get(int sock, struct modstat *st)
{
	char buf[BUF_SIZE];
	struct nlattr *nest;
	struct nlreq req;
	int len;

	req_init(&req, family_id[sock], FASTIPC_CMD_GET_STATS,
		 FASTIPC_GENL_VERSION);
	len = nl_talk(sock, &req, buf, sizeof(buf));
	if (len < 0)
		return len;
	len -= NLMSG_LENGTH(GENL_HDRLEN);
	nest = nl_find(buf + NLMSG_LENGTH(GENL_HDRLEN), len, FASTIPC_A_STATS);
	if (!nest)
		return -EPROTO;
	len = nest->nla_len - NLA_HDRLEN;
	st->chans = get_u32((char *)nest + NLA_HDRLEN, len,
			    FASTIPC_A_STATS_NR_CHANS);
	st->conns = get_u32((char *)nest + NLA_HDRLEN, len,
			    FASTIPC_A_STATS_NR_CONNS);
	st->msgs = get_u32((char *)nest + NLA_HDRLEN, len,
			   FASTIPC_A_STATS_NR_MSGS);
	st->regions = get_u32((char *)nest + NLA_HDRLEN, len,
			      FASTIPC_A_STATS_NR_REGIONS);
	return 0;
}

int modstat_conn_dump_start(int sock, const char *name)
{
	size_t len = strlen(name) + 1;
	struct nlattr *a;
	struct nlreq req;

	if (len > sizeof(req.attrs) - NLA_HDRLEN)
		return -ENAMETOOLONG;
	req_init(&req, family_id[sock], FASTIPC_CMD_GET_CONN,
		 FASTIPC_GENL_VERSION);
	a = (struct nlattr *)req.attrs;
	a->nla_type = FASTIPC_A_CHAN_NAME;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, name, len);
	req.n.nlmsg_len += NLA_ALIGN(a->nla_len);
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = 1;
	return send(sock, &req, req.n.nlmsg_len, 0) < 0 ? -errno : 0;
}

void modstat_close(int sock)
{
	if (sock >= 0)
		close(sock);
}

static __u64 get_u64(void *nest, int len, int type)
{
	struct nlattr *a = nl_find(nest, len, type);
	__u64 v = ~0ULL;

	if (a)
		memcpy(&v, (char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/*
 * Read the replies to a dump request up to NLMSG_DONE, passing each
 * message to @parse with @arg. Return: 0, or -errno.
 */
static int dump_read(int sock, void (*parse)(struct nlmsghdr *, void *),
		     void *arg)
{
	char buf[BUF_SIZE];
	struct nlmsghdr *h;
	ssize_t n;

	for (;;) {
		n = recv(sock, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : -EPROTO;
			}
			parse(h, arg);
		}
	}
}

struct user_want {
	__u32 uid;
	struct modstat_user *u;
};

/* Fill the wanted user's counters from one GET_USER message if its. */
static void user_parse(struct nlmsghdr *h, void *arg)
{
	struct user_want *want = arg;
	struct modstat_user *u = want->u;
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *nest;
	void *p;

	nest = nl_find((char *)h + NLMSG_LENGTH(GENL_HDRLEN), len,
		       FASTIPC_A_USER);
	if (!nest)
		return;
	p = (char *)nest + NLA_HDRLEN;
	len = nest->nla_len - NLA_HDRLEN;
	if (get_u32(p, len, FASTIPC_A_USER_UID) != want->uid)
		return;
	u->found = 1;
	u->chans = get_u32(p, len, FASTIPC_A_USER_CHANS);
	u->conns = get_u32(p, len, FASTIPC_A_USER_CONNS);
	u->region_bytes = get_u64(p, len, FASTIPC_A_USER_REGION_BYTES);
	u->queued_bytes = get_u64(p, len, FASTIPC_A_USER_QUEUED_BYTES);
}

int modstat_user(int sock, __u32 uid, struct modstat_user *u)
{
	struct user_want want = { .uid = uid, .u = u };
	struct nlreq req;

	memset(u, 0, sizeof(*u));
	req_init(&req, family_id[sock], FASTIPC_CMD_GET_USER,
		 FASTIPC_GENL_VERSION);
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = 2;
	if (send(sock, &req, req.n.nlmsg_len, 0) < 0)
		return -errno;
	return dump_read(sock, user_parse, &want);
}

struct conn_want {
	__u64 id;
	struct modstat_conn *c;
};

/* Fill the wanted connection's counters from one GET_CONN message if its. */
static void conn_parse(struct nlmsghdr *h, void *arg)
{
	struct conn_want *want = arg;
	struct modstat_conn *c = want->c;
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	void *p = (char *)h + NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *nest;

	if (get_u64(p, len, FASTIPC_A_CONN_ID) != want->id)
		return;
	nest = nl_find(p, len, FASTIPC_A_CONN_COUNTERS);
	if (!nest)
		return;
	p = (char *)nest + NLA_HDRLEN;
	len = nest->nla_len - NLA_HDRLEN;
	c->found = 1;
	c->calls = get_u64(p, len, FASTIPC_A_CNT_CALLS);
	c->oneway = get_u64(p, len, FASTIPC_A_CNT_ONEWAY);
	c->errors = get_u64(p, len, FASTIPC_A_CNT_ERRORS);
	c->slot_calls = get_u64(p, len, FASTIPC_A_CNT_SLOT_CALLS);
	c->msg_allocs = get_u64(p, len, FASTIPC_A_CNT_MSG_ALLOCS);
}

int modstat_conn(int sock, const char *name, __u64 conn_id,
		 struct modstat_conn *c)
{
	struct conn_want want = { .id = conn_id, .c = c };
	int ret;

	memset(c, 0, sizeof(*c));
	ret = modstat_conn_dump_start(sock, name);
	return ret ? ret : dump_read(sock, conn_parse, &want);
}
