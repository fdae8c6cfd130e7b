// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-hashd procedures: SHA-256 (OpenSSL EVP) over one message or over
 * a session of chunks, with per-connection session tables. service.c
 * serves them as the fastipc.hash.Hash service (hash.proto).
 *
 * Locking: st->lock protects the connection table, every slot and the
 * busy/orphan/live flags. A handler marks its session busy under the lock
 * and hashes without it; a DISCONNECT that finds a session busy (its
 * client died mid-call) marks it orphan and the handler frees it when done.
 *
 * Connection lifetime: a DISCONNECT frees the connection's table, but a
 * BEGIN of that connection may run on another pool thread after it (the
 * pool receives messages in order and runs their handlers in any order),
 * and nothing we see tells "its DISCONNECT is done" from "its CONNECT is
 * not handled yet". So a table starts unconfirmed: a BEGIN that added a
 * session to one asks the kernel whether the connection is still
 * attached (st->alive), after adding it. Attached: its DISCONNECT is
 * still to come and will free the session, and the table is confirmed
 * (live). Gone: the BEGIN takes its session back and fails -ENOTCONN (the
 * client cannot receive the handle anyway). Each table has a generation,
 * so a verdict never applies to a later table of the same id.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hashd.h"

#define FHASH_CONN_BUCKETS	256
#define FHASH_SLOT_BITS		8
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

struct fhash_sess {
	EVP_MD_CTX *md;
	uint64_t handle;
	uint64_t conn_id;
	bool busy;
	bool orphan;
};

struct fhash_conn {
	uint64_t id;
	uint64_t gen;		/* unique per table, never reused */
	bool live;		/* the kernel said attached: DISCONNECT to come */
	struct fhash_conn *next;
	struct fhash_sess *slot[FHASH_SESSIONS_MAX];
};

struct fhash_state {
	pthread_mutex_t lock;
	EVP_MD *sha256;		/* fetched once, not per call */
	fhash_alive_fn alive;
	void *alive_ctx;
	uint64_t next_gen;	/* session handles and table generations */
	struct fhash_conn *conns[FHASH_CONN_BUCKETS];
	struct fhash_stats stats;
};

/* Free a session counted in st->stats.sessions. */
static void fhash_sess_free(struct fhash_state *st, struct fhash_sess *s)
{
	atomic_fetch_sub(&st->stats.sessions, 1);
	EVP_MD_CTX_free(s->md);
	free(s);
}

/* Free a session not (yet) counted. */
static void fhash_sess_discard(struct fhash_sess *s)
{
	EVP_MD_CTX_free(s->md);
	free(s);
}

#define FHASH_SLOT(handle)	((handle) & ((1U << FHASH_SLOT_BITS) - 1))

static struct fhash_conn **fhash_conn_link(struct fhash_state *st, uint64_t id)
{
	struct fhash_conn **pp = &st->conns[id % FHASH_CONN_BUCKETS];

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	return pp;
}

/* The table of @id, made (unconfirmed) if there is none. */
static struct fhash_conn *fhash_conn_get(struct fhash_state *st, uint64_t id)
{
	struct fhash_conn **pp = fhash_conn_link(st, id);

	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			return NULL;
		(*pp)->id = id;
		(*pp)->gen = ++st->next_gen;
		atomic_fetch_add(&st->stats.tables, 1);
	}
	return *pp;
}

/* Unlink and free the table *@pp; its sessions are the caller's. */
static void fhash_conn_unlink(struct fhash_state *st, struct fhash_conn **pp)
{
	struct fhash_conn *c = *pp;

	*pp = c->next;
	free(c);
	atomic_fetch_sub(&st->stats.tables, 1);
}

/* Drop a connection and its sessions (busy ones are freed by their user). */
static void fhash_conn_drop(struct fhash_state *st, uint64_t id)
{
	struct fhash_conn **pp = fhash_conn_link(st, id);
	struct fhash_conn *c = *pp;
	int i;

	if (!c)
		return;
	for (i = 0; i < FHASH_SESSIONS_MAX; i++) {
		if (!c->slot[i])
			continue;
		if (c->slot[i]->busy)
			c->slot[i]->orphan = true;
		else
			fhash_sess_free(st, c->slot[i]);
	}
	fhash_conn_unlink(st, pp);
}

/*
 * Insert @s into its connection's table and give it a handle, copied to
 * @handle: once unlocked, @s may already be finalized by a (guessing) peer.
 * @gen and @live: the table's generation and whether it is confirmed.
 */
