// SPDX-License-Identifier: GPL-2.0
/*
 * Description: fastipc_call2()'s checks and texts, with no kernel:
 *  - region sizing: fipc_region_for_payload() gives the smallest
 *    region_size whose kernel-rounded area (mirrored by
 *    fipc_region_area(), as kmod/region.c rounds) takes a record of the
 *    payload, for payloads around every power of two; one byte more
 *    needs a larger area, the region one page smaller a smaller one.
 *  - fastipc_call2() argument checks: bad flags, non-zero resv, a size
 *    below VER0, non-zero bytes past the struct, NULL buffers with a
 *    length: -EINVAL, and no syscall (the connection's fd is -1, which
 *    would say -EBADF).
 *  - a request above what a connection carries: -EMSGSIZE with the
 *    limit (msg_max without a region, the region's record with one) and
 *    its value, before any syscall.
 *  - fastipc_call2_buf() (req_buf()): no region is -EOPNOTSUPP; a buffer
 *    that is not a reservation, NULL, bad flags, NULL args are -EINVAL,
 *    before any syscall; fastipc_call_buf_put() of a non-reservation is
 *    -EINVAL.
 *  - fastipc_limit_name() and fastipc_call_strerror(): each limit's text
 *    has its name and value, the size, and what to change; a status is
 *    "server status N (text)", the C library's text for the handler's
 *    errno; other errors are fastipc_strerror()'s.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "harness.h"

#define PAGE	4096ULL

static uint64_t shm_of(uint64_t region_size)
{
	uint64_t area = fipc_region_area(region_size, PAGE);

	return area ? area / 2 - 8 : 0;
}

static void sizing(void)
{
	uint64_t p, want, area;
	int k;

	/* The case: 4 MiB needs a 16 MiB area, 32 MiB + 2 pages. */
	want = fipc_region_for_payload(4ULL << 20, PAGE);
	t_check(want == 32ULL << 20);
	t_check(fipc_region_area(want, PAGE) == 16ULL << 20);
	t_check(fipc_region_bytes(want, PAGE) == 2 * (PAGE + (16ULL << 20)));
	t_check(shm_of(8ULL << 20) < (4ULL << 20));	/* 8 MiB: too small */
	/* Small payloads: one page per area. */
	t_check(fipc_region_for_payload(0, PAGE) == 2 * PAGE);
	t_check(fipc_region_for_payload(PAGE / 2 - 8, PAGE) == 2 * PAGE);
	t_check(fipc_region_for_payload(PAGE / 2 - 7, PAGE) == 4 * PAGE);
	for (k = 10; k < 29; k++) {
		uint64_t pl[] = { (1ULL << k) - 9, (1ULL << k) - 8,
				  (1ULL << k) - 7, 1ULL << k,
				  (1ULL << k) + 1 };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(pl); i++) {
			p = pl[i];
			want = fipc_region_for_payload(p, PAGE);
			area = fipc_region_area(want, PAGE);
			if (!want || shm_of(want) < p)
				t_fail("payload %llu: region %llu carries %llu",
				       (unsigned long long)p,
				       (unsigned long long)want,
				       (unsigned long long)shm_of(want));
			/* Smallest: half the area would not carry it. */
			if (area > PAGE && area / 4 - 8 >= p)
				t_fail("payload %llu: area %llu is too large",
				       (unsigned long long)p,
				       (unsigned long long)area);
		}
	}
	/* Above what any area takes (areas stay at most 1 GiB). */
	t_check(fipc_region_for_payload((1ULL << 29) - 7, PAGE) == 0);
	t_check(fipc_region_for_payload((1ULL << 29) - 8, PAGE) == 2ULL << 30);
	t_check(fipc_region_for_payload(UINT64_MAX, PAGE) == 0);
	/* The kernel's rounding of odd sizes: ceil(size / 2), power of two. */
	t_check(fipc_region_area(1, PAGE) == PAGE);
	t_check(fipc_region_area(2 * PAGE + 1, PAGE) == 2 * PAGE);
	t_check(fipc_region_area(33562624, PAGE) == 32ULL << 20);
}

static struct fastipc_conn *fake_conn(uint32_t msg_max, uint32_t area)
{
	struct fastipc_conn *c = calloc(1, sizeof(*c));

