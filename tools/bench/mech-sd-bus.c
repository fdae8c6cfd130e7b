// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: sd-bus (libsystemd's D-Bus library) peer to peer, the
 * D-Bus method call without a bus daemon: one AF_UNIX SOCK_STREAM
 * socketpair per pair (fd[pair][0] the client's end, fd[pair][1] the
 * server's).
 *
 * Each server thread makes its own sd_bus on its end: sd_bus_set_fd(),
 * sd_bus_set_server() and sd_bus_set_anonymous() (no bus, no
 * credentials to check: the socketpair's peer is the only one),
 * sd_bus_start(), an object /org/fastipc/Bench with the method
 * org.fastipc.Bench.Sum(ay) -> t in a vtable, then sd_bus_process() and
 * sd_bus_wait() until killed. The client's sd_bus on the other end
 * authenticates anonymously too; each round trip builds a method call,
 * writes the SIZE bytes straight into its "ay" argument
 * (sd_bus_message_append_array_space()), calls with sd_bus_call() and
 * reads the 8-byte checksum from the reply ("t"). D-Bus bounds an array
 * at 64 MiB: larger sizes are skipped. Built only where pkg-config finds
 * libsystemd (FASTIPC_BENCH_SDBUS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

#ifdef FASTIPC_BENCH_SDBUS

#include <systemd/sd-bus.h>

#define SDB_PATH	"/org/fastipc/Bench"
#define SDB_IFACE	"org.fastipc.Bench"
#define SDB_ARRAY_MAX	(64UL << 20)	/* D-Bus: an array's bytes */
#define SDB_TIMEOUT_US	(120ULL * 1000000ULL)	/* a call, generous */

struct sdb_client {
	sd_bus *bus;
	size_t size;
};

static int sdb_usable(const struct mech_ctx *c)
{
	return c->size <= SDB_ARRAY_MAX ? 0 : MECH_SKIP_SIZE;
}

static int sdb_prepare(struct mech_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->pairs; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			       c->fd[i]))
			return bench_err(-errno, "socketpair for pair %u", i);
	return 0;
}

static void sdb_cleanup(struct mech_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < MECH_MAX_PAIRS; i++)
		for (j = 0; j < 2; j++)
			if (c->fd[i][j] >= 0)
				close(c->fd[i][j]);
}

/* An sd_bus on @fd, started: the server's (@server) or the client's. */
static int sdb_open(int fd, bool server, sd_bus **out)
{
	sd_bus *bus = NULL;
	sd_id128_t id;
	int ret;

	ret = sd_bus_new(&bus);
	if (ret >= 0)
		ret = sd_bus_set_fd(bus, fd, fd);
	if (ret >= 0 && server) {
		ret = sd_id128_randomize(&id);
		if (ret >= 0)
			ret = sd_bus_set_server(bus, 1, id);
	}
	if (ret >= 0)
		ret = sd_bus_set_anonymous(bus, 1);
	if (ret >= 0)
		ret = sd_bus_start(bus);
	if (ret < 0) {
		sd_bus_unref(bus);
		return ret;
	}
	*out = bus;
	return 0;
}

/* org.fastipc.Bench.Sum(ay) -> t: the checksum of the request's bytes. */
static int sdb_sum(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	const struct mech_ctx *c = userdata;
	const void *p;
	size_t n;
	int ret;

	ret = sd_bus_message_read_array(m, 'y', &p, &n);
	if (ret < 0)
		return ret;
	if (n != c->size)
		return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
					 "%zu bytes, not %zu", n, c->size);
	return sd_bus_reply_method_return(m, "t", bench_sum(p, n));
}

static const sd_bus_vtable sdb_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Sum", "ay", "t", sdb_sum, 0),
	SD_BUS_VTABLE_END
};

static int sdb_serve(struct mech_ctx *c, unsigned int pair)
{
	sd_bus *bus;
	int ret;

	ret = sdb_open(c->fd[pair][1], true, &bus);
	if (ret < 0)
		return bench_err(ret, "sd-bus server %u", pair);
	ret = sd_bus_add_object_vtable(bus, NULL, SDB_PATH, SDB_IFACE,
				       sdb_vtable, c);
	while (ret >= 0) {
		ret = sd_bus_process(bus, NULL);
		if (ret == 0)
			ret = sd_bus_wait(bus, UINT64_MAX);
	}
	return bench_err(ret, "sd-bus server %u", pair);
}

static int sdb_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct sdb_client *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->size = c->size;
	ret = sdb_open(c->fd[pair][0], false, &s->bus);
	if (ret < 0) {
		free(s);
		return bench_err(ret, "sd-bus client %u", pair);
	}
	*state = s;
	return 0;
}

static int sdb_round(void *state, uint64_t seed)
{
	struct sdb_client *s = state;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *rep = NULL;
	uint64_t h = 0, got = 0;
	void *p;
	int ret;

	ret = sd_bus_message_new_method_call(s->bus, &m, NULL, SDB_PATH,
					     SDB_IFACE, "Sum");
	if (ret >= 0)
		ret = sd_bus_message_append_array_space(m, 'y', s->size, &p);
	if (ret >= 0) {
		h = bench_fill(p, s->size, seed);
		ret = sd_bus_call(s->bus, m, SDB_TIMEOUT_US, &err, &rep);
	}
	if (ret >= 0)
		ret = sd_bus_message_read(rep, "t", &got);
	if (ret < 0 && sd_bus_error_is_set(&err))
		fprintf(stderr, "%s: sd-bus Sum: %s: %s\n", bench_prog,
			err.name, err.message);
	sd_bus_error_free(&err);
	sd_bus_message_unref(rep);
	sd_bus_message_unref(m);
	if (ret < 0)
		return ret;
	return got == h ? 0 : -EBADMSG;
}

static int sdb_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct sdb_client *s = state;

	(void)rounds;
	snprintf(note, cap, "libsystemd sd-bus, peer to peer over a "
		 "socketpair, anonymous");
	/* Closes this process's copy of the client's end. */
	sd_bus_unref(s->bus);
	free(s);
	return 0;
}

const struct mech mech_sd_bus = {
	.name = "sd-bus",
	.label = "sd-bus (D-Bus) peer to peer",
	.usable = sdb_usable,
	.prepare = sdb_prepare,
	.cleanup = sdb_cleanup,
	.serve = sdb_serve,
	.setup = sdb_setup,
	.round = sdb_round,
	.teardown = sdb_teardown,
};

#endif /* FASTIPC_BENCH_SDBUS */
