// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ring logic of libfastipc on the host: out-of-order commit
 * and release, call-mode claims with pads and abandoned records, a full
 * ring, and a two-process stream over a memfd with records of every
 * length residue and sizes near the area's end, released out of order.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "barrier.h"
#include "harness.h"

#define AREA		4096
#define NREC		40000
#define HOLD		8

static uint32_t t_len(uint64_t seq, uint32_t max)
{
	switch (seq % 5) {
	case 0:
		return max - (uint32_t)(seq / 5 % 24);	/* near the end */
	case 1:
		return (uint32_t)(seq * 37 % (max + 1));
	default:
		return (uint32_t)(seq % 67);		/* every residue */
	}
}

static void t_fill(uint8_t *p, uint64_t seq, uint32_t len)
{
	uint32_t i;

	memcpy(p, &seq, len < 8 ? len : 8);
	for (i = 8; i < len; i++)
		p[i] = t_byte(seq, i);
}

static void t_verify(const uint8_t *p, uint64_t seq, uint32_t len)
{
	uint64_t got = 0;
	uint32_t i;

	memcpy(&got, p, len < 8 ? len : 8);
	if (len >= 8 && got != seq)
		t_fail("record %ju: got sequence %ju", (uintmax_t)seq,
		       (uintmax_t)got);
	for (i = 8; i < len; i++)
		if (p[i] != t_byte(seq, i))
			t_fail("record %ju: byte %u differs", (uintmax_t)seq, i);
}

static void test_prod_ooo_commit(void)
{
	struct t_region t;
	struct fipc_region c;
	uint32_t a, b, d;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_check(!fipc_prod_reserve(&c.tx, 10, &a));
	t_check(!fipc_prod_reserve(&c.tx, 0, &b));
	t_check(!fipc_prod_reserve(&c.tx, 100, &d));
	t_check(!fipc_prod_commit(&c.tx, d));
	t_check(fipc_load_once(c.tx.prod) == 0);
	t_check(!fipc_prod_commit(&c.tx, a));
	t_check(fipc_load_once(c.tx.prod) == 24);
	t_check(fipc_prod_commit(&c.tx, a) == -ENOENT);
	t_check(!fipc_prod_commit(&c.tx, b));
	t_check(fipc_load_once(c.tx.prod) == 24 + 8 + 112);
	t_check(fipc_prod_reserve(&c.tx, AREA / 2, &a) == -EMSGSIZE);
	t_check(!fipc_prod_reserve(&c.tx, fipc_ring_max_len(AREA), &a));
	t_check(!fipc_prod_cancel(&c.tx, a));	/* the last: taken back */
	t_check(c.tx.tail == 144);
}

static void test_claims(void)
{
	struct fipc_region c, s;
	uint32_t off[5], prod;
	struct t_region t;
	int i;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	t_check(!fipc_prod_reserve(&c.tx, 2000, &off[0]));
	t_check(!fipc_prod_reserve(&c.tx, 1990, &off[1]));
	t_check(!fipc_prod_commit(&c.tx, off[0]));
	t_check(!fipc_prod_commit(&c.tx, off[1]));
	t_check(!fipc_cons_claim(&s.rx, off[0], 2000));
	t_check(!fipc_cons_claim(&s.rx, off[0], 1));	/* twice */
	t_check(fipc_cons_release(&s.rx, off[0]) == 0);
	t_check(fipc_cons_release(&s.rx, off[0]) == 1);
	t_check(fipc_load_once(s.rx.cons) == 2008);
	/* At 4008 now: record 2 needs a pad of 88 bytes. */
	for (i = 2; i < 5; i++)
		t_check(!fipc_prod_reserve(&c.tx, 100 + i, &off[i]));
	t_check(off[2] == 8);
	for (i = 4; i >= 2; i--)
		t_check(!fipc_prod_commit(&c.tx, off[i]));
	prod = fipc_load_once(c.tx.prod);
	t_check(prod == AREA + 3 * 112);
	t_check(!fipc_cons_claim(&s.rx, off[3], 50));	/* shorter: fine */
	t_check(fipc_cons_claim(&s.rx, off[3] + 8, 10) == -EBADMSG);
	t_check(fipc_cons_claim(&s.rx, off[3], 200) == -EBADMSG);
	t_check(fipc_cons_release(&s.rx, off[3]) == 0);
	t_check(fipc_load_once(s.rx.cons) == 2008);
	/* Record 2 is abandoned by its producer: skipped with the pad. */
	t_check(!fipc_prod_cancel(&c.tx, off[2]));
	t_check(!fipc_cons_claim(&s.rx, off[1], 1990));
	t_check(fipc_cons_release(&s.rx, off[1]) == 1);
	t_check(fipc_load_once(s.rx.cons) == AREA + 2 * 112);
	t_check(!fipc_cons_claim(&s.rx, off[4], 104));
	t_check(fipc_cons_release(&s.rx, off[4]) == 1);
	t_check(fipc_load_once(s.rx.cons) == prod);
	t_check(fipc_cons_release(&s.rx, off[4]) == -ENOENT);
	t_check(s.rx.errors == 2 && c.tx.errors == 0);
}

