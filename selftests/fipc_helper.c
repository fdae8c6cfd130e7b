// SPDX-License-Identifier: GPL-2.0
/*
 * fipc_helper: the channel-side half of tools_test.sh, over libfastipc.
 *
 *   fipc_helper serve NAME [-k KEY] [-m MODE] [-H]
 *	Create NAME and answer every call with its own payload until SIGTERM
 *	or until the channel is removed. Prints "ready" once created. With
 *	-H, hold the channel without ever receiving (calls time out).
 *   fipc_helper call NAME COUNT [-s SIZE] [-o ONEWAY] [-f FAILS] [-t HOLD]
 *	[-r REGION]
 *	Connect (with a shared-memory region of REGION bytes if given),
 *	make COUNT calls of SIZE bytes (default 64), send ONEWAY
 *	one-way messages, make FAILS calls with a zero timeout (each ends
 *	ETIMEDOUT), print "calls C oneway O failed F conn ID pid PID", then
 *	keep the connection open HOLD seconds (default 0).
 *   fipc_helper many PREFIX COUNT [UID]
 *	Create channels PREFIX-0 .. PREFIX-(COUNT-1), print "ready" and
 *	hold them until SIGTERM. With UID (as root), PREFIX-i is created
 *	with effective uid UID+i: COUNT users hold one channel each.
 *   fipc_helper hashrace NAME ROUNDS SIZE
 *	Against fastipc-hashd serving NAME (the fastipc.hash.Hash service of
 *	tools/fastipc-hash/hash.proto, through libfastipc-rpc): ROUNDS
 *	times, a child binds (SIZE bytes go through shared memory), calls
 *	Begin with SIZE bytes and dies a moment later, mid-call; then call
 *	Stats until the daemon holds no session and no session table (30 s
 *	at most) and print "rounds R sessions S tables T calls C"; exit 1 if
 *	they did not both reach 0.
 *   fipc_helper hashcodes NAME
 *	Against fastipc-hashd serving NAME, on one connection: Update of a
 *	handle never given, 17 Begins ("abc"), Final of the first with
 *	"def", Abort of the second and an Update of it, an Update of the
 *	finished first; print "unknown CODE begun N 17th CODE final CODE
 *	digest HEX abort CODE aborted CODE finished CODE" (gRPC code names).
 *
 * Exit status: 0, or 1 with a message naming what failed.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

#include "hash.pb-c.h"	/* tools/fastipc-hash/hash.proto, by protoc-c */

#define PROG	"fipc_helper"
#define OP_ECHO	1

static struct fastipc_server *g_srv;

static int die(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(-err));
	return 1;
}

static int echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		const void *req, size_t req_len, void *rep, size_t rep_cap,
		size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	if (req_len > rep_cap)
		return -ENOBUFS;
	memcpy(rep, req, req_len);
	*rep_len = req_len;
	return 0;
}

static void on_term(int sig)
{
	(void)sig;
	if (g_srv)
		fastipc_server_stop(g_srv);
}

static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, PROG ": bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static int serve_loop(int chan)
{
	int ret;

	ret = fastipc_server_create(chan, 1, NULL, &g_srv);
	if (ret < 0)
		return die("fastipc_server_create", ret);
	ret = fastipc_server_register(g_srv, OP_ECHO, echo, NULL);
	if (ret < 0)
		return die("fastipc_server_register", ret);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("ready\n");
	fflush(stdout);
	ret = fastipc_server_run(g_srv);
	fastipc_server_destroy(g_srv);
	g_srv = NULL;
	if (ret < 0 && ret != -EIDRM)
		return die("fastipc_server_run", ret);
	return 0;
}

static volatile sig_atomic_t g_stop;

