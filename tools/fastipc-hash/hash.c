// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-hash: print SHA-256 digests of files, computed by fastipc-hashd,
 * in sha256sum(1) format; a client of the fastipc.hash.Hash service
 * (hash.proto) through libfastipc-rpc.
 *
 *   fastipc-hash [--stats] [-n NAME] [-r BYTES] [FILE...]
 *                                           (no FILE or "-": stdin)
 *
 * A file that fits in one chunk is one Digest call; a longer one is a
 * Begin/Update.../Final session of chunks. Chunks are FHASH_SHM_CHUNK
 * bytes (-r BYTES: another size, 0: none through shared memory): the
 * client binds with max_message above the chunk, and libfastipc-rpc
 * passes a message larger than the channel's msg_max through the
 * connection's shared memory region, by itself. With -r 0, or a chunk
 * that fits, a chunk is the channel's msg_max (learnt with
 * FASTIPC_IOC_CHAN_STAT) minus FHASH_MSG_OVERHEAD, all by copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

#include "fhash.h"
#include "hash.pb-c.h"

#define PROG	"fastipc-hash"
#define FHASH_SHM_CHUNK		(1U << 20)
#define FHASH_SHM_CHUNK_MAX	(16U << 20)	/* -r: the server takes 64 MiB */
/*
 * Bytes a message adds to its chunk: the RPC request header (16), the
 * handle's field (11) and the data field's tag and length (6), rounded up.
 */
#define FHASH_MSG_OVERHEAD	64
/* Of which the RPC request header: a chunk of msg_max - 64 bytes goes by copy. */
#define FHASH_RPC_HDR		sizeof(struct fastipc_rpc_req_hdr)

struct client {
	struct fastipc_rpc_client *rpc;
	unsigned char *buf;	/* one chunk */
	size_t chunk;
	uint64_t files, bytes, calls, errors;
	struct fastipc_rpc_status st;	/* of the last call that failed */
};