static void test_full(void)
{
	struct fipc_region c, s;
	struct t_region t;
	uint32_t off, got, len, n = 0;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	s.rx.stream = true;
	while (fipc_prod_reserve(&c.tx, 56, &off) == 0) {
		t_check(!fipc_prod_commit(&c.tx, off));
		n++;
	}
	t_check(n == AREA / 64);
	t_check(fipc_prod_reserve(&c.tx, 0, &off) == -EAGAIN);
	t_check(fipc_region_reserve(&c, 0, &off, 1000000) == -ETIMEDOUT);
	t_check(!fipc_cons_peek(&s.rx, &got, &len) && len == 56);
	t_check(fipc_cons_release(&s.rx, got) == 1);
	t_check(!fipc_prod_reserve(&c.tx, 56, &off));
	t_check(fipc_prod_reserve(&c.tx, 0, &off) == -EAGAIN);
}

struct stream_arg {
	struct t_region *t;
};

static void stream_producer(void *arg)
{
	struct stream_arg *a = arg;
	struct fipc_region c;
	uint32_t max, len, off;
	uint64_t seq;
	int ret;

	t_region_attach(a->t, &c, true);
	max = fipc_ring_max_len(AREA);
	for (seq = 0; seq < NREC; seq++) {
		len = t_len(seq, max);
		ret = fipc_region_reserve(&c, len, &off, 5000000000ULL);
		if (ret)
			t_fail("reserve %ju: %s", (uintmax_t)seq, strerror(-ret));
		t_fill(fipc_tx_ptr(&c, off), seq, len);
		t_check(!fipc_region_commit(&c, off));
	}
}

static bool has_data(void *arg)
{
	return fipc_cons_has_data(arg);
}

/*
 * Peek the next record, sleeping on the doorbell when empty; with
 * @nowait, return -EAGAIN instead (the caller holds records: release).
 */
static int stream_next(struct fipc_region *s, uint32_t *off, uint32_t *len,
		       bool nowait)
{
	int i, ret;

	for (i = 0; i < 100000; i++) {
		pthread_mutex_lock(&s->lock);
		ret = fipc_cons_peek(&s->rx, off, len);
		pthread_mutex_unlock(&s->lock);
		if (ret == 0 || (ret == -EAGAIN && nowait))
			return ret;
		if (ret != -EAGAIN)
			t_fail("peek: %s", strerror(-ret));
		ret = fipc_bell_wait(&s->bell, has_data, &s->rx, 1000000000ULL);
		if (ret && ret != -ETIMEDOUT)
			t_fail("wait: %s", strerror(-ret));
	}
	t_fail("no record after 100000 waits");
	return -EAGAIN;
}

static void release_held(struct fipc_region *s, uint32_t *held, int *nheld,
			 uint64_t *rnd)
{
	int k;

	while (*nheld) {		/* in a random order */
		k = (int)(t_rand(rnd) % (uint64_t)*nheld);
		t_check(!fipc_region_release(s, held[k]));
		held[k] = held[--*nheld];
	}
}

static void test_stream(void)
{
	uint32_t held[HOLD], off, len, max = fipc_ring_max_len(AREA);
	struct stream_arg a;
	struct fipc_region s;
	struct t_region t;
	uint64_t seq, rnd = 88172645463325252ULL;
	int pid, nheld = 0;

	t_region_create(&t, AREA);
	a.t = &t;
	t_region_attach(&t, &s, false);
	s.rx.stream = true;
	pid = t_fork(stream_producer, &a);
	for (seq = 0; seq < NREC; seq++) {
		if (stream_next(&s, &off, &len, nheld > 0) == -EAGAIN) {
			release_held(&s, held, &nheld, &rnd);
			stream_next(&s, &off, &len, false);
		}
		if (len != t_len(seq, max))
			t_fail("record %ju: length %u, want %u", (uintmax_t)seq,
			       len, t_len(seq, max));
		t_verify(fipc_rx_ptr(&s, off), seq, len);
		held[nheld++] = off;
		if (nheld >= 1 + (int)(t_rand(&rnd) % HOLD))
			release_held(&s, held, &nheld, &rnd);
	}
	release_held(&s, held, &nheld, &rnd);
	t_wait_ok(pid, "producer");
	t_check(s.rx.errors == 0);
	t_check(fipc_load_once(s.rx.cons) == fipc_load_once(s.rx.prod));
	printf("stream: %d records, %ju notifies, %ju waits\n", NREC,
	       (uintmax_t)s.bell.notifies, (uintmax_t)s.bell.waits);
}

int main(void)
{
	alarm(200);
	test_prod_ooo_commit();
	puts("ok prod_ooo_commit");
	test_claims();
	puts("ok claims");
	test_full();
	puts("ok full");
	test_stream();
	puts("ok stream");
	return T_PASS;
}