static void on_term_hold(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int hold_loop(void)
{
	signal(SIGTERM, on_term_hold);
	signal(SIGINT, on_term_hold);
	printf("ready\n");
	fflush(stdout);
	while (!g_stop)
		pause();
	return 0;
}

static int serve(int argc, char **argv)
{
	unsigned long key = 0, mode = 0666;
	struct fastipc_dev *dev;
	int c, chan, ret, hold = 0;

	while ((c = getopt(argc, argv, "k:m:H")) != -1) {
		if (c == 'k')
			key = num(optarg, "key");
		else if (c == 'm')
			mode = strtoul(optarg, NULL, 8);
		else if (c == 'H')
			hold = 1;
		else
			return 2;
	}
	if (optind != argc - 1)
		return 2;
	ret = fastipc_open(&dev);
	if (ret < 0)
		return die("fastipc_open", ret);
	chan = fastipc_chan_create(dev, argv[optind], key, mode, NULL);
	if (chan < 0)
		return die("fastipc_chan_create", chan);
	ret = hold ? hold_loop() : serve_loop(chan);
	close(chan);
	fastipc_close(dev);
	return ret;
}

struct call_opts {
	unsigned long count, size, oneway, fails, hold, region;
};

static int do_calls(struct fastipc_conn *conn, const struct call_opts *o)
{
	char *buf = calloc(1, o->size + 1), *rep = calloc(1, o->size + 1);
	unsigned long i;
	size_t len;
	int ret = 0;

	if (!buf || !rep)
		ret = -ENOMEM;
	for (i = 0; ret == 0 && i < o->count; i++) {
		ret = fastipc_call(conn, OP_ECHO, buf, o->size, rep, o->size,
				   &len, 10000000000ULL);
		if (ret == 0 && len != o->size) {
			fprintf(stderr, PROG ": reply of %zu bytes, not %lu\n",
				len, o->size);
			ret = -EPROTO;
		}
	}
	for (i = 0; ret == 0 && i < o->oneway; i++)
		ret = fastipc_send(conn, OP_ECHO, buf, o->size, FASTIPC_TIMEOUT_INF);
	for (i = 0; ret == 0 && i < o->fails; i++) {
		ret = fastipc_call(conn, OP_ECHO, buf, o->size, rep, o->size,
				   &len, 0);
		if (ret != -ETIMEDOUT) {
			fprintf(stderr, PROG ": call with a zero timeout returned %d (%s), not -ETIMEDOUT\n",
				ret, ret < 0 ? strerror(-ret) : "completed");
			ret = -EPROTO;
		} else {
			ret = 0;
		}
	}
	free(buf);
	free(rep);
	return ret;
}

static int call_connect(struct fastipc_dev *dev, const char *name,
			unsigned long region, struct fastipc_conn **conn)
{
	struct fastipc_conn_opts co = { .region_size = region };

	if (!region)
		return fastipc_connect(dev, name, conn);
	return fastipc_connect_opts(dev, name, 0, &co, conn);
}

static int call(int argc, char **argv)
{
	struct call_opts o = { .size = 64 };
	struct fastipc_dev *dev;
	struct fastipc_conn *conn;
	int c, ret;

	while ((c = getopt(argc, argv, "s:o:f:t:r:")) != -1) {
		if (c == 's')
			o.size = num(optarg, "size");
		else if (c == 'o')
			o.oneway = num(optarg, "oneway");
		else if (c == 'f')
			o.fails = num(optarg, "fails");
		else if (c == 't')
			o.hold = num(optarg, "hold");
		else if (c == 'r')
			o.region = num(optarg, "region");
		else
			return 2;
	}
	if (optind != argc - 2)
		return 2;
	o.count = num(argv[optind + 1], "count");
	ret = fastipc_open(&dev);
	if (ret < 0)
		return die("fastipc_open", ret);
	ret = call_connect(dev, argv[optind], o.region, &conn);
	if (ret < 0)
		return die("fastipc_connect", ret);
	ret = do_calls(conn, &o);
	if (ret < 0)
		return die("call", ret);
	printf("calls %lu oneway %lu failed %lu conn %llu pid %d\n", o.count,
	       o.oneway, o.fails, (unsigned long long)fastipc_conn_id(conn),
	       (int)getpid());
	fflush(stdout);
	sleep((unsigned int)o.hold);
	fastipc_disconnect(conn);
	fastipc_close(dev);
	return 0;
}

/*
 * many PREFIX COUNT [UID]: COUNT channels PREFIX-0.., held until SIGTERM;
 * with UID, PREFIX-i is created as effective uid UID+i.
 */
static int many(int argc, char **argv)
{
	char name[FASTIPC_NAME_MAX];
	struct fastipc_dev *dev;
	unsigned long i, count, uid = 0;
	int ret;

	if (argc != 3 && argc != 4)
		return 2;
	count = num(argv[2], "count");
	if (argc == 4)
		uid = num(argv[3], "uid");
	ret = fastipc_open(&dev);
	if (ret < 0)
		return die("fastipc_open", ret);
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s-%lu", argv[1], i);
		if (argc == 4 && seteuid((uid_t)(uid + i)))
			return die("seteuid", -errno);
		ret = fastipc_chan_create(dev, name, 0, 0644, NULL);
		if (argc == 4 && seteuid(0))
			return die("seteuid back to 0", -errno);
		if (ret < 0)
			return die("fastipc_chan_create", ret);
	}
	return hold_loop();
}

