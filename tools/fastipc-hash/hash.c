// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-hash: print SHA-256 digests of files, computed by fastipc-hashd,
 * in sha256sum(1) format.
 *
 *   fastipc-hash [--stats] [-n NAME] [-r REGION] [FILE...]
 *                                           (no FILE or "-": stdin)
 *
 * A file that fits in one chunk is one DIGEST call; a longer one is a
 * BEGIN/UPDATE.../FINAL session of chunks. The client asks for a shared
 * memory region (default 8 MiB, -r 0 for none): chunks are then up to
 * FHASH_SHM_CHUNK bytes and fastipc_call() passes those above the
 * library's threshold through the region, by itself. Without a region, a
 * chunk is the channel's msg_max (learnt with FASTIPC_IOC_CHAN_STAT)
 * minus the 8-byte handle.
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

#include "proto.h"

#define PROG	"fastipc-hash"
#define FHASH_REGION_DEFAULT	(8U << 20)
#define FHASH_SHM_CHUNK		(1U << 20)

struct client {
	struct fastipc_conn *conn;
	unsigned char *buf;	/* FHASH_HANDLE_LEN + chunk bytes */
	size_t chunk;
	uint64_t files, bytes, calls, errors;
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

static int hash_call(struct client *cl, uint32_t op, const void *req,
		     size_t len, void *rep, size_t rep_need)
{
	size_t rep_len = 0;
	int ret;

	cl->calls++;
	ret = fastipc_call(cl->conn, op, req, len, rep, rep_need, &rep_len,
			   FASTIPC_TIMEOUT_INF);
	if (ret == 0 && rep_len != rep_need)
		ret = -EPROTO;
	return ret;
}

/* A stream longer than one chunk; the first chunk is already in the buffer. */
static int hash_session(struct client *cl, int fd, size_t first,
			unsigned char *digest, const char **what)
{
	unsigned char *data = cl->buf + FHASH_HANDLE_LEN;
	uint64_t handle;
	ssize_t n;
	int ret;

	*what = "BEGIN";
	ret = hash_call(cl, FHASH_OP_BEGIN, data, first, &handle,
			FHASH_HANDLE_LEN);
	if (ret < 0)
		return ret;
	for (;;) {
		n = read_full(fd, data, cl->chunk);
		if (n < 0) {
			*what = "read";
			fastipc_send(cl->conn, FHASH_OP_ABORT, &handle,
				     FHASH_HANDLE_LEN, FASTIPC_TIMEOUT_INF);
			return (int)n;
		}
		cl->bytes += n;
		memcpy(cl->buf, &handle, FHASH_HANDLE_LEN);
		if ((size_t)n < cl->chunk)
			break;
		*what = "UPDATE";
		ret = hash_call(cl, FHASH_OP_UPDATE, cl->buf,
				FHASH_HANDLE_LEN + n, NULL, 0);
		if (ret < 0)
			return ret;
	}
	*what = "FINAL";
	return hash_call(cl, FHASH_OP_FINAL, cl->buf, FHASH_HANDLE_LEN + n,
			 digest, FHASH_DIGEST_LEN);
}

static int hash_fd(struct client *cl, int fd, unsigned char *digest,
		   const char **what)
{
	unsigned char *data = cl->buf + FHASH_HANDLE_LEN;
	ssize_t n;

	*what = "read";
	n = read_full(fd, data, cl->chunk);
	if (n < 0)
		return (int)n;
	cl->bytes += n;
	if ((size_t)n == cl->chunk)
		return hash_session(cl, fd, n, digest, what);
	*what = "DIGEST";
	return hash_call(cl, FHASH_OP_DIGEST, data, n, digest,
			 FHASH_DIGEST_LEN);
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

static bool fatal_error(int err)
{
	return err == -ECONNRESET || err == -EIDRM || err == -EPIPE;
}

/* Return 0, a file error (reported, go on) or a fatal one (stop). */
static int hash_path(struct client *cl, const char *path)
{
	unsigned char digest[FHASH_DIGEST_LEN];
	const char *what = "open";
	bool std = !strcmp(path, "-");
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
	if (!strcmp(what, "open") || !strcmp(what, "read"))
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-ret));
	else
		fprintf(stderr, PROG ": %s: %s call failed: %s\n", path, what,
			fastipc_strerror(ret));
	return ret;
}

/* Connect, with a region of @region bytes if the kernel has them. */
static int client_connect(struct client *cl, struct fastipc_dev *dev,
			  const char *name, uint64_t region)
{
	struct fastipc_conn_opts o = { .region_size = region };
	int ret;

	ret = fastipc_connect_opts(dev, name, 0, &o, &cl->conn);
	if (ret == -EOPNOTSUPP && region) {
		fprintf(stderr, PROG ": no shared memory in this kernel:"
			" copying\n");
		ret = fastipc_connect(dev, name, &cl->conn);
	} else if (ret < 0 && region && ret != -ENOENT && ret != -EACCES) {
		fprintf(stderr, PROG ": connect with a %ju-byte shared memory"
			" region (-r): %s\n", (uintmax_t)region,
			fastipc_strerror(ret));
	}
	return ret;
}

/*
 * Chunk size: with a region, FHASH_SHM_CHUNK (or less if one record
 * cannot take it), else the channel's msg_max (or the kernel default)
 * minus 8.
 */
static int client_init(struct client *cl, struct fastipc_dev *dev,
		       const char *name, uint64_t region)
{
	struct fastipc_chan_stat st;
	size_t msg_max, shm_max;
	int ret;

	ret = fastipc_chan_stat(dev, name, 0, &st);
	if (ret == 0)
		msg_max = st.msg_max;
	else if (ret == -EACCES)
		msg_max = fastipc_dev_api(dev)->msg_max_default;
	else
		goto err;
	ret = -EINVAL;
	if (msg_max <= FHASH_HANDLE_LEN)
		goto err;
	ret = client_connect(cl, dev, name, region);
	if (ret < 0)
		goto err;
	shm_max = fastipc_conn_shm_max(cl->conn);
	if (shm_max > FHASH_SHM_CHUNK)
		shm_max = FHASH_SHM_CHUNK;
	if (shm_max > msg_max)
		msg_max = shm_max;
	cl->chunk = msg_max - FHASH_HANDLE_LEN;
	cl->buf = malloc(msg_max);
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
		"  --stats   print files, bytes, calls, and the bytes passed"
		" by copy and by\n"
		"            shared memory to stderr\n"
		"  -n NAME   channel name (default " FHASH_CHANNEL ")\n"
		"  -r BYTES  shared memory region size (default 8 MiB,"
		" 0: none)\n");
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
	uint64_t region = FHASH_REGION_DEFAULT;
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
			region = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end) {
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
	ret = client_init(&cl, dev, name, region);
	for (; ret == 0 && *files; files++)
		if (fatal_error(hash_path(&cl, *files)))
			ret = -1;
	if (cl.conn)
		fastipc_conn_stats(cl.conn, &cs);
	if (stats)
		fprintf(stderr, PROG ": files %ju, bytes %ju, calls %ju,"
			" errors %ju, by copy %ju bytes, by shared memory %ju"
			" bytes\n", (uintmax_t)cl.files,
			(uintmax_t)cl.bytes, (uintmax_t)cl.calls,
			(uintmax_t)cl.errors, (uintmax_t)cs.bytes_copy,
			(uintmax_t)cs.bytes_shm);
	fastipc_disconnect(cl.conn);
	fastipc_close(dev);
	free(cl.buf);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
		return 1;
	}
	return ret || cl.errors ? 1 : 0;
}
