/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test service of the fastipc-rpc kselftests (rpc_test.proto): its
 * handlers, a server started on a thread of the test, and small helpers
 * to call it. A handler does what the request's mode says (RT_*), and
 * reports what it saw (its method, the call context, whether the
 * request's data matched its pattern) in the reply, so that the tests
 * assert on contents, statuses and counters only.
 */
#ifndef RPC_SVC_H
#define RPC_SVC_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

#include "fastipc_util.h"
#include "rpc_test.pb-c.h"

#define RT_UNUSED	__attribute__((unused))

/* Rpctest__Req.mode */
#define RT_ECHO		0	/* reply: what the handler saw, reply_len bytes */
#define RT_STATUS	1	/* set_status(code, message), closure(NULL) */
#define RT_NOREPLY	2	/* return without calling the closure */
#define RT_NULL		3	/* closure(NULL) without a status */
#define RT_WRONG	4	/* closure() with a message of another type */
#define RT_BLOCK	5	/* wait for rt_release, then as RT_ECHO */
#define RT_BADCODE	6	/* set_status(OK) and (CODE_MAX + 1), then echo */
#define RT_EXACT	7	/* as RT_ECHO, the reply packs to reply_len bytes */
#define RT_REPLY_THEN_STATUS 8	/* closure(reply), then set_status(code, message) */
#define RT_STATUS_THEN_REPLY 9	/* set_status(code, message), then closure(reply) */

#define RT_NS		1000000000ULL
/* Upper bounds only (a hang detector), never a measure. */
#define RT_CALL_NS	(60 * RT_NS)
#define RT_BLOCK_NS	(30 * RT_NS)

static atomic_int rt_blocked;		/* RT_BLOCK handlers that started */
static atomic_int rt_release;		/* set: RT_BLOCK handlers go on */
static atomic_int rt_badcode_ret;	/* what set_status(bad code) returned */
static atomic_int rt_call_runs;		/* times the Call handler ran */
static int rt_block_fd = -1;		/* RT_BLOCK writes a byte here */

static RT_UNUSED uint64_t rt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * RT_NS + (uint64_t)ts.tv_nsec;
}

/* Wait (bounded by RT_BLOCK_NS) until the test sets rt_release. */
static RT_UNUSED void rt_wait_release(void)
{
	uint64_t end = rt_now() + RT_BLOCK_NS;

	atomic_fetch_add(&rt_blocked, 1);
	if (rt_block_fd >= 0 && write(rt_block_fd, "b", 1) != 1)
		return;
	while (!atomic_load(&rt_release) && rt_now() < end)
		usleep(1000);
}

/* The length of the bytes field @n that packs @m to exactly @total. */
static RT_UNUSED size_t rt_pad_len(const ProtobufCMessage *m, size_t total)
{
	size_t base = protobuf_c_message_get_packed_size(m), vs, n;

	for (vs = 1; vs <= 5; vs++) {
		if (total < base + 1 + vs)
			return 0;
		n = total - base - 1 - vs;
		if ((n < 128 ? 1 : n < (1U << 14) ? 2 : n < (1U << 21) ? 3 :
		     n < (1U << 28) ? 4 : 5) == vs)
			return n;
	}
	return 0;
}

/* Reply what the handler saw: method, context, the request's data. */
static RT_UNUSED void rt_echo(const Rpctest__Req *req,
			      Rpctest__Rep_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	const struct fastipc_msg_hdr *hdr = ctx ? fastipc_rpc_ctx_hdr(ctx) : NULL;
	Rpctest__Rep rep = RPCTEST__REP__INIT;
	uint8_t *buf = NULL;
	size_t i, len;

	rep.now = rt_now();
	if (ctx) {
		rep.method = (char *)fastipc_rpc_ctx_method(ctx);
		rep.deadline = fastipc_rpc_ctx_deadline(ctx);
	}
	if (hdr) {
		rep.uid = hdr->uid;
		rep.gid = hdr->gid;
		rep.pid = hdr->pid;
		rep.conn_id = hdr->conn_id;
	}
	rep.data_len = req->data.len;
	rep.data_ok = fipc_mismatch(req->data.data, req->data.len,
				    req->seed) < 0;
	rep.tag = req->tag;
	for (i = 0; i < req->n_nums; i++)
		rep.nums_sum += req->nums[i];
	len = req->reply_len;
	if (req->mode == RT_EXACT)
		len = rt_pad_len(&rep.base, req->reply_len);
	if (len) {
		buf = malloc(len);
		if (!buf) {
			fastipc_rpc_ctx_set_status(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
						   "test: no memory");
			closure(NULL, data);
			return;
		}
		fipc_fill(buf, len, req->reply_seed);
		rep.data.data = buf;
		rep.data.len = len;
	}
	closure(&rep, data);
	free(buf);
}

