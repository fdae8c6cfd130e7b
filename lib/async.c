// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Asynchronous calls: fastipc_call_submit() queues a call without waiting
 * (FASTIPC_IOC_CALL with FASTIPC_F_ASYNC), fastipc_call_reap() collects
 * one completion (FASTIPC_IOC_REAP), fastipc_call_cancel() cancels one
 * (FASTIPC_IOC_CANCEL).
 *
 * The kernel knows a call by its msg_id only. Each connection has a table
 * (allocated at its first submit) of FASTIPC_ASYNC_MAX entries mapping
 * msg_id to the caller's user_data and to what the reap needs: the reply
 * cap given at submit and the request's record in the client->server
 * ring, if it went there.
 *
 * Locking: the table's mutex protects its entries. A submitter takes an
 * entry (PENDING: no msg_id yet) before the ioctl and fills it in after,
 * without holding the mutex across the ioctl (it may wait for queue room).
 * A reaper that gets a msg_id not in the table while entries are PENDING
 * waits on the table's condition until they are filled in (for a call
 * submitted with fastipc_call_raw(), which the table never knows, that
 * may last until a submitter waiting for queue room returns). The
 * region's own lock (g->lock) is never taken with the table's mutex held.
 *
 * Request records: the server releases a request's record once its
 * handler returns. A call that ends without the server answering (error
 * -ECANCELED, -ECONNRESET, -EIDRM) may never have been received, and
 * then nobody would release its record: the consumer index would stop
 * there for good. The reaper abandons such a record (FASTIPC_REC_SKIP),
 * but only while the consumer index has not passed it: once it has, the
 * server released it and its space may already carry a newer record of
 * ours. The record's ring index, needed for that test, is computed at
 * submit, while the record is surely still unconsumed (async_rec.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

enum fipc_async_state {
	FIPC_ASYNC_FREE = 0,
	FIPC_ASYNC_PENDING,	/* taken by a submitter, msg_id not known */
	FIPC_ASYNC_LIVE,	/* submitted, not yet reaped */
};

struct fipc_async_ent {
	uint64_t id;		/* the kernel's msg_id (LIVE) */
	void *user_data;
	uint32_t rep_cap;	/* largest reply accepted, as submitted */
	uint32_t req_off;	/* the request's record, if req_shm */
	uint32_t req_idx;	/* its free-running ring index */
	bool req_shm;
	uint8_t state;		/* enum fipc_async_state */
};

struct fipc_async {
	pthread_mutex_t lock;
	pthread_cond_t filled;		/* a PENDING entry became LIVE or FREE */
	unsigned int pending;
	struct fipc_async_ent ent[FASTIPC_ASYNC_MAX];
};

void fipc_async_free(struct fipc_async *a)
{
	if (!a)
		return;
	pthread_cond_destroy(&a->filled);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* The connection's table, allocated by the first caller. */
/*
 * How long a reap waits at least for a submit in progress to fill in its
 * id: a submit's ioctl that does not wait for queue room returns in far
 * less, so concurrent submit and reap (timeout 0 too) still match every
 * user_data; one blocked on a full queue no longer holds the reap.
 */
#define FIPC_ASYNC_FILL_NS	1000000000ULL

/* The id table's condition variable times out on CLOCK_MONOTONIC. */
static int fipc_async_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int ret;

	ret = pthread_condattr_init(&attr);
	if (ret)
		return ret;
	ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return ret;
}

static struct fipc_async *fipc_async_get(struct fastipc_conn *conn)
{
	struct fipc_async *a, *old = NULL;

	a = __atomic_load_n(&conn->async, __ATOMIC_ACQUIRE);
	if (a)
		return a;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	if (pthread_mutex_init(&a->lock, NULL)) {
		free(a);
		return NULL;
	}
	if (fipc_async_cond_init(&a->filled)) {
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	if (!__atomic_compare_exchange_n(&conn->async, &old, a, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		fipc_async_free(a);
		return old;
	}
	return a;
}

/* Take a free entry as PENDING. Return it, or NULL when all are used. */
static struct fipc_async_ent *fipc_async_take(struct fipc_async *a,
					      void *user_data, uint32_t rep_cap)
{
	struct fipc_async_ent *e = NULL;
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < ARRAY_SIZE(a->ent); i++) {
		if (a->ent[i].state == FIPC_ASYNC_FREE) {
			e = &a->ent[i];
			memset(e, 0, sizeof(*e));
			e->state = FIPC_ASYNC_PENDING;
			e->user_data = user_data;
			e->rep_cap = rep_cap;
			a->pending++;
			break;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return e;
}

/* A PENDING entry is submitted (@id) or given up (@id 0). */
static void fipc_async_fill(struct fipc_async *a, struct fipc_async_ent *e,
			    uint64_t id)
{
	pthread_mutex_lock(&a->lock);
	e->id = id;
	e->state = id ? FIPC_ASYNC_LIVE : FIPC_ASYNC_FREE;
	a->pending--;
	pthread_cond_broadcast(&a->filled);
	pthread_mutex_unlock(&a->lock);
}

/*
 * Wait for a PENDING entry to be filled, until @deadline (CLOCK_MONOTONIC
 * ns, UINT64_MAX: no bound). Return: false once the deadline has passed.
 */
static bool fipc_async_wait(struct fipc_async *a, uint64_t deadline)
{
	struct timespec ts;

	if (deadline == UINT64_MAX) {
		pthread_cond_wait(&a->filled, &a->lock);
		return true;
	}
	if (!fipc_left(deadline))
		return false;
	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	pthread_cond_timedwait(&a->filled, &a->lock, &ts);
	return true;
}

/*
 * Remove the LIVE entry of call @id into *@out. A call being submitted by
 * another thread may complete before its submitter filled in its id:
 * wait for the PENDING entries then, but not past the reap's @deadline
 * (a completion of a call made with fastipc_call_raw() is never in the
 * table, and the submit it waits for may be slow). Return: true if found.
 */
static bool fipc_async_remove(struct fipc_async *a, uint64_t id,
			      struct fipc_async_ent *out, uint64_t deadline)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		for (i = 0; i < ARRAY_SIZE(a->ent); i++) {
			if (a->ent[i].state == FIPC_ASYNC_LIVE &&
			    a->ent[i].id == id) {
				*out = a->ent[i];
				a->ent[i].state = FIPC_ASYNC_FREE;
				found = true;
				break;
			}
		}
		if (found || !a->pending || !fipc_async_wait(a, deadline))
			break;
	}
	pthread_mutex_unlock(&a->lock);
	return found;
}

/* The largest payload the connection carries: msg_max or one record. */
static uint64_t fipc_async_max_payload(const struct fastipc_conn *conn)
{
	uint64_t shm = fastipc_conn_shm_max(conn);

	return shm > conn->msg_max ? shm : conn->msg_max;
}

/*
 * Abandon the request record of a call the server did not answer (see
 * the top of the file). A consumer index out of range is counted.
 */
static void fipc_async_abandon(struct fastipc_conn *conn,
			       const struct fipc_async_ent *e)
{
	if (fipc_async_rec_abandon(conn->reg, e->req_off, e->req_idx) < 0)
		fipc_count(&conn->cnt.ring_errors, 1);
}

/* Request bytes of a submitted call, by copy or through the region. */
static void fipc_async_count_req(struct fastipc_conn *conn,
				 const struct fastipc_call *c)
{
	if (c->req_desc.area) {
		fipc_count(&conn->cnt.req_shm, 1);
		fipc_count(&conn->cnt.bytes_shm, c->req_desc.len);
	} else {
		fipc_count(&conn->cnt.bytes_copy, c->req_len);
	}
}

/* Fill the CALL argument. Return 0 or -EMSGSIZE. */
static int fipc_async_prep(struct fastipc_conn *conn, struct fastipc_call *c,
			   uint32_t op, const void *req, size_t req_len,
			   size_t rep_max, uint64_t timeout_ns)
{
	uint64_t max = fipc_async_max_payload(conn);

	if (req_len > max || req_len > UINT32_MAX)
		return -EMSGSIZE;
	if (!rep_max || rep_max > max)
		rep_max = max;
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->req_ptr = (uintptr_t)req;
	c->req_len = (uint32_t)req_len;
	c->rep_cap = rep_max > UINT32_MAX ? UINT32_MAX : (uint32_t)rep_max;
	fipc_timeout_args(timeout_ns, &c->flags, &c->timeout_ns);
	c->flags |= FASTIPC_F_ASYNC;
	return 0;
}

/* Queue the call (request by copy or through the ring). Return 0 or -errno. */
static int fipc_async_queue(struct fastipc_conn *conn, struct fastipc_call *c,
			    struct fipc_async_ent *e, const void *req,
			    uint64_t deadline)
{
	int ret;

	ret = fipc_req_shm(conn, c, req, deadline);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		e->req_shm = true;
		e->req_off = (uint32_t)c->req_desc.offset;
		e->req_idx = fipc_async_rec_idx(conn->reg, e->req_off);
	}
	ret = fipc_call_left(c, deadline);
	if (ret == 0)
		ret = fipc_ioctl(conn->fd, FASTIPC_IOC_CALL, c);
	if (ret < 0 && e->req_shm)
		fipc_region_cancel(conn->reg, e->req_off);
	return ret < 0 ? ret : 0;
}

__public int fastipc_call_submit(struct fastipc_conn *conn, uint32_t op,
				 const void *req, size_t req_len,
				 size_t rep_max, void *user_data,
				 uint64_t timeout_ns, uint64_t *idp)
{
	uint64_t deadline = fipc_deadline(timeout_ns);
	struct fipc_async_ent *e;
	struct fipc_async *a;
	struct fastipc_call c;
	int ret;

	ret = fipc_async_prep(conn, &c, op, req, req_len, rep_max, timeout_ns);
	if (ret < 0)
		return ret;
	a = fipc_async_get(conn);
	if (!a)
		return -ENOMEM;
	e = fipc_async_take(a, user_data, c.rep_cap);
	if (!e)
		return -EBUSY;
	ret = fipc_async_queue(conn, &c, e, req, deadline);
	if (ret < 0 || !c.msg_id) {
		fipc_async_fill(a, e, 0);
		return ret < 0 ? ret : -EPROTO;
	}
	fipc_async_count_req(conn, &c);
	fipc_async_fill(a, e, c.msg_id);
	if (idp)
		*idp = c.msg_id;
	return 0;
}

/* Reap buffer when the channel's msg_max is not known. */
#define FIPC_REAP_BUF_DEFAULT	4096U

/*
 * The largest reply that can come by copy: the largest rep_cap of the
 * calls outstanding, at most msg_max. A call the table does not know
 * (submitted with fastipc_call_raw()) may need more: REAP then says
 * -EMSGSIZE and the buffer grows.
 */
static uint32_t fipc_async_hint(struct fastipc_conn *conn)
{
	struct fipc_async *a = __atomic_load_n(&conn->async, __ATOMIC_ACQUIRE);
	uint32_t max = conn->msg_max ? conn->msg_max : FIPC_REAP_BUF_DEFAULT;
	uint32_t hint = 0;
	size_t i;

	if (!a)
		return max;
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < ARRAY_SIZE(a->ent); i++)
		if (a->ent[i].state != FIPC_ASYNC_FREE &&
		    a->ent[i].rep_cap > hint)
			hint = a->ent[i].rep_cap;
	pthread_mutex_unlock(&a->lock);
	return hint < max ? hint : max;
}

