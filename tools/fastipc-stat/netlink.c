// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: the generic netlink transport, the only file that talks to
 * the socket. A request is sent, then replies are read until the dump's
 * NLMSG_DONE (whose payload carries the dump's errno) or the request's
 * ACK; each reply goes to a parser of parse.c. Errors fill fs_nl.errmsg.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "netlink.h"

typedef int (*fs_parse_fn)(struct fs_nl *nl, struct nlmsghdr *nlh,
			   void *arg);

struct fs_req {
	struct fs_nl *nl;
	fs_parse_fn parse;
	void *arg;
	int done;
	int err;	/* negative errno from the kernel or a parser */
};

/* Appends the extended ack message, if the kernel sent one. */
static void fs_extack(struct fs_nl *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*nlh) + sizeof(*e);
	size_t len = strlen(nl->errmsg);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(*nlh);
	if (nlh->nlmsg_len <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(nl->errmsg + len, sizeof(nl->errmsg) - len, " (kernel: %.*s)",
		 nla_len(tb[NLMSGERR_ATTR_MSG]),
		 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static void fs_kerr(struct fs_nl *nl, int err)
{
	snprintf(nl->errmsg, sizeof(nl->errmsg), "%s (%s)", strerror(-err),
		 fs_errname(-err));
}

static int fs_cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
		       void *arg)
{
	struct fs_req *rq = arg;

	(void)nla;
	rq->done = 1;
	rq->err = e->error < 0 ? e->error : -EPROTO;
	fs_kerr(rq->nl, rq->err);
	fs_extack(rq->nl, e);
	return NL_STOP;
}

/* NLMSG_DONE of a dump: its payload is the dump's final errno. */
static int fs_cb_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct fs_req *rq = arg;
	int err;

	rq->done = 1;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err))) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			rq->err = err;
			fs_kerr(rq->nl, err);
		}
	}
	return NL_STOP;
}

static int fs_cb_ack(struct nl_msg *msg, void *arg)
{
	struct fs_req *rq = arg;

	(void)msg;
	rq->done = 1;
	return NL_STOP;
}

static int fs_cb_valid(struct nl_msg *msg, void *arg)
{
	struct fs_req *rq = arg;
	int ret;

	ret = rq->parse(rq->nl, nlmsg_hdr(msg), rq->arg);
	if (ret < 0) {
		rq->err = ret;
		rq->done = 1;
		return NL_STOP;
	}
	return NL_OK;
}

static struct nl_cb *fs_cb_new(struct fs_req *rq)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fs_cb_valid, rq);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, fs_cb_finish, rq);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, fs_cb_ack, rq);
	nl_cb_err(cb, NL_CB_CUSTOM, fs_cb_error, rq);
	return cb;
}

static int fs_libnl_err(struct fs_nl *nl, const char *what, int err)
{
	snprintf(nl->errmsg, sizeof(nl->errmsg), "%s: %s", what,
		 nl_geterror(err));
	return -EIO;
}

static struct nl_msg *fs_msg_new(struct fs_nl *nl, uint8_t cmd, int flags,
				 const struct fs_ref *ref)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret = 0;

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, FASTIPC_GENL_VERSION))
		ret = -1;
	else if (ref && ref->name)
		ret = nla_put_string(msg, FASTIPC_A_CHAN_NAME, ref->name);
	else if (ref)
		ret = nla_put_u64(msg, FASTIPC_A_CHAN_KEY, ref->key);
	if (ret < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int fs_request(struct fs_nl *nl, uint8_t cmd, int flags,
		      const struct fs_ref *ref, fs_parse_fn parse, void *arg)
{
	struct fs_req rq = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	msg = fs_msg_new(nl, cmd, flags, ref);
	cb = fs_cb_new(&rq);
	if (!msg || !cb) {
		ret = -ENOMEM;
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "building the request: out of memory");
		goto out;
	}
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		ret = fs_libnl_err(nl, "nl_send_auto", ret);
		goto out;
	}
	ret = 0;
	while (!rq.done && ret == 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !rq.err)
			ret = fs_libnl_err(nl, "nl_recvmsgs", ret);
		else
			ret = 0;
	}
	if (rq.err)
		ret = rq.err;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

/* ---- the requests --------------------------------------------------- */

static int fs_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

/* Room for one more element of @size bytes at the end of a dump's array. */
static void *fs_room(struct fs_nl *nl, void **v, size_t *cap, size_t n,
		     size_t size)
{
	if (fs_grow(v, cap, n, size) < 0) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "out of memory");
		return NULL;
	}
	return (char *)*v + n * size;
}

