// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a hostile peer keeps rewriting its half of the region at
 * random (indices, record lengths and flags, the waiting word) while the
 * victim works, both as the producer of the victim's input and as the
 * consumer of the victim's output. The victim must not crash or hang;
 * it must report errors and count them. Guard pages make any access
 * outside the mapping fault. One release moves the consumer index by at
 * most one lap, whatever the headers say; and a lying SKIP header is
 * counted exactly once and moves nothing.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "barrier.h"
#include "harness.h"

#define AREA		4096
#define ROUNDS		200000

struct hostile_arg {
	struct t_region *t;
	volatile int stop;
};

/* Scribble on our own half: control words and record headers. */
static void hostile_main(void *arg)
{
	struct hostile_arg *a = arg;
	struct fipc_region h;
	uint64_t rnd = (uint64_t)getpid() * 2654435761ULL + 1;
	uint32_t *w, v;
	uint8_t *p;

	t_region_attach(a->t, &h, true);
	for (;;) {
		v = (uint32_t)t_rand(&rnd);
		switch (t_rand(&rnd) % 6) {
		case 0:
			fipc_store_release(h.tx.prod, v % 3 ? v % (2 * AREA) : v);
			break;
		case 1:
			fipc_store_release(h.rx.cons, v % 3 ? v % (2 * AREA) : v);
			break;
		case 2:
			fipc_store_once(h.bell.own_waiting, v & 1);
			fipc_store_once(h.bell.own_ec, v);
			break;
		default:
			p = h.tx.area + (t_rand(&rnd) % (AREA / 8)) * 8;
			w = (uint32_t *)p + (v & 1);
			fipc_store_once(w, v % 4 ? v % (AREA + 16) : v);
			break;
		}
		if (t_rand(&rnd) % 64 == 0)
			sched_yield();
	}
}

struct victim_stats {
	uint64_t ok, eagain, err;
};

static void victim_consume(struct fipc_region *v, struct victim_stats *st,
			   uint64_t *rnd)
{
	uint32_t off, len;
	int ret;

	if (t_rand(rnd) % 2) {
		ret = fipc_cons_peek(&v->rx, &off, &len);
	} else {
		off = (uint32_t)(t_rand(rnd) % (AREA + 64));
		len = (uint32_t)(t_rand(rnd) % 512);
		ret = fipc_cons_claim(&v->rx, off, len);
	}
	if (ret == 0) {
		/* Reading the payload in place must stay inside the area. */
		volatile uint8_t sum = 0;
		uint32_t i, before;

		t_check(off + len <= AREA);
		for (i = 0; i < len; i++)
			sum += ((const uint8_t *)fipc_rx_ptr(v, off))[i];
		(void)sum;
		before = fipc_load_once(v->rx.cons);
		if (fipc_cons_release(&v->rx, off) < 0)
			st->err++;
		/* Never more than one lap per release. */
		t_check(fipc_load_once(v->rx.cons) - before <= AREA);
		st->ok++;
	} else if (ret == -EAGAIN) {
		st->eagain++;
	} else {
		t_check(ret == -EPROTO || ret == -EBADMSG);
		st->err++;
	}
}

static void victim_produce(struct fipc_region *v, struct victim_stats *st,
			   uint64_t *rnd)
{
	uint32_t off, len = (uint32_t)(t_rand(rnd) % 700);
	int ret;

	ret = fipc_prod_reserve(&v->tx, len, &off);
	if (ret == 0) {
		t_check(off >= 8 && off + len <= AREA);
		memset(fipc_tx_ptr(v, off), 0x5a, len);
		if (t_rand(rnd) % 4)
			t_check(!fipc_prod_commit(&v->tx, off));
		else
			t_check(!fipc_prod_cancel(&v->tx, off));
		fipc_bell_ring(&v->bell);
		st->ok++;
	} else if (ret == -EAGAIN) {
		st->eagain++;
	} else {
		t_check(ret == -EPROTO);
		st->err++;
	}
}

/*
 * A record we hold sits behind a SKIP header that claims a whole area: a
 * lie (it would skip the held record), and the same header word at every
 * lap. The release must count it once and leave the index where it is.
 */
static void test_skip_lie(void)
{
	struct fipc_region c, s;
	struct fastipc_rec *h;
	uint32_t a, b;
	struct t_region t;

	t_region_create(&t, AREA);
	t_region_attach(&t, &c, true);
	t_region_attach(&t, &s, false);
	s.rx.stream = false;
	t_check(!fipc_prod_reserve(&c.tx, 100, &a));
	t_check(!fipc_prod_reserve(&c.tx, 100, &b));
	t_check(!fipc_prod_commit(&c.tx, a));
	t_check(!fipc_prod_commit(&c.tx, b));
	h = (struct fastipc_rec *)(c.tx.area + a - FIPC_REC_HDR);
	t_check(a == FIPC_REC_HDR);
	fipc_store_once(&h->len, AREA - FIPC_REC_HDR);
	fipc_store_release(&h->flags, FASTIPC_REC_SKIP);
	t_check(!fipc_cons_claim(&s.rx, b, 100));
	t_check(fipc_cons_release(&s.rx, b) == 0);
	t_check(fipc_load_once(s.rx.cons) == 0);
	t_check(s.rx.errors == 1);
	/* An honest SKIP of the same record is skipped, with the held one. */
	fipc_store_once(&h->len, 100);
	t_check(!fipc_cons_claim(&s.rx, b, 100));
	t_check(fipc_cons_release(&s.rx, b) == 1);
	t_check(fipc_load_once(s.rx.cons) == 2 * 112);
	t_check(s.rx.errors == 1);
	puts("ok skip_lie");
}

int main(void)
{
	struct victim_stats cs = { 0 }, ps = { 0 };
	uint64_t rnd = 0x9e3779b97f4a7c15ULL;
	struct hostile_arg a;
	struct fipc_region v;
	struct t_region t;
	int pid, i;

	test_skip_lie();
	t_region_create(&t, AREA);
	a.t = &t;
	t_region_attach(&t, &v, false);
	v.rx.stream = false;
	pid = t_fork(hostile_main, &a);
	alarm(120);
	for (i = 0; i < ROUNDS; i++) {
		victim_consume(&v, &cs, &rnd);
		victim_produce(&v, &ps, &rnd);
		if (i % 500 == 499) {	/* start over from the shared words */
			fipc_ring_init(&v.rx, v.rx.area, AREA, v.rx.prod,
				       v.rx.cons, false);
			fipc_ring_init(&v.tx, v.tx.area, AREA, v.tx.prod,
				       v.tx.cons, true);
			v.rx.errors = cs.err;
			v.tx.errors = ps.err;
			v.rx.stream = i > ROUNDS / 2;	/* then stream mode */
		}
	}
	if (waitpid(pid, NULL, WNOHANG) != 0)
		t_fail("the hostile peer died");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("consumer: %ju ok, %ju empty, %ju errors; producer: %ju ok,"
	       " %ju full, %ju errors; counted %ju + %ju\n",
	       (uintmax_t)cs.ok, (uintmax_t)cs.eagain, (uintmax_t)cs.err,
	       (uintmax_t)ps.ok, (uintmax_t)ps.eagain, (uintmax_t)ps.err,
	       (uintmax_t)v.rx.errors, (uintmax_t)v.tx.errors);
	/* Errors are reported and counted (how many depends on timing). */
	t_check(cs.err + ps.err > 0);
	t_check(v.rx.errors + v.tx.errors > 0);
	puts("ok hostile");
	return T_PASS;
}
