// SPDX-License-Identifier: MIT
/*
 * kv-rpc-server: an in-memory key-value store, the service kv.Kv of
 * kv.proto, served by a libfastipc-rpc thread pool on the channel
 * "example-kv-rpc" until SIGINT or SIGTERM. A key is replaced or deleted
 * only by the user who stored it: the caller's uid is the one the kernel
 * recorded when it sent the call, which no client can forge.
 */
#include <errno.h>
#include <fastipc-rpc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kv.pb-c.h"

#define KV_CHANNEL	"example-kv-rpc"
#define KV_KEY_MAX	256		/* bytes of a key */
#define KV_VALUE_MAX	(4u << 20)	/* bytes of a value */
#define KV_STORE_MAX	(64u << 20)	/* bytes of all keys and values */
#define KV_LIST_MAX	1000		/* keys in one List reply */

struct kv_entry {
	struct kv_entry *next;	/* the next key in strcmp() order */
	char *key;
	ProtobufCBinaryData value;
	uid_t uid;		/* who stored it */
};

static struct kv_entry *kv_head;
static size_t kv_bytes;		/* of all keys and values */
static pthread_mutex_t kv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fastipc_rpc_server *srv;

/* Under kv_lock: the link to @key's entry, or to where it would go. */
static struct kv_entry **kv_link(const char *key)
{
	struct kv_entry **p = &kv_head;

	while (*p && strcmp((*p)->key, key) < 0)
		p = &(*p)->next;
	return p;
}

static int kv_found(struct kv_entry **p, const char *key)
{
	return *p && strcmp((*p)->key, key) == 0;
}

/* Answer the call with status @code and a message; evaluates to @code. */
#define kv_status(ctx, code, ...) \
	(fastipc_rpc_ctx_set_status(ctx, code, __VA_ARGS__), (code))

/* INVALID_ARGUMENT for an empty or too long key, else OK. */
static int kv_check_key(struct fastipc_rpc_ctx *ctx, const char *key)
{
	size_t len = strlen(key);

	if (len >= 1 && len <= KV_KEY_MAX)
		return FASTIPC_RPC_OK;
	return kv_status(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			 "keys have 1 to %d bytes, not %zu", KV_KEY_MAX, len);
}

/* PERMISSION_DENIED unless the caller stored @e, else OK. */
static int kv_check_owner(struct fastipc_rpc_ctx *ctx, const struct kv_entry *e)
{
	uid_t uid = fastipc_rpc_ctx_hdr(ctx)->uid;

	if (uid == e->uid)
		return FASTIPC_RPC_OK;
	return kv_status(ctx, FASTIPC_RPC_PERMISSION_DENIED,
			 "key \"%s\" belongs to uid %u, not to uid %u",
			 e->key, (unsigned int)e->uid, (unsigned int)uid);
}

static void kv_get(Kv__Kv_Service *svc, const Kv__GetRequest *req,
		   Kv__GetReply_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	Kv__GetReply rep = KV__GET_REPLY__INIT;
	int code = kv_check_key(ctx, req->key);
	struct kv_entry **p;

	(void)svc;
	pthread_mutex_lock(&kv_lock);
	p = kv_link(req->key);
	if (code == FASTIPC_RPC_OK && !kv_found(p, req->key))
		code = kv_status(ctx, FASTIPC_RPC_NOT_FOUND, "no key \"%s\"", req->key);
	if (code == FASTIPC_RPC_OK) {
		rep.value = (*p)->value;
		rep.owner_uid = (*p)->uid;
	}
	/* closure() packs the reply: the value must not change meanwhile. */
	closure(code == FASTIPC_RPC_OK ? &rep : NULL, data);
	pthread_mutex_unlock(&kv_lock);
}

/*
 * Under kv_lock: make @value (a copy of @req->value) the value of
 * @req->key, whose link is @p. Return: a status code; OK when @value is
 * stored.
 */
static int kv_store(struct fastipc_rpc_ctx *ctx, struct kv_entry **p,
		    const Kv__PutRequest *req, uint8_t *value, Kv__PutReply *rep)
{
	struct kv_entry *e = kv_found(p, req->key) ? *p : NULL;
	size_t old = e ? e->value.len : 0;
	size_t new = req->value.len + (e ? 0 : strlen(req->key));

	if (e && req->if_absent)
		return kv_status(ctx, FASTIPC_RPC_ALREADY_EXISTS, "key \"%s\" exists", e->key);
	if (e && kv_check_owner(ctx, e) != FASTIPC_RPC_OK)
		return FASTIPC_RPC_PERMISSION_DENIED;
	if (kv_bytes - old + new > KV_STORE_MAX)
		return kv_status(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				 "the store is full (%u bytes)", KV_STORE_MAX);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->key = strdup(req->key))) {
			free(e);
			return kv_status(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED, "out of memory");
		}
		e->uid = fastipc_rpc_ctx_hdr(ctx)->uid;
		e->next = *p;
		*p = e;
	}
	rep->replaced = e->value.data != NULL;	/* NULL only in a new entry */
	free(e->value.data);
	e->value.data = value;
	e->value.len = req->value.len;
	kv_bytes = kv_bytes - old + new;
	return FASTIPC_RPC_OK;
}