static RT_UNUSED void rt_call(Rpctest__Test_Service *svc,
			      const Rpctest__Req *req,
			      Rpctest__Rep_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	Rpctest__Other other = RPCTEST__OTHER__INIT;
	int r1, r2;

	(void)svc;
	atomic_fetch_add(&rt_call_runs, 1);
	switch (req->mode) {
	case RT_STATUS:
		fastipc_rpc_ctx_set_status(ctx, req->code, "%s", req->message);
		closure(NULL, data);
		return;
	case RT_NOREPLY:
		return;
	case RT_NULL:
		closure(NULL, data);
		return;
	case RT_WRONG:
		other.text = "not a Rep";
		closure((const Rpctest__Rep *)&other, data);
		return;
	case RT_BLOCK:
		rt_wait_release();
		break;
	case RT_REPLY_THEN_STATUS:
		rt_echo(req, closure, data);
		fastipc_rpc_ctx_set_status(ctx, req->code, "%s", req->message);
		return;
	case RT_STATUS_THEN_REPLY:
		fastipc_rpc_ctx_set_status(ctx, req->code, "%s", req->message);
		break;
	case RT_BADCODE:
		r1 = fastipc_rpc_ctx_set_status(ctx, FASTIPC_RPC_OK, "ok?");
		r2 = fastipc_rpc_ctx_set_status(ctx, FASTIPC_RPC_CODE_MAX + 1,
						"too high");
		atomic_store(&rt_badcode_ret, r1 == -EINVAL && r2 == -EINVAL);
		break;
	}
	rt_echo(req, closure, data);
}

/*
 * A Node nested @depth deep (1: one empty Node), its wire bytes written
 * backwards so that they end at @end; their start. Up to 6 bytes a level.
 */
static RT_UNUSED uint8_t *rt_nest_bytes(uint8_t *end, size_t depth)
{
	uint8_t *p = end;
	size_t inner = 0, v;
	uint8_t var[10];
	int k, nv;

	while (depth-- > 1) {
		/* child (field 1, length-delimited) of inner bytes */
		nv = 0;
		for (v = inner; v >= 0x80; v >>= 7)
			var[nv++] = (uint8_t)(v | 0x80);
		var[nv++] = (uint8_t)v;
		for (k = nv - 1; k >= 0; k--)
			*--p = var[k];
		*--p = 0x0a;
		inner = (size_t)(end - p);
	}
	return p;
}

/* Reply how deep the request nested, in Rep.data_len. */
static RT_UNUSED void rt_nest(Rpctest__Test_Service *svc,
			      const Rpctest__Node *node,
			      Rpctest__Rep_Closure closure, void *data)
{
	Rpctest__Rep rep = RPCTEST__REP__INIT;

	(void)svc;
	for (; node; node = node->child)
		rep.data_len++;
	rep.method = "Nest";
	closure(&rep, data);
}

/* Reply how many items the request carried, in Rep.data_len. */
static RT_UNUSED void rt_items(Rpctest__Test_Service *svc,
			      const Rpctest__Wide *wide,
			      Rpctest__Rep_Closure closure, void *data)
{
	Rpctest__Rep rep = RPCTEST__REP__INIT;

	(void)svc;
	rep.data_len = wide->n_items;
	rep.method = "Items";
	closure(&rep, data);
}

static RT_UNUSED void rt_unserved(Rpctest__Test_Service *svc,
				  const Rpctest__Req *req,
				  Rpctest__Rep_Closure closure, void *data)
{
	(void)svc;
	rt_echo(req, closure, data);
}

static RT_UNUSED void rt_name(Rpctest__Aux_Service *svc,
			      const Rpctest__Req *req,
			      Rpctest__Rep_Closure closure, void *data)
{
	(void)svc;
	rt_echo(req, closure, data);
}

static Rpctest__Test_Service rt_test_impl RT_UNUSED = RPCTEST__TEST__INIT(rt_);
static Rpctest__Aux_Service rt_aux_impl RT_UNUSED = RPCTEST__AUX__INIT(rt_);