/* What is left of a reap's time: 0 only for a timeout of 0 (-EAGAIN). */
static uint64_t fipc_async_left(uint64_t timeout_ns, uint64_t deadline)
{
	uint64_t left = fipc_left(deadline);

	return timeout_ns && !left ? 1 : left;
}

/*
 * FASTIPC_IOC_REAP into a buffer allocated first (so that -ENOMEM leaves
 * the completion in the kernel), grown on -EMSGSIZE. On success *@bufp
 * holds the copied reply (or is NULL), owned by the caller.
 */
static int fipc_async_reap_raw(struct fastipc_conn *conn, struct fastipc_reap *r,
			       void **bufp, uint64_t timeout_ns)
{
	uint64_t deadline = fipc_deadline(timeout_ns);
	uint32_t cap = fipc_async_hint(conn);
	void *buf;
	int ret;

	for (;;) {
		buf = malloc(cap ? cap : 1);
		if (!buf)
			return -ENOMEM;
		memset(r, 0, sizeof(*r));
		r->rep_ptr = (uintptr_t)buf;
		r->rep_cap = cap;
		fipc_timeout_args(fipc_async_left(timeout_ns, deadline),
				  &r->flags, &r->timeout_ns);
		ret = fipc_ioctl(conn->fd, FASTIPC_IOC_REAP, r);
		if (ret != -EMSGSIZE || r->rep_len <= cap)
			break;
		free(buf);
		cap = r->rep_len;
	}
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*bufp = buf;
	return 0;
}