struct begin_arg {
	struct fastipc_rpc_client *cl;
	size_t size;
	volatile int started;
};

static void *begin_fn(void *p)
{
	Fastipc__Hash__BeginRequest req = FASTIPC__HASH__BEGIN_REQUEST__INIT;
	struct begin_arg *a = p;
	ProtobufCMessage *rep = NULL;

	req.data.data = calloc(1, a->size);
	req.data.len = a->size;
	a->started = 1;
	if (req.data.data)
		fastipc_rpc_call(a->cl, "Begin", &req.base, &rep,
				 FASTIPC_TIMEOUT_INF, NULL);
	return NULL;
}

/* A client that calls Begin and dies @delay_us later, mid-call. */
static void begin_and_die(const char *name, size_t size, unsigned int delay_us)
{
	struct fastipc_rpc_bind_opts bo = { .max_message = size + 64 };
	struct begin_arg a = { .size = size };
	struct fastipc_dev *dev;
	pthread_t t;

	if (fastipc_open(&dev) < 0 ||
	    fastipc_rpc_bind(dev, name, &fastipc__hash__hash__descriptor, &bo,
			     &a.cl, NULL) != FASTIPC_RPC_OK ||
	    pthread_create(&t, NULL, begin_fn, &a))
		_exit(1);
	while (!a.started)
		sched_yield();
	usleep(delay_us);
	_exit(0);
}

/* The daemon's Stats, on a connection of its own. Return a status code. */
static int hash_stats(struct fastipc_dev *dev, const char *name,
		      Fastipc__Hash__StatsReply *w)
{
	Fastipc__Hash__StatsRequest req = FASTIPC__HASH__STATS_REQUEST__INIT;
	struct fastipc_rpc_bind_opts bo = { .deadline_ns = 10000000000ULL };
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	ProtobufCMessage *rep = NULL;
	char buf[FASTIPC_RPC_MSG_MAX + 128];
	int ret;

	ret = fastipc_rpc_bind(dev, name, &fastipc__hash__hash__descriptor,
			       &bo, &cl, &st);
	if (ret == FASTIPC_RPC_OK) {
		ret = fastipc_rpc_call(cl, "Stats", &req.base, &rep,
				       FASTIPC_RPC_DEADLINE_BIND, &st);
		fastipc_rpc_unbind(cl);
	}
	if (ret != FASTIPC_RPC_OK) {
		fprintf(stderr, PROG ": Stats: %s\n",
			fastipc_rpc_strerror(&st, buf, sizeof(buf)));
		return ret;
	}
	*w = *(Fastipc__Hash__StatsReply *)rep;
	fastipc_rpc_free(rep);
	return 0;
}

static int hashrace(int argc, char **argv)
{
	static const unsigned int delays_us[] = { 0, 100, 500, 2000, 5000 };
	Fastipc__Hash__StatsReply w = FASTIPC__HASH__STATS_REPLY__INIT;
	struct fastipc_dev *dev;
	unsigned long i, rounds, size;
	int ret, tries;
	pid_t pid;

	if (argc != 4)
		return 2;
	rounds = num(argv[2], "rounds");
	size = num(argv[3], "size");
	for (i = 0; i < rounds; i++) {
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return die("fork", -errno);
		if (!pid)
			begin_and_die(argv[1], size, delays_us[i % 5]);
		if (waitpid(pid, &ret, 0) != pid || !WIFEXITED(ret) ||
		    WEXITSTATUS(ret))
			return die("a client failed to connect", -EPROTO);
	}
	ret = fastipc_open(&dev);
	if (ret < 0)
		return die("fastipc_open", ret);
	/* The DISCONNECTs are queued; other pool threads may still run. */
	for (tries = 0; tries < 300; tries++) {
		if (hash_stats(dev, argv[1], &w))
			return 1;
		if (!w.sessions && !w.tables)
			break;
		usleep(100000);
	}
	printf("rounds %lu sessions %ju tables %ju calls %ju\n", rounds,
	       (uintmax_t)w.sessions, (uintmax_t)w.tables, (uintmax_t)w.calls);
	fastipc_close(dev);
	return w.sessions || w.tables;
}

