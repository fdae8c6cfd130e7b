// SPDX-License-Identifier: GPL-2.0
/*
 * Description: when libfastipc abandons the request record of an
 * asynchronous call that ended unanswered (async_rec.c): only while the
 * server's consumer index has not passed it. A record the server released
 * may already hold a newer request at the same offset, which must stay
 * untouched (committed or still reserved); a record never received is
 * marked FASTIPC_REC_SKIP and the consumer steps over it; a consumer
 * index out of range is a hostile peer and nothing is touched.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "barrier.h"
#include "harness.h"
#include "internal.h"

#define AREA	4096
#define LEN	2000		/* a record of 2008 bytes: two fill the ring */

/* Header flags of our record at @off. */
static uint32_t rec_flags(struct fipc_region *g, uint32_t off)
{
	const struct fastipc_rec *h = (const void *)(g->tx.area + off -
						     FIPC_REC_HDR);

	return fipc_load_once(&h->flags);
}

static void commit(struct fipc_region *c, uint32_t len, uint32_t *off,
		   uint32_t *idx)
{
	t_check(!fipc_prod_reserve(&c->tx, len, off));
	t_check(!fipc_prod_commit(&c->tx, *off));
	*idx = fipc_async_rec_idx(c, *off);
}

/* A, B sent; A served (released); C reuses A's space; B never received. */
static void test_reuse(bool commit_c)
{
	uint32_t off_a, off_b, off_c, idx_a, idx_b, idx_c;
	struct fipc_region c, s;
	struct t_region t;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	commit(&c, LEN, &off_a, &idx_a);
	commit(&c, LEN, &off_b, &idx_b);
	t_check(idx_a == 0 && idx_b == 2008);
	t_check(!fipc_cons_claim(&s.rx, off_a, LEN));
	t_check(fipc_cons_release(&s.rx, off_a) == 1);
	/* A pad to the end, then C at A's offset. */
	t_check(!fipc_prod_reserve(&c.tx, LEN, &off_c));
	t_check(off_c == off_a);
	idx_c = fipc_async_rec_idx(&c, off_c);
	t_check(idx_c == AREA);
	if (commit_c)
		t_check(!fipc_prod_commit(&c.tx, off_c));
	/* A's call "ends unanswered" late: C must not be touched. */
	t_check(fipc_async_rec_abandon(&c, off_a, idx_a) == 0);
	t_check(rec_flags(&c, off_c) == 0);
	if (!commit_c)
		t_check(!fipc_prod_commit(&c.tx, off_c));
	/* B was never received: abandoned, and skipped by the consumer. */
	t_check(fipc_async_rec_abandon(&c, off_b, idx_b) == 1);
	t_check(rec_flags(&c, off_b) == FASTIPC_REC_SKIP);
	t_check(!fipc_cons_claim(&s.rx, off_c, LEN));
	t_check(fipc_cons_release(&s.rx, off_c) == 1);
	t_check(fipc_load_once(s.rx.cons) == AREA + 2008);
	t_check(fipc_load_once(s.rx.cons) == fipc_load_once(c.tx.prod));
	t_check(c.tx.errors == 0 && s.rx.errors == 0);
}

/* A record the server holds (claimed, not released) may be marked. */
static void test_held(void)
{
	struct fipc_region c, s;
	uint32_t off, idx;
	struct t_region t;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	commit(&c, 100, &off, &idx);
	t_check(!fipc_cons_claim(&s.rx, off, 100));
	t_check(fipc_async_rec_abandon(&c, off, idx) == 1);
	t_check(fipc_cons_release(&s.rx, off) == 1);
	t_check(fipc_load_once(s.rx.cons) == fipc_load_once(c.tx.prod));
	t_check(s.rx.errors == 0);
}

/* A consumer index beyond what we published: touch nothing. */
static void test_hostile(void)
{
	struct fipc_region c, s;
	uint32_t off, idx;
	struct t_region t;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	commit(&c, 100, &off, &idx);
	fipc_store_release(s.rx.cons, 5000u);
	t_check(fipc_async_rec_abandon(&c, off, idx) == -EPROTO);
	t_check(rec_flags(&c, off) == 0);
	fipc_store_release(s.rx.cons, (uint32_t)-8);	/* backwards */
	t_check(fipc_async_rec_abandon(&c, off, idx) == -EPROTO);
	t_check(rec_flags(&c, off) == 0);
}

int main(void)
{
	alarm(60);
	test_reuse(true);
	puts("ok reuse_committed");
	test_reuse(false);
	puts("ok reuse_reserved");
	test_held();
	puts("ok held");
	test_hostile();
	puts("ok hostile");
	return T_PASS;
}