	t_check(c);
	c->fd = -1;
	c->msg_max = msg_max;
	c->threshold = FASTIPC_THRESHOLD_DEFAULT;
	if (area) {
		c->reg = calloc(1, sizeof(*c->reg));
		t_check(c->reg);
		c->reg->tx.size = area;
		c->reg->rx.size = area;
	}
	return c;
}

static void init(struct fastipc_call_args *a, void *rep, size_t cap)
{
	static char req[16];

	memset(a, 0, sizeof(*a));
	a->op = 1;
	a->req = req;
	a->req_len = sizeof(req);
	a->rep = rep;
	a->rep_cap = cap;
	a->timeout_ns = FASTIPC_TIMEOUT_INF;
}

static void validation(void)
{
	struct fastipc_conn *c = fake_conn(65536, 0);
	struct {
		struct fastipc_call_args a;
		uint64_t more;
	} big;
	struct fastipc_call_args a;
	char rep[8];

	t_check(FASTIPC_CALL_ARGS_SIZE_VER0 == sizeof(a));
	init(&a, rep, sizeof(rep));
	a.flags = 0x2;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EINVAL);
	init(&a, rep, sizeof(rep));
	a.resv[3] = 1;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EINVAL);
	init(&a, rep, sizeof(rep));
	t_check(fastipc_call2(c, &a, FASTIPC_CALL_ARGS_SIZE_VER0 - 1) ==
		-EINVAL);
	t_check(fastipc_call2(c, NULL, sizeof(a)) == -EINVAL);
	init(&a, NULL, 8);
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EINVAL);
	init(&a, rep, sizeof(rep));
	a.req = NULL;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EINVAL);
	/* A newer caller's struct: unknown fields must be 0. */
	memset(&big, 0, sizeof(big));
	init(&big.a, rep, sizeof(rep));
	big.more = 1;
	t_check(fastipc_call2(c, &big.a, sizeof(big)) == -EINVAL);
	/* Valid arguments reach the kernel: fd -1 says -EBADF. */
	big.more = 0;
	t_check(fastipc_call2(c, &big.a, sizeof(big)) == -EBADF);
	init(&a, rep, sizeof(rep));
	a.flags = FASTIPC_CALL_ALLOC;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EBADF);
	t_check(a.limit == FASTIPC_LIMIT_NONE && !a.rep_alloc);
	free(c);
}

static void msgsize(void)
{
	static char req[1 << 20];
	struct fastipc_conn *c = fake_conn(65536, 0);
	struct fastipc_call_args a;

	init(&a, NULL, 0);
	a.req = req;
	a.req_len = 65537;
	a.status = 7;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EMSGSIZE);
	t_check(a.limit == FASTIPC_LIMIT_MSG_MAX && a.limit_bytes == 65536);
	t_check(a.status == 0);
	a.req_len = 65536;		/* fits: goes to the kernel */
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EBADF);
	free(c);

	/* A region of 256 KiB areas: records up to 131064 bytes. */
	c = fake_conn(65536, 256 << 10);
	a.req_len = 131065;
	t_check(fastipc_call2(c, &a, sizeof(a)) == -EMSGSIZE);
	t_check(a.limit == FASTIPC_LIMIT_SHM_MAX && a.limit_bytes == 131064);
	free(c->reg);
	free(c);
}

static void has(const char *s, const char *word)
{
	if (!strstr(s, word))
		t_fail("\"%s\": no \"%s\"", s, word);
}