/* One call with the bind's deadline; the reply in *@repp or freed. */
static int hcall(struct fastipc_rpc_client *cl, const char *method,
		 const ProtobufCMessage *req, ProtobufCMessage **repp)
{
	ProtobufCMessage *rep = NULL;
	int code;

	code = fastipc_rpc_call(cl, method, req, &rep,
				FASTIPC_RPC_DEADLINE_BIND, NULL);
	if (repp)
		*repp = rep;
	else if (rep)
		fastipc_rpc_free(rep);
	return code;
}

static int hupdate(struct fastipc_rpc_client *cl, uint64_t handle)
{
	Fastipc__Hash__UpdateRequest u = FASTIPC__HASH__UPDATE_REQUEST__INIT;

	u.handle = handle;
	return hcall(cl, "Update", &u.base, NULL);
}

/* Final of @handle with "def"; its digest in hex into @hex (65 bytes). */
static int hfinal(struct fastipc_rpc_client *cl, uint64_t handle, char *hex)
{
	Fastipc__Hash__FinalRequest f = FASTIPC__HASH__FINAL_REQUEST__INIT;
	Fastipc__Hash__DigestReply *d;
	ProtobufCMessage *rep;
	size_t i;
	int code;

	f.handle = handle;
	f.data.data = (uint8_t *)"def";
	f.data.len = 3;
	strcpy(hex, "-");
	code = hcall(cl, "Final", &f.base, &rep);
	if (code != FASTIPC_RPC_OK)
		return code;
	d = (Fastipc__Hash__DigestReply *)rep;
	for (i = 0; i < d->digest.len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d->digest.data[i]);
	fastipc_rpc_free(rep);
	return code;
}

static int hashcodes(int argc, char **argv)
{
	Fastipc__Hash__BeginRequest b = FASTIPC__HASH__BEGIN_REQUEST__INIT;
	Fastipc__Hash__AbortRequest a = FASTIPC__HASH__ABORT_REQUEST__INIT;
	struct fastipc_rpc_bind_opts bo = { .deadline_ns = 10000000000ULL };
	int unknown, extra, fin, abrt, aborted, finished, begun = 0;
	struct fastipc_rpc_client *cl;
	struct fastipc_dev *dev;
	ProtobufCMessage *rep;
	uint64_t h[16] = { 0 };
	char hex[65];
	int ret;

	if (argc != 2)
		return 2;
	ret = fastipc_open(&dev);
	if (ret < 0)
		return die("fastipc_open", ret);
	if (fastipc_rpc_bind(dev, argv[1], &fastipc__hash__hash__descriptor,
			     &bo, &cl, NULL) != FASTIPC_RPC_OK)
		return die("fastipc_rpc_bind", -ENOENT);
	unknown = hupdate(cl, 0x5eed0000ULL);
	b.data.data = (uint8_t *)"abc";
	b.data.len = 3;
	for (; begun < 16; begun++) {
		if (hcall(cl, "Begin", &b.base, &rep) != FASTIPC_RPC_OK)
			break;
		h[begun] = ((Fastipc__Hash__BeginReply *)rep)->handle;
		fastipc_rpc_free(rep);
	}
	extra = hcall(cl, "Begin", &b.base, NULL);
	fin = hfinal(cl, h[0], hex);
	a.handle = h[1];
	abrt = hcall(cl, "Abort", &a.base, NULL);
	aborted = hupdate(cl, h[1]);
	finished = hupdate(cl, h[0]);
	printf("unknown %s begun %d 17th %s final %s digest %s abort %s"
	       " aborted %s finished %s\n", fastipc_rpc_code_name(unknown),
	       begun, fastipc_rpc_code_name(extra),
	       fastipc_rpc_code_name(fin), hex,
	       fastipc_rpc_code_name(abrt), fastipc_rpc_code_name(aborted),
	       fastipc_rpc_code_name(finished));
	fastipc_rpc_unbind(cl);
	fastipc_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "call"))
		return call(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "many"))
		return many(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "hashrace"))
		return hashrace(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "hashcodes"))
		return hashcodes(argc - 1, argv + 1);
	fprintf(stderr, "usage: " PROG " serve NAME [-k KEY] [-m MODE] [-H]\n"
		"       " PROG " call NAME COUNT [-s SIZE] [-o ONEWAY] [-f FAILS] [-t HOLD]\n"
		"       " PROG " many PREFIX COUNT [UID]\n"
		"       " PROG " hashrace NAME ROUNDS SIZE\n"
		"       " PROG " hashcodes NAME\n");
	return 2;
}
