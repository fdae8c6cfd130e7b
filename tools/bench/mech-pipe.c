// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: a pipe pair per client/server pair. The request goes
 * down one pipe in one write() (the size is fixed for a run, so no
 * length header; a request larger than the pipe's 64 KiB default
 * capacity takes several wake-ups), the 8-byte checksum comes back up
 * the other.
 *
 *   fd[pair][0]  request pipe, read end (server)
 *   fd[pair][1]  request pipe, write end (client)
 *   fd[pair][2]  reply pipe, read end (client)
 *   fd[pair][3]  reply pipe, write end (server)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

struct pipe_client {
	int wfd, rfd;
	size_t size;
	void *buf;
};

static int pipe_prepare(struct mech_ctx *c)
{
	unsigned int i;

	for (i = 0; i < c->pairs; i++) {
		if (pipe2(&c->fd[i][0], O_CLOEXEC) ||
		    pipe2(&c->fd[i][2], O_CLOEXEC))
			return bench_err(-errno, "pipes for pair %u", i);
	}
	return 0;
}

static void pipe_cleanup(struct mech_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < MECH_MAX_PAIRS; i++)
		for (j = 0; j < 4; j++)
			if (c->fd[i][j] >= 0)
				close(c->fd[i][j]);
}

static int pipe_serve(struct mech_ctx *c, unsigned int pair)
{
	void *buf = malloc(c->size);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = bench_fd_serve(c->fd[pair][0], c->fd[pair][3], buf, c->size);
	free(buf);
	return ret;
}

static int pipe_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct pipe_client *pc = calloc(1, sizeof(*pc));

	if (!pc || posix_memalign(&pc->buf, 64, c->size)) {
		free(pc);
		return -ENOMEM;
	}
	pc->wfd = c->fd[pair][1];
	pc->rfd = c->fd[pair][2];
	pc->size = c->size;
	*state = pc;
	return 0;
}

static int pipe_round(void *state, uint64_t seed)
{
	struct pipe_client *pc = state;

	return bench_fd_round(pc->wfd, pc->rfd, pc->buf, pc->size, seed);
}

static int pipe_teardown(void *state, unsigned long rounds, char *note,
			 size_t cap)
{
	struct pipe_client *pc = state;

	(void)rounds;
	(void)note;
	(void)cap;
	free(pc->buf);
	free(pc);
	return 0;
}

const struct mech mech_pipe = {
	.name = "pipe",
	.label = "pipe pair",
	.prepare = pipe_prepare,
	.cleanup = pipe_cleanup,
	.serve = pipe_serve,
	.setup = pipe_setup,
	.round = pipe_round,
	.teardown = pipe_teardown,
};