static void texts(void)
{
	struct fastipc_call_args a;
	char buf[512];

	has(fastipc_limit_name(FASTIPC_LIMIT_MSG_MAX), "msg_max");
	has(fastipc_limit_name(FASTIPC_LIMIT_SHM_MAX), "region");
	has(fastipc_limit_name(FASTIPC_LIMIT_REP_CAP), "rep_cap");
	has(fastipc_limit_name(FASTIPC_LIMIT_REPLY_MAX), "largest reply");
	has(fastipc_limit_name(FASTIPC_LIMIT_NONE), "no limit");
	has(fastipc_limit_name(99), "unknown");

	init(&a, NULL, 0);
	a.req_len = 70000;
	a.limit = FASTIPC_LIMIT_MSG_MAX;
	a.limit_bytes = 65536;
	fastipc_call_strerror(-EMSGSIZE, &a, buf, sizeof(buf));
	has(buf, "request of 70000 bytes");
	has(buf, "msg_max, 65536 bytes");
	has(buf, "max_payload");

	a.req_len = 5000000;
	a.limit = FASTIPC_LIMIT_SHM_MAX;
	a.limit_bytes = 4194296;
	fastipc_call_strerror(-EMSGSIZE, &a, buf, sizeof(buf));
	has(buf, "5000000");
	has(buf, "region, 4194296 bytes");
	has(buf, "max_payload");

	a.rep_len = 3000;
	a.limit = FASTIPC_LIMIT_REP_CAP;
	a.limit_bytes = 100;
	fastipc_call_strerror(-EOVERFLOW, &a, buf, sizeof(buf));
	has(buf, "reply of 3000 bytes");
	has(buf, "rep_cap, 100 bytes");
	has(buf, "FASTIPC_CALL_ALLOC");

	a.rep_len = 0;		/* the server did not say */
	fastipc_call_strerror(-EOVERFLOW, &a, buf, sizeof(buf));
	has(buf, "reply is above the caller's rep_cap, 100 bytes");

	a.rep_len = 9000000;
	a.limit = FASTIPC_LIMIT_REPLY_MAX;
	a.limit_bytes = 8388600;
	fastipc_call_strerror(-EOVERFLOW, &a, buf, sizeof(buf));
	has(buf, "9000000");
	has(buf, "largest reply the connection takes, 8388600 bytes");
	has(buf, "max_payload");

	a.status = -EINVAL;
	fastipc_call_strerror(0, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, "server status -22 (Invalid argument)"));
	/* A handler's errno in the C library's words, not the library's. */
	a.status = -ENOSPC;
	fastipc_call_strerror(0, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, "server status -28 (No space left on device)"));
	a.status = 0;
	fastipc_call_strerror(0, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, "server status 0 (Success)"));
	a.status = 3;
	fastipc_call_strerror(0, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, "server status 3"));

	fastipc_call_strerror(-ECONNRESET, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, fastipc_strerror(-ECONNRESET)));
	a.limit = FASTIPC_LIMIT_NONE;	/* a size error with no limit */
	fastipc_call_strerror(-EMSGSIZE, &a, buf, sizeof(buf));
	t_check(!strcmp(buf, fastipc_strerror(-EMSGSIZE)));
	fastipc_call_strerror(-EMSGSIZE, NULL, buf, sizeof(buf));
	t_check(!strcmp(buf, fastipc_strerror(-EMSGSIZE)));

	/* Truncated, still terminated. */
	a.status = -EINVAL;
	t_check(fastipc_call_strerror(0, &a, buf, 8) == buf);
	t_check(strlen(buf) == 7);
}

/*
 * fastipc_call2_buf() refuses before any syscall what cannot be a buffer
 * of fastipc_call_buf_get(): no region is -EOPNOTSUPP, a pointer outside
 * the ring or not reserved -EINVAL, as are fastipc_call2()'s argument
 * errors (fd -1 would say -EBADF).
 */
static void req_buf(void)
{
	struct fastipc_conn *c = fake_conn(65536, 0);
	struct fastipc_call_args a;
	char rep[8];

	init(&a, rep, sizeof(rep));
	t_check(fastipc_call2_buf(c, &a, sizeof(a)) == -EOPNOTSUPP);
	free(c);
	c = fake_conn(65536, 256 << 10);
	init(&a, rep, sizeof(rep));
	t_check(fastipc_call2_buf(c, &a, sizeof(a)) == -EINVAL);
	a.req = NULL;
	a.req_len = 0;
	t_check(fastipc_call2_buf(c, &a, sizeof(a)) == -EINVAL);
	init(&a, rep, sizeof(rep));
	a.flags = 0x80;
	t_check(fastipc_call2_buf(c, &a, sizeof(a)) == -EINVAL);
	t_check(fastipc_call2_buf(c, NULL, sizeof(a)) == -EINVAL);
	t_check(fastipc_call_buf_put(c, rep) == -EINVAL);
	free(c->reg);
	free(c);
}

int main(void)
{
	sizing();
	validation();
	msgsize();
	req_buf();
	texts();
	printf("call2_test: all passed\n");
	return T_PASS;
}