/* Read until @len bytes or end of file. Return the count or -errno. */
static ssize_t read_full(int fd, unsigned char *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* Call @method; return its status code (cl->st says why when not OK). */
static int hash_call(struct client *cl, const char *method,
		     const ProtobufCMessage *req, ProtobufCMessage **rep)
{
	cl->calls++;
	return fastipc_rpc_call(cl->rpc, method, req,
				rep, FASTIPC_RPC_DEADLINE_BIND, &cl->st);
}

/* Copy a Digest or Final reply's digest out and free the reply. */
static int take_digest(struct client *cl, int code, ProtobufCMessage *msg,
		       unsigned char *digest)
{
	Fastipc__Hash__DigestReply *rep = (Fastipc__Hash__DigestReply *)msg;

	if (code != FASTIPC_RPC_OK)
		return code;
	if (rep->digest.len == FHASH_DIGEST_LEN) {
		memcpy(digest, rep->digest.data, FHASH_DIGEST_LEN);
	} else {
		code = FASTIPC_RPC_INTERNAL;
		cl->st.code = code;
		cl->st.err = 0;
		snprintf(cl->st.message, sizeof(cl->st.message),
			 "a digest of %zu bytes", rep->digest.len);
	}
	fastipc_rpc_free(msg);
	return code;
}

static void hash_abort(struct client *cl, uint64_t handle)
{
	Fastipc__Hash__AbortRequest req = FASTIPC__HASH__ABORT_REQUEST__INIT;
	struct fastipc_rpc_status st;
	ProtobufCMessage *rep = NULL;

	req.handle = handle;
	cl->calls++;
	if (fastipc_rpc_call(cl->rpc, "Abort", &req.base, &rep,
			     FASTIPC_RPC_DEADLINE_BIND, &st) == FASTIPC_RPC_OK)
		fastipc_rpc_free(rep);
}

/*
 * A stream longer than one chunk; the first chunk is already in the buffer.
 * Return 0, a status code (@what: the method), or -errno (@what: "read").
 */
static int hash_session(struct client *cl, int fd, size_t first,
			unsigned char *digest, const char **what)
{
	Fastipc__Hash__BeginRequest breq = FASTIPC__HASH__BEGIN_REQUEST__INIT;
	Fastipc__Hash__UpdateRequest ureq = FASTIPC__HASH__UPDATE_REQUEST__INIT;
	Fastipc__Hash__FinalRequest freq = FASTIPC__HASH__FINAL_REQUEST__INIT;
	ProtobufCMessage *rep;
	uint64_t handle;
	ssize_t n;
	int ret;

	*what = "Begin";
	breq.data.data = cl->buf;
	breq.data.len = first;
	ret = hash_call(cl, "Begin", &breq.base, &rep);
	if (ret)
		return ret;
	handle = ((Fastipc__Hash__BeginReply *)rep)->handle;
	fastipc_rpc_free(rep);
	ureq.handle = handle;
	ureq.data.data = cl->buf;
	for (;;) {
		n = read_full(fd, cl->buf, cl->chunk);
		if (n < 0) {
			*what = "read";
			hash_abort(cl, handle);
			return (int)n;
		}
		cl->bytes += n;
		if ((size_t)n < cl->chunk)
			break;
		*what = "Update";
		ureq.data.len = n;
		ret = hash_call(cl, "Update", &ureq.base, &rep);
		if (ret) {	/* the server keeps the session: drop it */
			hash_abort(cl, handle);
			return ret;
		}
		fastipc_rpc_free(rep);
	}
	*what = "Final";
	freq.handle = handle;
	freq.data.data = cl->buf;
	freq.data.len = n;
	ret = hash_call(cl, "Final", &freq.base, &rep);
	if (ret && ret != FASTIPC_RPC_NOT_FOUND)
		hash_abort(cl, handle);
	return take_digest(cl, ret, rep, digest);
}

static int hash_fd(struct client *cl, int fd, unsigned char *digest,
		   const char **what)
{
	Fastipc__Hash__DigestRequest req = FASTIPC__HASH__DIGEST_REQUEST__INIT;
	ProtobufCMessage *rep = NULL;
	ssize_t n;
	int ret;

	*what = "read";
	n = read_full(fd, cl->buf, cl->chunk);
	if (n < 0)
		return (int)n;
	cl->bytes += n;
	if ((size_t)n == cl->chunk)
		return hash_session(cl, fd, n, digest, what);
	*what = "Digest";
	req.data.data = cl->buf;
	req.data.len = n;
	ret = hash_call(cl, "Digest", &req.base, &rep);
	return take_digest(cl, ret, rep, digest);
}

/* sha256sum's format, escaping of '\\' and '\n' in names included. */
static void print_line(const unsigned char *digest, const char *path)
{
	bool esc = strpbrk(path, "\\\n") != NULL;
	const char *p;
	int i;

	if (esc)
		putchar('\\');
	for (i = 0; i < FHASH_DIGEST_LEN; i++)
		printf("%02x", digest[i]);
	fputs("  ", stdout);
	for (p = path; *p; p++) {
		if (esc && *p == '\\')
			fputs("\\\\", stdout);
		else if (esc && *p == '\n')
			fputs("\\n", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

/* The server is gone: stop. */
static bool fatal_error(const struct client *cl, int ret)
{
	return ret == FASTIPC_RPC_UNAVAILABLE && cl->st.code == ret;
}

/*
 * Return 0, an errno (negative) or a status code (positive): a file error
 * (reported, go on) or a fatal one (stop, fatal_error()).
 */
static int hash_path(struct client *cl, const char *path)
{
	unsigned char digest[FHASH_DIGEST_LEN];
	const char *what = "open";
	bool std = !strcmp(path, "-");
	char buf[FASTIPC_RPC_MSG_MAX + 128];
	int fd, ret;

	fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	ret = fd < 0 ? -errno : hash_fd(cl, fd, digest, &what);
	if (fd >= 0 && !std)
		close(fd);
	if (ret == 0) {
		print_line(digest, path);
		cl->files++;
		return 0;
	}
	cl->errors++;
	if (ret < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-ret));
	else
		fprintf(stderr, PROG ": %s: %s call failed: %s\n", path, what,
			fastipc_rpc_strerror(&cl->st, buf, sizeof(buf)));
	return ret;
}

/* Bind with @max_message, or (no shared memory here) by copy only. */
static int client_bind(struct client *cl, struct fastipc_dev *dev,
		       const char *name, uint64_t max_message,
		       uint64_t msg_max)
{
	struct fastipc_rpc_bind_opts o = { .max_message = max_message };
	char buf[FASTIPC_RPC_MSG_MAX + 128];
	int ret;

	ret = fastipc_rpc_bind(dev, name, &fastipc__hash__hash__descriptor,
			       &o, &cl->rpc, &cl->st);
	if (ret != FASTIPC_RPC_OK && cl->st.err == EOPNOTSUPP &&
	    max_message > msg_max) {
		fprintf(stderr, PROG ": no shared memory in this kernel:"
			" copying\n");
		o.max_message = msg_max - FHASH_RPC_HDR;
		cl->chunk = msg_max - FHASH_MSG_OVERHEAD;
		ret = fastipc_rpc_bind(dev, name,
				       &fastipc__hash__hash__descriptor, &o,
				       &cl->rpc, &cl->st);
	}
	if (ret != FASTIPC_RPC_OK)
		fprintf(stderr, PROG ": channel '%s': %s%s\n", name,
			fastipc_rpc_strerror(&cl->st, buf, sizeof(buf)),
			cl->st.err == ENOENT ? " (is fastipc-hashd running?)"
			: "");
	return ret;
}

/*
 * Chunk size: @shm_chunk (FHASH_SHM_CHUNK by default) if larger than what
 * one copy takes, the channel's msg_max (or the kernel default) minus
 * FHASH_MSG_OVERHEAD otherwise.
 */
static int client_init(struct client *cl, struct fastipc_dev *dev,
		       const char *name, uint64_t shm_chunk)
{
	struct fastipc_chan_stat st;
	size_t msg_max;
	int ret;

	ret = fastipc_chan_stat(dev, name, 0, &st);
	if (ret == 0)
		msg_max = st.msg_max;
	else if (ret == -EACCES)
		msg_max = fastipc_dev_api(dev)->msg_max_default;
	else
		goto err;
	ret = -EINVAL;
	if (msg_max <= 2 * FHASH_MSG_OVERHEAD)
		goto err;
	cl->chunk = msg_max - FHASH_MSG_OVERHEAD;
	if (shm_chunk > cl->chunk)
		cl->chunk = shm_chunk;
	if (client_bind(cl, dev, name,
			cl->chunk + FHASH_MSG_OVERHEAD - FHASH_RPC_HDR,
			msg_max) != FASTIPC_RPC_OK)
		return -1;
	cl->calls++;	/* the bind's describe call */
	cl->buf = malloc(cl->chunk);
	if (cl->buf)
		return 0;
	ret = -ENOMEM;
err:
	fprintf(stderr, PROG ": channel '%s': %s%s\n", name, strerror(-ret),
		ret == -ENOENT ? " (is fastipc-hashd running?)" : "");
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--stats] [-n NAME] [-r BYTES] [FILE...]\n"
		"  --stats   print files, bytes, calls (the bind's describe"
		" call included),\n"
		"            and the bytes passed by copy and by shared memory"
		" to stderr\n"
		"  -n NAME   channel name (default " FHASH_CHANNEL ")\n"
		"  -r BYTES  chunk size through shared memory (default 1 MiB,"
		" at most 16 MiB;\n"
		"            0: none, chunks of the channel's msg_max by copy)\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char dash[] = "-";
	char *stdin_only[] = { dash, NULL };
	const char *name = FHASH_CHANNEL;
	uint64_t shm_chunk = FHASH_SHM_CHUNK;
	struct fastipc_conn_stats cs = { 0 };
	struct client cl = { 0 };
	char *end;
	struct fastipc_dev *dev;
	bool stats = false;
	char **files;
	int c, ret;

	while ((c = getopt_long(argc, argv, "hn:r:", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			stats = true;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			errno = 0;
			shm_chunk = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end ||
			    shm_chunk > FHASH_SHM_CHUNK_MAX) {
				fprintf(stderr, PROG ": -r: bad size '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	files = optind < argc ? argv + optind : stdin_only;
	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, PROG ": open /dev/" FASTIPC_DEVICE_NAME ": %s%s\n",
			strerror(-ret),
			ret == -ENOENT ? " (is fastipc.ko loaded?)" : "");
		return 1;
	}
	ret = client_init(&cl, dev, name, shm_chunk);
	for (; ret == 0 && *files; files++)
		if (fatal_error(&cl, hash_path(&cl, *files)))
			ret = -1;
	if (cl.rpc)
		fastipc_conn_stats(fastipc_rpc_client_conn(cl.rpc), &cs);
	if (stats)
		fprintf(stderr, PROG ": files %ju, bytes %ju, calls %ju,"
			" errors %ju, by copy %ju bytes, by shared memory %ju"
			" bytes\n", (uintmax_t)cl.files,
			(uintmax_t)cl.bytes, (uintmax_t)cl.calls,
			(uintmax_t)cl.errors, (uintmax_t)cs.bytes_copy,
			(uintmax_t)cs.bytes_shm);
	fastipc_rpc_unbind(cl.rpc);
	fastipc_close(dev);
	free(cl.buf);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
		return 1;
	}
	return ret || cl.errors ? 1 : 0;
}