static int fhash_sess_add(struct fhash_state *st, struct fhash_sess *s,
			  uint64_t *handle, uint64_t *gen, bool *live)
{
	struct fhash_conn *c;
	int i, ret = -EMFILE;

	pthread_mutex_lock(&st->lock);
	c = fhash_conn_get(st, s->conn_id);
	if (!c) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < FHASH_SESSIONS_MAX; i++) {
		if (!c->slot[i]) {
			s->handle = (++st->next_gen << FHASH_SLOT_BITS) | i;
			*handle = s->handle;
			*gen = c->gen;
			*live = c->live;
			c->slot[i] = s;
			atomic_fetch_add(&st->stats.sessions, 1);
			ret = 0;
			break;
		}
	}
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * After a BEGIN put session @handle into table generation @gen of
 * @conn_id: confirm the table if @alive, else take the session back (it
 * may be gone already: DISCONNECT, FINAL or ABORT) and drop the table if
 * it is unconfirmed and empty.
 */
static void fhash_sess_settle(struct fhash_state *st, uint64_t conn_id,
			      uint64_t gen, uint64_t handle, bool alive)
{
	struct fhash_conn **pp, *c;
	struct fhash_sess *s;
	int i;

	pthread_mutex_lock(&st->lock);
	pp = fhash_conn_link(st, conn_id);
	c = *pp;
	if (!c || c->gen != gen)
		goto out;	/* its DISCONNECT freed that table already */
	if (alive) {
		c->live = true;
		goto out;
	}
	s = c->slot[FHASH_SLOT(handle)];
	if (s && s->handle == handle) {
		c->slot[FHASH_SLOT(handle)] = NULL;
		if (s->busy)
			s->orphan = true;
		else
			fhash_sess_free(st, s);
	}
	if (c->live)
		goto out;
	for (i = 0; i < FHASH_SESSIONS_MAX && !c->slot[i]; i++)
		;
	if (i == FHASH_SESSIONS_MAX)
		fhash_conn_unlink(st, pp);
out:
	pthread_mutex_unlock(&st->lock);
}

/*
 * Whether the connection of a new session is still attached, asked only
 * while its table is unconfirmed. Return: 0 (keep the session),
 * -ENOTCONN (gone), or the error of the question (the session is not
 * kept either: an unanswered question must not leak it).
 */
static int fhash_sess_check(struct fhash_state *st, uint64_t conn_id,
			    uint64_t gen, uint64_t handle, bool live)
{
	int alive;

	if (live)
		return 0;
	alive = st->alive(st->alive_ctx, conn_id);
	fhash_sess_settle(st, conn_id, gen, handle, alive > 0);
	if (alive > 0)
		return 0;
	return alive < 0 ? alive : -ENOTCONN;
}