/* Copy a reply that came by descriptor out of the server->client ring. */
static int fipc_async_rep_shm(struct fastipc_conn *conn,
			      const struct fastipc_reap *r, uint32_t rep_cap,
			      struct fastipc_completion *c)
{
	const struct fastipc_desc *d = &r->rep_desc;
	uint32_t off = (uint32_t)d->offset;
	void *p = NULL;

	if (fipc_desc_refused(d))
		return -ENOBUFS;	/* the handler did not run (v1) */
	if (fipc_rep_claim(conn, d, rep_cap) < 0)
		return -EBADMSG;
	if (d->len) {
		p = malloc(d->len);
		if (p)
			memcpy(p, fipc_rx_ptr(conn->reg, off), d->len);
	}
	fipc_region_release(conn->reg, off);
	if (d->len && !p)
		return -ENOMEM;
	c->rep = p;
	c->rep_len = d->len;
	fipc_count(&conn->cnt.rep_shm, 1);
	fipc_count(&conn->cnt.bytes_shm, d->len);
	return 0;
}

/* Turn a kernel completion into the caller's; @buf is the copied reply. */
static void fipc_async_complete(struct fastipc_conn *conn,
				const struct fastipc_reap *r, void *buf,
				uint32_t rep_cap, struct fastipc_completion *c)
{
	c->error = r->error;
	c->status = r->error ? 0 : r->status;
	if (!c->error && r->rep_need) {
		c->error = -EOVERFLOW;
		c->rep_len = r->rep_need;
	} else if (!c->error && r->rep_desc.area) {
		c->error = fipc_async_rep_shm(conn, r, rep_cap, c);
	} else if (!c->error && r->rep_len) {
		/* The buffer is the largest reply outstanding: trim it. */
		c->rep = realloc(buf, r->rep_len);
		if (!c->rep)
			c->rep = buf;
		buf = NULL;
		c->rep_len = r->rep_len;
		fipc_count(&conn->cnt.bytes_copy, r->rep_len);
	}
	free(buf);
	if (c->error)
		c->status = 0;
	else
		fipc_count(&conn->cnt.calls, 1);
}