static int fs_add_chan(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_chans *l = arg;
	struct fs_chan *c = fs_room(nl, (void **)&l->v, &l->cap, l->n,
				    sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (fs_parse_chan(nl, nlh, c) < 0)
		return -EPROTO;
	l->n++;
	return 0;
}

static int fs_add_conn(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_conns *l = arg;
	struct fs_conn *c = fs_room(nl, (void **)&l->v, &l->cap, l->n,
				    sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (fs_parse_conn(nl, nlh, c) < 0)
		return -EPROTO;
	l->n++;
	return 0;
}

static int fs_add_user(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_users *l = arg;
	struct fs_user *u = fs_room(nl, (void **)&l->v, &l->cap, l->n,
				    sizeof(*u));

	if (!u)
		return -ENOMEM;
	if (fs_parse_user(nl, nlh, u) < 0)
		return -EPROTO;
	l->n++;
	return 0;
}

struct fs_one {
	void *out;
	int seen;
};

static int fs_one_chan(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_one *one = arg;

	one->seen++;
	return fs_parse_chan(nl, nlh, one->out);
}

static int fs_one_stats(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_one *one = arg;

	one->seen++;
	return fs_parse_stats(nl, nlh, one->out);
}

static int fs_need_one(struct fs_nl *nl, const char *what, int ret,
		       const struct fs_one *one)
{
	if (ret == 0 && one->seen != 1) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "%s: %d replies instead of one", what, one->seen);
		return -EPROTO;
	}
	return ret;
}

int fs_nl_dump_chans(struct fs_nl *nl, struct fs_chans *out)
{
	return fs_request(nl, FASTIPC_CMD_GET_CHAN, NLM_F_DUMP, NULL,
			  fs_add_chan, out);
}

int fs_nl_get_chan(struct fs_nl *nl, const struct fs_ref *ref,
		   struct fs_chan *out)
{
	struct fs_one one = { .out = out };
	int ret;

	ret = fs_request(nl, FASTIPC_CMD_GET_CHAN, NLM_F_ACK, ref,
			 fs_one_chan, &one);
	return fs_need_one(nl, "GET_CHAN", ret, &one);
}

int fs_nl_dump_conns(struct fs_nl *nl, const struct fs_ref *ref,
		     struct fs_conns *out)
{
	return fs_request(nl, FASTIPC_CMD_GET_CONN, NLM_F_DUMP, ref,
			  fs_add_conn, out);
}

int fs_nl_dump_users(struct fs_nl *nl, struct fs_users *out)
{
	return fs_request(nl, FASTIPC_CMD_GET_USER, NLM_F_DUMP, NULL,
			  fs_add_user, out);
}

int fs_nl_get_stats(struct fs_nl *nl, struct fs_stats *out)
{
	struct fs_one one = { .out = out };
	int ret;

	ret = fs_request(nl, FASTIPC_CMD_GET_STATS, NLM_F_ACK, NULL,
			 fs_one_stats, &one);
	return fs_need_one(nl, "GET_STATS", ret, &one);
}

/* ---- socket and events ---------------------------------------------- */

int fs_nl_open(struct fs_nl *nl)
{
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		snprintf(nl->errmsg, sizeof(nl->errmsg),
			 "nl_socket_alloc: out of memory");
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = fs_libnl_err(nl, "genl_connect", ret);
		goto err_free_sock;
	}
	/* Best effort: without it, errors just lack the kernel's text. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, FASTIPC_GENL_NAME);
	if (nl->family < 0) {
		ret = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT :
			fs_libnl_err(nl, "genl_ctrl_resolve", nl->family);
		goto err_free_sock;
	}
	return 0;

err_free_sock:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

void fs_nl_close(struct fs_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/*
 * Only sent here: the kernel subscribes the socket while it handles the
 * send, and fs_nl_listen() reads the ACK (or error) among the events.
 */
int fs_nl_subscribe(struct fs_nl *nl)
{
	struct nl_msg *msg = fs_msg_new(nl, FASTIPC_CMD_SUBSCRIBE, 0, NULL);
	int ret;

	if (!msg) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "out of memory");
		return -ENOMEM;
	}
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return fs_libnl_err(nl, "nl_send_auto", ret);
	return 0;
}

struct fs_listen {
	fs_event_fn fn;
	void *arg;
	int stop;
};

static int fs_on_event(struct fs_nl *nl, struct nlmsghdr *nlh, void *arg)
{
	struct fs_listen *ls = arg;
	struct fs_event ev;
	int ret;

	ret = fs_parse_event(nl, nlh, &ev);
	if (ret < 0)
		return ret;
	if (ls->fn(&ev, ls->arg))
		ls->stop = 1;
	return 0;
}

/*
 * Notifications carry sequence number 0: accept them all. The SUBSCRIBE's
 * ACK only sets rq.done, which does not end the loop; its error does.
 */
static int fs_cb_noseq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int fs_nl_listen(struct fs_nl *nl, fs_event_fn fn, void *arg)
{
	struct fs_listen ls = { .fn = fn, .arg = arg };
	struct fs_req rq = { .nl = nl, .parse = fs_on_event, .arg = &ls };
	struct nl_cb *cb = fs_cb_new(&rq);
	int ret = 0;

	if (!cb) {
		snprintf(nl->errmsg, sizeof(nl->errmsg), "out of memory");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, fs_cb_noseq, NULL);
	while (!ls.stop && !rq.err) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !rq.err) {
			ret = fs_libnl_err(nl, "nl_recvmsgs", ret);
			break;
		}
		ret = 0;
	}
	nl_cb_put(cb);
	return rq.err ? rq.err : ret;
}
