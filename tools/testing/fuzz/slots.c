// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: the per-process tables of fds, received messages, mappings
 * and fork children that the threads of a worker share.
 *
 * The locks are only held for table updates, never across a syscall that
 * can block, so a fork (pthread_atfork takes both) never waits long.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

void fz_stale_add(struct fz_proc *p, int fd)
{
	static unsigned int next;

	p->stale[__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % 16] = fd;
}

/* Add fd to the table; when the table is full, close a random entry. */
void fz_slot_add(struct fz_thr *t, int fd, int kind, uint64_t conn_id,
		 const struct fastipc_region_layout *layout)
{
	struct fz_proc *p = t->p;
	int i, victim = -1, start = (int)fz_below(t, FZ_SLOTS);

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &p->slots[(start + i) % FZ_SLOTS];

		if (s->fd < 0) {
			s->fd = fd;
			s->kind = kind;
			s->conn_id = conn_id;
			s->has_layout = layout != NULL;
			if (layout)
				s->layout = *layout;
			pthread_mutex_unlock(&p->lock);
			fz_publish(t, fd, conn_id, 0);
			return;
		}
	}
	victim = p->slots[start].fd;
	p->slots[start].fd = fd;
	p->slots[start].kind = kind;
	p->slots[start].conn_id = conn_id;
	p->slots[start].has_layout = layout != NULL;
	if (layout)
		p->slots[start].layout = *layout;
	pthread_mutex_unlock(&p->lock);
	if (victim >= 0 && victim != fd) {
		close(victim);
		fz_stale_add(p, victim);
	}
	fz_publish(t, fd, conn_id, 0);
}

/*
 * An fd to use: mostly one of the right kind, sometimes any table entry,
 * a stale number (closed, perhaps reused) or a foreign one (another
 * process's number). Returns the fd, or -1 if none; out gets a copy of
 * the entry (kind FZ_ANY for numbers not from the table).
 */
int fz_slot_pick(struct fz_thr *t, int kind, struct fz_slot *out)
{
	struct fz_proc *p = t->p;
	uint64_t r = fz_below(t, 100);
	int i, n = 0, start = (int)fz_below(t, FZ_SLOTS);

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (r >= 94) {
		out->fd = r < 97 ? p->stale[fz_below(t, 16)] :
			__atomic_load_n(&p->sh->fd_pool[fz_below(t, FZ_POOL)],
					__ATOMIC_RELAXED);
		if (out->fd < 3)
			out->fd = -1;
		return out->fd;
	}
	if (r >= 84)
		kind = FZ_ANY;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_SLOTS && !n; i++) {
		struct fz_slot *s = &p->slots[(start + i) % FZ_SLOTS];

		if (s->fd >= 0 && (kind == FZ_ANY || s->kind == kind)) {
			*out = *s;
			n = 1;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return out->fd;
}

/* Remove a random entry from the table; the caller closes it. */
int fz_slot_take(struct fz_thr *t, struct fz_slot *out)
{
	struct fz_proc *p = t->p;
	int i, start = (int)fz_below(t, FZ_SLOTS);

	out->fd = -1;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &p->slots[(start + i) % FZ_SLOTS];

		if (s->fd >= 0) {
			*out = *s;
			s->fd = -1;
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return out->fd;
}

/*
 * Like a real server or client, often close an fd whose object died
 * (-EIDRM, -ECONNRESET), so dead channels do not fill the table.
 */
void fz_slot_dead(struct fz_thr *t, int fd, int ret)
{
	struct fz_proc *p = t->p;
	int i;

	if ((ret != -EIDRM && ret != -ECONNRESET) || fd < 3 || fz_chance(t, 40))
		return;
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_SLOTS; i++) {
		if (p->slots[i].fd == fd) {
			p->slots[i].fd = -1;
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (i < FZ_SLOTS) {
		fz_stale_add(p, fd);
		close(fd);
	}
}

void fz_recent_add(struct fz_thr *t, int chan_fd,
		   const struct fastipc_msg_hdr *h)
{
	struct fz_proc *p = t->p;
	struct fz_recent *r;

	pthread_mutex_lock(&p->lock);
	r = &p->recent[fz_below(t, FZ_RECENT)];
	r->chan_fd = chan_fd;
	r->msg_id = h->msg_id;
	r->conn_id = h->conn_id;
	r->type = h->type;
	r->reply_max = h->reply_max;
	pthread_mutex_unlock(&p->lock);
	fz_publish(t, -1, h->conn_id, h->msg_id);
}

bool fz_recent_pick(struct fz_thr *t, struct fz_recent *out)
{
	struct fz_proc *p = t->p;

	pthread_mutex_lock(&p->lock);
	*out = p->recent[fz_below(t, FZ_RECENT)];
	pthread_mutex_unlock(&p->lock);
	return out->msg_id || out->conn_id;
}

void fz_map_add(struct fz_thr *t, void *addr, size_t len, int prot,
		const struct fastipc_region_layout *layout)
{
	struct fz_proc *p = t->p;
	struct fz_map old = { 0 };
	struct fz_map *m;

	pthread_rwlock_wrlock(&p->maplock);
	m = &p->maps[fz_below(t, FZ_MAPS)];
	old = *m;
	m->addr = addr;
	m->len = len;
	m->prot = prot;
	m->whole = true;
	memset(&m->layout, 0, sizeof(m->layout));
	if (layout)
		m->layout = *layout;
	/* unmapped under the lock: nobody may be scribbling on it */
	if (old.addr)
		munmap(old.addr, old.len);
	pthread_rwlock_unlock(&p->maplock);
}

void fz_child_add(struct fz_proc *p, pid_t pid)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_CHILDREN; i++) {
		if (!p->children[i]) {
			p->children[i] = pid;
			pid = 0;
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	for (i = 0; pid && i < 500; i++) {
		/* no room: kill it and wait, bounded (it may be stuck) */
		kill(pid, SIGKILL);
		if (waitpid(pid, NULL, WNOHANG) != 0)
			break;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

/* Reap finished fork children; with kill_all, kill and wait for all. */
void fz_children_reap(struct fz_proc *p, bool kill_all)
{
	int i, tries;

	for (i = 0; i < FZ_CHILDREN; i++) {
		pid_t pid;

		pthread_mutex_lock(&p->lock);
		pid = p->children[i];
		pthread_mutex_unlock(&p->lock);
		if (!pid)
			continue;
		if (kill_all)
			kill(pid, SIGKILL);
		for (tries = 0; tries < (kill_all ? 3000 : 1); tries++) {
			pid_t r = waitpid(pid, NULL, WNOHANG);

			if (r == pid || (r < 0 && errno == ECHILD)) {
				pthread_mutex_lock(&p->lock);
				p->children[i] = 0;
				pthread_mutex_unlock(&p->lock);
				break;
			}
			if (kill_all)
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		}
	}
}

void fz_close_all(struct fz_proc *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < FZ_SLOTS; i++) {
		if (p->slots[i].fd >= 0)
			close(p->slots[i].fd);
		p->slots[i].fd = -1;
	}
	pthread_mutex_unlock(&p->lock);
	pthread_rwlock_wrlock(&p->maplock);
	for (i = 0; i < FZ_MAPS; i++) {
		if (p->maps[i].addr)
			munmap(p->maps[i].addr, p->maps[i].len);
		p->maps[i].addr = NULL;
	}
	pthread_rwlock_unlock(&p->maplock);
}