/* Find the session @handle of connection @conn_id and mark it busy. */
static int fhash_sess_get(struct fhash_state *st, uint64_t conn_id,
			  uint64_t handle, struct fhash_sess **sp)
{
	uint64_t i = FHASH_SLOT(handle);
	struct fhash_conn *c;
	struct fhash_sess *s;
	int ret = -EBADF;

	pthread_mutex_lock(&st->lock);
	c = *fhash_conn_link(st, conn_id);
	if (!c || i >= FHASH_SESSIONS_MAX)
		goto out;
	s = c->slot[i];
	if (!s || s->handle != handle)
		goto out;
	ret = -EBUSY;
	if (s->busy)
		goto out;
	s->busy = true;
	*sp = s;
	ret = 0;
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Release a busy session; with @remove (or if orphaned) free it. */
static void fhash_sess_put(struct fhash_state *st, struct fhash_sess *s,
			   bool remove)
{
	struct fhash_conn *c;

	pthread_mutex_lock(&st->lock);
	s->busy = false;
	if (s->orphan) {
		fhash_sess_free(st, s);
	} else if (remove) {
		c = *fhash_conn_link(st, s->conn_id);
		if (c)
			c->slot[FHASH_SLOT(s->handle)] = NULL;
		fhash_sess_free(st, s);
	}
	pthread_mutex_unlock(&st->lock);
}

static int fhash_end(struct fhash_state *st, int status, size_t bytes)
{
	atomic_fetch_add(&st->stats.calls, 1);
	atomic_fetch_add(&st->stats.bytes, bytes);
	if (status < 0)
		atomic_fetch_add(&st->stats.errors, 1);
	return status;
}

int fhash_digest(struct fhash_state *st, const void *data, size_t len,
		 unsigned char *digest)
{
	if (!EVP_Digest(data, len, digest, NULL, st->sha256, NULL))
		return fhash_end(st, -EIO, 0);
	return fhash_end(st, 0, len);
}

int fhash_begin(struct fhash_state *st, uint64_t conn_id, const void *data,
		size_t len, uint64_t *handlep)
{
	struct fhash_sess *s;
	uint64_t handle, gen;
	bool live;
	int ret = -ENOMEM;

	s = calloc(1, sizeof(*s));
	if (!s)
		return fhash_end(st, -ENOMEM, 0);
	s->conn_id = conn_id;
	s->md = EVP_MD_CTX_new();
	if (!s->md)
		goto err;
	ret = -EIO;
	if (!EVP_DigestInit_ex(s->md, st->sha256, NULL) ||
	    !EVP_DigestUpdate(s->md, data, len))
		goto err;
	ret = fhash_sess_add(st, s, &handle, &gen, &live);
	if (ret < 0)
		goto err;
	/* @s is the table's now: only its handle is ours. */
	ret = fhash_sess_check(st, conn_id, gen, handle, live);
	if (ret < 0)
		return fhash_end(st, ret, 0);
	*handlep = handle;
	return fhash_end(st, 0, len);
err:
	fhash_sess_discard(s);
	return fhash_end(st, ret, 0);
}

/* Update, Final (@digest set) and Abort (@abort). */
static int fhash_feed(struct fhash_state *st, uint64_t conn_id,
		      uint64_t handle, const void *data, size_t len,
		      unsigned char *digest, bool abort)
{
	struct fhash_sess *s;
	int ret;

	ret = fhash_sess_get(st, conn_id, handle, &s);
	if (ret < 0)
		return fhash_end(st, ret, 0);
	if (abort)
		len = 0;
	if (!EVP_DigestUpdate(s->md, data, len) ||
	    (digest && !EVP_DigestFinal_ex(s->md, digest, NULL)))
		ret = -EIO;
	fhash_sess_put(st, s, abort || digest || ret < 0);
	return fhash_end(st, ret, ret < 0 ? 0 : len);
}

int fhash_update(struct fhash_state *st, uint64_t conn_id, uint64_t handle,
		 const void *data, size_t len)
{
	return fhash_feed(st, conn_id, handle, data, len, NULL, false);
}

int fhash_final(struct fhash_state *st, uint64_t conn_id, uint64_t handle,
		const void *data, size_t len, unsigned char *digest)
{
	return fhash_feed(st, conn_id, handle, data, len, digest, false);
}

int fhash_abort(struct fhash_state *st, uint64_t conn_id, uint64_t handle)
{
	return fhash_feed(st, conn_id, handle, NULL, 0, NULL, true);
}

void fhash_counts(const struct fhash_state *st, struct fhash_counts *c)
{
	c->calls = atomic_load(&st->stats.calls);
	c->bytes = atomic_load(&st->stats.bytes);
	c->errors = atomic_load(&st->stats.errors);
	c->conns = atomic_load(&st->stats.conns);
	c->sessions = atomic_load(&st->stats.sessions);
	c->tables = atomic_load(&st->stats.tables);
}

static void fhash_conn_event(void *ctx, const struct fastipc_msg_hdr *hdr)
{
	struct fhash_state *st = ctx;

	if (hdr->type == FASTIPC_MSG_CONNECT) {
		atomic_fetch_add(&st->stats.conns, 1);
		return;
	}
	pthread_mutex_lock(&st->lock);
	fhash_conn_drop(st, hdr->conn_id);
	pthread_mutex_unlock(&st->lock);
}

int fhash_watch_conns(struct fastipc_server *srv, struct fhash_state *st)
{
	return fastipc_server_on_conn(srv, fhash_conn_event, st);
}

struct fhash_state *fhash_state_new(fhash_alive_fn alive, void *alive_ctx)
{
	struct fhash_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->alive = alive;
	st->alive_ctx = alive_ctx;
	st->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!st->sha256) {
		free(st);
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	return st;
}

void fhash_state_free(struct fhash_state *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < FHASH_CONN_BUCKETS; i++)
		while (st->conns[i])
			fhash_conn_drop(st, st->conns[i]->id);
	pthread_mutex_destroy(&st->lock);
	EVP_MD_free(st->sha256);
	free(st);
}

