// SPDX-License-Identifier: MIT
/*
 * kv-server: an in-memory key-value store served by a libfastipc thread
 * pool on the channel "example-kv", until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <fastipc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kv.h"

#define KV_SLOTS 16	/* keys stored at most */

struct kv_entry {
	char key[KV_KEY_MAX + 1];	/* "" when free */
	char val[KV_VAL_MAX];
	size_t len;
};

static struct kv_entry kv[KV_SLOTS];
static pthread_mutex_t kv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fastipc_server *srv;

/* Under kv_lock: the entry of @key, else a free one if @create, else NULL. */
static struct kv_entry *kv_find(const char *key, int create)
{
	struct kv_entry *free_entry = NULL;

	for (int i = 0; i < KV_SLOTS; i++) {
		if (kv[i].key[0] == '\0' && !free_entry)
			free_entry = &kv[i];
		else if (strcmp(kv[i].key, key) == 0)
			return &kv[i];
	}
	return create ? free_entry : NULL;
}

/*
 * The client can still write a request while it is read (a large one is
 * read in place): copy it once into @buf, then parse the copy.
 * Return: the key's length, or a negative errno for the client.
 */
static int kv_request(const void *req, size_t req_len, char *buf)
{
	size_t klen;

	if (req_len > KV_REQ_MAX)
		return -EMSGSIZE;
	memcpy(buf, req, req_len);
	buf[req_len] = '\0';
	klen = strlen(buf);
	return klen == 0 || klen > KV_KEY_MAX ? -EINVAL : (int)klen;
}

static int kv_put(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len,
		  void *rep, size_t rep_cap, size_t *rep_len)
{
	char buf[KV_REQ_MAX + 1];
	struct kv_entry *e;
	int klen = kv_request(req, req_len, buf);
	size_t vlen;

	(void)ctx, (void)hdr, (void)rep, (void)rep_cap, (void)rep_len;
	if (klen < 0)
		return klen;
	if ((size_t)klen == req_len)
		return -EINVAL;		/* no NUL, no value */
	vlen = req_len - klen - 1;
	if (vlen > KV_VAL_MAX)
		return -EMSGSIZE;
	pthread_mutex_lock(&kv_lock);
	e = kv_find(buf, 1);
	if (e) {
		strcpy(e->key, buf);
		memcpy(e->val, buf + klen + 1, vlen);
		e->len = vlen;
	}
	pthread_mutex_unlock(&kv_lock);
	return e ? 0 : -ENOSPC;
}

static int kv_get(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len,
		  void *rep, size_t rep_cap, size_t *rep_len)
{
	char buf[KV_REQ_MAX + 1];
	struct kv_entry *e;
	int ret = kv_request(req, req_len, buf);

	(void)ctx, (void)hdr;
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&kv_lock);
	e = kv_find(buf, 0);
	if (!e) {
		ret = -ENOENT;
	} else if (e->len > rep_cap) {
		ret = -EOVERFLOW;
	} else {
		memcpy(rep, e->val, e->len);
		*rep_len = e->len;
		ret = 0;
	}
	pthread_mutex_unlock(&kv_lock);
	return ret;
}

static void kv_on_signal(int sig)
{
	(void)sig;
	fastipc_server_stop(srv);	/* async-signal-safe */
}

int main(void)
{
	struct sigaction sa = { .sa_handler = kv_on_signal };
	struct fastipc_dev *dev;
	int chan, ret;

	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, "kv-server: /dev/fastipc: %s (module not loaded?)\n",
			strerror(-ret));
		return 1;
	}
	ret = chan = fastipc_chan_create(dev, KV_CHANNEL, 0, 0666, NULL);
	if (ret >= 0)
		ret = fastipc_server_create(chan, 2, NULL, &srv);
	if (ret == 0)
		ret = fastipc_server_register(srv, KV_PUT, kv_put, NULL);
	if (ret == 0)
		ret = fastipc_server_register(srv, KV_GET, kv_get, NULL);
	if (ret == 0 && (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)))
		ret = -errno;
	if (ret == 0) {
		printf("kv-server: serving %s\n", KV_CHANNEL);
		fflush(stdout);
		ret = fastipc_server_run(srv);	/* 0 after a signal */
	}
	if (ret < 0)
		fprintf(stderr, "kv-server: %s: %s\n", KV_CHANNEL, strerror(-ret));
	fastipc_server_destroy(srv);
	if (chan >= 0)
		close(chan);
	fastipc_close(dev);
	return ret < 0;
}
