// SPDX-License-Identifier: GPL-2.0
/*
 * Description: fastipc_strerror() says what an errno means for fastipc
 * (the region quota, an overflowing reply, a removed channel, ...),
 * takes the library's negative errno and a positive one alike, falls
 * back to the C library's text for the others, never returns NULL and
 * returns the same constant string from any thread.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "fastipc.h"
#include "harness.h"

static void says(int err, const char *word)
{
	const char *s = fastipc_strerror(-err);

	if (!s || !strstr(s, word))
		t_fail("fastipc_strerror(-%d) = \"%s\": no \"%s\"", err,
		       s ? s : "(null)", word);
	t_check(fastipc_strerror(err) == s);
}

#define NTHREADS	4
#define ROUNDS		10000

static void *hammer(void *arg)
{
	const char *quota = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		if (fastipc_strerror(-EDQUOT) != quota)
			return (void *)1;
		if (!fastipc_strerror(-(i % 200)))
			return (void *)1;
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	void *bad;
	int i;

	says(EDQUOT, "region_user_max");
	says(ENOSPC, "user_conns_max");
	says(EOVERFLOW, "rep_cap");
	says(EIDRM, "removed");
	says(ENOENT, "No such channel");
	says(ENOENT, "module is not loaded");
	says(ENODEV, "module not loaded");
	says(EMSGSIZE, "msg_max");
	says(EMSGSIZE, "region");
	says(ENOBUFS, "region");
	says(EPIPE, "Peer gone");
	says(ECONNRESET, "Peer gone");
	says(ETIMEDOUT, "Timed out");
	says(EAGAIN, "timeout_ns 0");
	says(EACCES, "channel's mode");
	says(ENOTTY, "channel fd");
	/* The others: the C library's own text. */
	t_check(!strcmp(fastipc_strerror(-EBADF), strerror(EBADF)));
	t_check(!strcmp(fastipc_strerror(E2BIG), strerror(E2BIG)));
	t_check(!strcmp(fastipc_strerror(0), "Success"));
	/* Nonsense still gives a string. */
	t_check(fastipc_strerror(INT_MIN) != NULL);
	t_check(fastipc_strerror(INT_MAX) != NULL);
	t_check(fastipc_strerror(-99999) != NULL);
	/* One constant per code, whichever thread asks. */
	for (i = 0; i < NTHREADS; i++)
		t_check(!pthread_create(&th[i], NULL, hammer,
					(void *)fastipc_strerror(-EDQUOT)));
	for (i = 0; i < NTHREADS; i++) {
		t_check(!pthread_join(th[i], &bad));
		t_check(!bad);
	}
	printf("strerror_test: ok\n");
	return T_PASS;
}