__public int fastipc_call_reap(struct fastipc_conn *conn,
			       struct fastipc_completion *c,
			       uint64_t timeout_ns)
{
	struct fipc_async_ent e = { .rep_cap = UINT32_MAX };
	uint64_t deadline = fipc_deadline(timeout_ns);
	uint64_t grace = fipc_deadline(FIPC_ASYNC_FILL_NS);
	struct fastipc_reap r;
	struct fipc_async *a;
	void *buf;
	int ret;

	ret = fipc_async_reap_raw(conn, &r, &buf, timeout_ns);
	if (ret < 0)
		return ret;
	memset(c, 0, sizeof(*c));
	c->id = r.msg_id;
	a = __atomic_load_n(&conn->async, __ATOMIC_ACQUIRE);
	/*
	 * Not found: a call submitted with fastipc_call_raw(), or one whose
	 * submitter did not fill its id in before our deadline: no user_data.
	 */
	if (a && fipc_async_remove(a, r.msg_id, &e,
				   deadline > grace ? deadline : grace))
		c->user_data = e.user_data;
	if (e.req_shm && r.error && conn->reg)
		fipc_async_abandon(conn, &e);
	fipc_async_complete(conn, &r, buf, e.rep_cap, c);
	return 0;
}

__public int fastipc_call_cancel(struct fastipc_conn *conn, uint64_t id)
{
	struct fastipc_cancel k = { .msg_id = id };

	return fipc_ioctl(conn->fd, FASTIPC_IOC_CANCEL, &k);
}