/* A server of Test (Unserved has no handler) and Aux on its own thread. */
struct rt_srv {
	struct fastipc_dev *dev;
	struct fastipc_rpc_server *srv;
	int chan;
	int running;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

static RT_UNUSED void *rt_run_main(void *arg)
{
	return (void *)(long)fastipc_rpc_server_run(arg);
}

/*
 * Create a channel (@msg_max 0: the default; mode @mode) and a server of
 * @nthreads threads with @o (NULL: defaults) serving Test and Aux; run
 * it on a thread unless @norun. 0 or a negative errno.
 */
static RT_UNUSED int rt_srv_start(struct rt_srv *s, const char *tag,
				  unsigned int nthreads, uint32_t msg_max,
				  uint32_t mode,
				  const struct fastipc_rpc_server_opts *o)
{
	struct fastipc_chan_opts co;
	int ret;

	memset(s, 0, sizeof(*s));
	s->chan = -1;
	rt_test_impl.unserved = NULL;
	ret = fastipc_open(&s->dev);
	if (ret)
		return ret;
	fipc_unique_name(s->name, tag);
	memset(&co, 0, sizeof(co));
	co.msg_max = msg_max;
	s->chan = fastipc_chan_create(s->dev, s->name, 0, mode, &co);
	if (s->chan < 0)
		return s->chan;
	ret = fastipc_rpc_server_create(s->chan, nthreads, o, &s->srv);
	if (ret)
		return ret;
	ret = fastipc_rpc_server_add(s->srv, &rt_test_impl.base);
	if (!ret)
		ret = fastipc_rpc_server_add(s->srv, &rt_aux_impl.base);
	if (ret)
		return ret;
	ret = -pthread_create(&s->th, NULL, rt_run_main, s->srv);
	if (!ret)
		s->running = 1;
	return ret;
}

/* Stop and join (bounded: 60 s) the server; its run()'s result. */
static RT_UNUSED long rt_srv_stop(struct rt_srv *s)
{
	struct timespec ts;
	void *r = (void *)-1L;

	if (s->running) {
		fastipc_rpc_server_stop(s->srv);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 60;
		if (pthread_timedjoin_np(s->th, &r, &ts))
			r = (void *)-ETIMEDOUT;
		s->running = 0;
	}
	fastipc_rpc_server_destroy(s->srv);
	s->srv = NULL;
	if (s->chan >= 0)
		close(s->chan);
	s->chan = -1;
	fastipc_close(s->dev);
	s->dev = NULL;
	return (long)r;
}

static RT_UNUSED struct fastipc_rpc_server_stats
rt_stats(struct fastipc_rpc_server *srv)
{
	struct fastipc_rpc_server_stats st;

	if (fastipc_rpc_server_stats(srv, &st, sizeof(st)))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* Bind to @name as Test with @max_message (0: default). A status code. */
static RT_UNUSED int rt_bind(struct fastipc_dev *dev, const char *name,
			     uint64_t max_message,
			     struct fastipc_rpc_client **cl,
			     struct fastipc_rpc_status *st)
{
	struct fastipc_rpc_bind_opts o;

	memset(&o, 0, sizeof(o));
	o.deadline_ns = RT_CALL_NS;
	o.max_message = max_message;
	return fastipc_rpc_bind(dev, name, &rpctest__test__descriptor, &o, cl,
				st);
}

/*
 * Call @op with @len raw bytes @req, past the client's RPC layer (a
 * hostile or hand-built request): the server's status, or -1000 + the
 * errno of fastipc_call2(). The reply goes to @rep when it fits @cap
 * bytes, else to memory returned in *@big (the caller frees it; NULL
 * when it fit); *@rep_data points at it and *@rep_len is its length.
 */
static RT_UNUSED int rt_raw(struct fastipc_conn *conn, uint32_t op,
			    const void *req, size_t len, void *rep, size_t cap,
			    const uint8_t **rep_data, size_t *rep_len,
			    void **big)
{
	struct fastipc_call_args a;
	int ret;

	*rep_data = NULL;
	*rep_len = 0;
	*big = NULL;
	memset(&a, 0, sizeof(a));
	a.op = op;
	a.flags = FASTIPC_CALL_ALLOC;
	a.req = req;
	a.req_len = len;
	a.rep = rep;
	a.rep_cap = cap;
	a.timeout_ns = RT_CALL_NS;
	ret = fastipc_call2(conn, &a, sizeof(a));
	if (ret)
		return -1000 + ret;
	*rep_data = a.rep_data;
	*rep_len = a.rep_len;
	*big = a.rep_alloc;
	return a.status;
}

/* Call Test.Call with @req; the reply in *@rep on OK. A status code. */
static RT_UNUSED int rt_do(struct fastipc_rpc_client *cl,
			   const Rpctest__Req *req, Rpctest__Rep **rep,
			   uint64_t deadline_ns, struct fastipc_rpc_status *st)
{
	ProtobufCMessage *m = NULL;
	int code;

	code = fastipc_rpc_call(cl, "Call", &req->base, &m, deadline_ns, st);
	*rep = (Rpctest__Rep *)m;
	return code;
}

/* A request carrying @len bytes of pattern @seed (free with rt_req_free). */
static RT_UNUSED int rt_req_data(Rpctest__Req *req, size_t len, uint32_t seed)
{
	req->data.data = malloc(len ? len : 1);
	if (!req->data.data)
		return -ENOMEM;
	fipc_fill(req->data.data, len, seed);
	req->data.len = len;
	req->seed = seed;
	return 0;
}

/*
 * A request of pattern @seed whose wire size (header and packed message)
 * is @total bytes. 0 or -ENOMEM / -EINVAL.
 */
static RT_UNUSED int rt_req_exact(Rpctest__Req *req, size_t total,
				  uint32_t seed)
{
	size_t n;

	req->data.data = NULL;
	req->data.len = 0;
	req->seed = seed;	/* packed too: counted before the padding */
	n = rt_pad_len(&req->base, total - sizeof(struct fastipc_rpc_req_hdr));
	if (!n)
		return -EINVAL;
	return rt_req_data(req, n, seed);
}

static RT_UNUSED void rt_req_free(Rpctest__Req *req)
{
	free(req->data.data);
	req->data.data = NULL;
	req->data.len = 0;
}

#endif /* RPC_SVC_H */