static void kv_put(Kv__Kv_Service *svc, const Kv__PutRequest *req,
		   Kv__PutReply_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	Kv__PutReply rep = KV__PUT_REPLY__INIT;
	size_t len = req->value.len;
	int code = kv_check_key(ctx, req->key);
	uint8_t *value = NULL;

	(void)svc;
	if (code == FASTIPC_RPC_OK && len > KV_VALUE_MAX)
		code = kv_status(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
				 "values have up to %u bytes, not %zu", KV_VALUE_MAX, len);
	/* The request is freed when the handler returns: keep a copy. */
	if (code == FASTIPC_RPC_OK && !(value = malloc(len + 1)))
		code = kv_status(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED, "out of memory");
	if (code == FASTIPC_RPC_OK) {
		if (len)
			memcpy(value, req->value.data, len);
		pthread_mutex_lock(&kv_lock);
		code = kv_store(ctx, kv_link(req->key), req, value, &rep);
		pthread_mutex_unlock(&kv_lock);
	}
	if (code != FASTIPC_RPC_OK)
		free(value);
	closure(code == FASTIPC_RPC_OK ? &rep : NULL, data);
}

static void kv_delete(Kv__Kv_Service *svc, const Kv__DeleteRequest *req,
		      Kv__DeleteReply_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	Kv__DeleteReply rep = KV__DELETE_REPLY__INIT;
	int code = kv_check_key(ctx, req->key);
	struct kv_entry **p, *e = NULL;

	(void)svc;
	pthread_mutex_lock(&kv_lock);
	p = kv_link(req->key);
	if (code == FASTIPC_RPC_OK && !kv_found(p, req->key))
		code = kv_status(ctx, FASTIPC_RPC_NOT_FOUND, "no key \"%s\"", req->key);
	if (code == FASTIPC_RPC_OK)
		code = kv_check_owner(ctx, *p);
	if (code == FASTIPC_RPC_OK) {
		e = *p;
		*p = e->next;
		kv_bytes -= strlen(e->key) + e->value.len;
	}
	pthread_mutex_unlock(&kv_lock);
	if (e) {
		free(e->key);
		free(e->value.data);
		free(e);
	}
	closure(code == FASTIPC_RPC_OK ? &rep : NULL, data);
}

static void kv_list(Kv__Kv_Service *svc, const Kv__ListRequest *req,
		    Kv__ListReply_Closure closure, void *data)
{
	Kv__ListReply rep = KV__LIST_REPLY__INIT;
	size_t len = strlen(req->prefix);
	size_t limit = req->limit && req->limit < KV_LIST_MAX ? req->limit : KV_LIST_MAX;
	char *keys[KV_LIST_MAX];
	struct kv_entry *e;

	(void)svc;
	pthread_mutex_lock(&kv_lock);
	/* The keys with the prefix follow each other, from where it would go. */
	for (e = *kv_link(req->prefix); e && strncmp(e->key, req->prefix, len) == 0;
	     e = e->next) {
		if (rep.n_keys == limit) {
			rep.truncated = 1;
			break;
		}
		keys[rep.n_keys++] = e->key;
	}
	rep.keys = keys;
	closure(&rep, data);
	pthread_mutex_unlock(&kv_lock);
}

static Kv__Kv_Service kv_service = KV__KV__INIT(kv_);

static void kv_on_signal(int sig)
{
	(void)sig;
	fastipc_rpc_server_stop(srv);	/* async-signal-safe */
}

int main(void)
{
	/* The largest request: a value of KV_VALUE_MAX bytes, its key and tags. */
	struct fastipc_rpc_server_opts opts = { .max_message = KV_VALUE_MAX + 4096 };
	struct sigaction sa = { .sa_handler = kv_on_signal };
	struct fastipc_dev *dev;
	int chan, ret;

	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, "kv-rpc-server: /dev/fastipc: %s (module not loaded?)\n",
			strerror(-ret));
		return 1;
	}
	ret = chan = fastipc_chan_create(dev, KV_CHANNEL, 0, 0666, NULL);
	if (ret >= 0)
		ret = fastipc_rpc_server_create(chan, 2, &opts, &srv);
	if (ret == 0)
		ret = fastipc_rpc_server_add(srv, &kv_service.base);
	if (ret == 0 && (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)))
		ret = -errno;
	if (ret == 0) {
		printf("kv-rpc-server: serving %s\n", KV_CHANNEL);
		fflush(stdout);
		ret = fastipc_rpc_server_run(srv);	/* 0 after a signal */
	}
	if (ret < 0)
		fprintf(stderr, "kv-rpc-server: %s: %s\n", KV_CHANNEL, strerror(-ret));
	fastipc_rpc_server_destroy(srv);
	if (chan >= 0)
		close(chan);
	fastipc_close(dev);
	return ret < 0;
}
