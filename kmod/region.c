// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc shared-memory regions and their doorbell.
 *
 * A region is a shmem file (charged to the memory cgroup of the task that
 * touches it; its pages can be swapped out while no one maps them) split
 * in two halves, one written by each side; see
 * the uapi header for the layout and the ring protocol. The kernel keeps
 * both control pages mapped to read the eventcounts and indices it
 * compares in WAIT and poll(); it never indexes memory with a value read
 * from a region. Mappings are made in region_map.c; each holds the
 * region, and so its quota charge: a region lives until its last fd and
 * its last mapping are gone.
 *
 * Locking: fipc_region.lock (a spinlock) protects dead and notify and
 * serialises the doorbell's waits; it nests inside fipc_chan.lock.
 */
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "fastipc.h"
#include "wait.h"

#define FIPC_WAIT_FLAGS	(FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT)

/* Size the halves: each area a power of two of at least a page. */
static int fipc_region_size(u64 want, u32 *area_size)
{
	u64 cap = READ_ONCE(fipc_region_max);
	u64 area;

	if (!want || want > cap)
		return -EINVAL;
	area = roundup_pow_of_two(max_t(u64, DIV_ROUND_UP(want, 2), PAGE_SIZE));
	if (2 * area > cap || area > U32_MAX / 2)
		return -EINVAL;
	*area_size = area;
	return 0;
}

static int fipc_region_map_ctl(struct fipc_region *reg, int side)
{
	struct address_space *mapping = reg->shmem->f_mapping;
	pgoff_t index = side == FIPC_SIDE_CLIENT ? 0 :
			reg->half_size >> PAGE_SHIFT;
	struct fastipc_region_ctl *ctl;
	struct page *page;

	page = shmem_read_mapping_page_gfp(mapping, index,
					   mapping_gfp_mask(mapping));
	if (IS_ERR(page))
		return PTR_ERR(page);
	reg->ctl_page[side] = page;
	ctl = vmap(&reg->ctl_page[side], 1, VM_MAP, PAGE_KERNEL);
	if (!ctl)
		return -ENOMEM;
	ctl->magic = FASTIPC_REGION_MAGIC;
	ctl->version = FASTIPC_REGION_VERSION;
	ctl->size = reg->size;
	ctl->area_size = reg->area_size;
	reg->ctl[side] = ctl;
	return 0;
}

static void fipc_region_free(struct kref *ref)
{
	struct fipc_region *reg = container_of(ref, struct fipc_region, ref);
	int side;

	for (side = 0; side < 2; side++) {
		if (!reg->ctl_page[side])
			continue;
		if (reg->ctl[side])
			vunmap(reg->ctl[side]);
		put_page(reg->ctl_page[side]);
	}
	if (reg->shmem)
		fput(reg->shmem);
	fipc_quota_uncharge(reg->uid, FIPC_QUOTA_REGION, reg->size);
	kfree(reg);
	atomic_dec(&fipc_nr_regions);
}

/**
 * fipc_region_create() - Create a region for a new connection.
 * @want: bytes asked for at CONNECT.
 *
 * Charges the region to the current task's effective uid.
 *
 * Return: the region with one reference, or an ERR_PTR(): -EINVAL for a
 * size above region_max, -EDQUOT beyond the user's quota, -ENOMEM.
 */
struct fipc_region *fipc_region_create(u64 want)
{
	struct fipc_region *reg;
	u32 area_size;
	int ret, side;

	ret = fipc_region_size(want, &area_size);
	if (ret)
		return ERR_PTR(ret);
	reg = kzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
	if (!reg)
		return ERR_PTR(-ENOMEM);
	kref_init(&reg->ref);
	spin_lock_init(&reg->lock);
	init_waitqueue_head(&reg->wq[FIPC_SIDE_CLIENT]);
	init_waitqueue_head(&reg->wq[FIPC_SIDE_SERVER]);
	reg->area_size = area_size;
	reg->half_size = PAGE_SIZE + (u64)area_size;
	reg->size = 2 * reg->half_size;
	reg->uid = current_euid();
	ret = fipc_quota_charge(reg->uid, FIPC_QUOTA_REGION, reg->size);
	if (ret) {
		kfree(reg);
		return ERR_PTR(ret);
	}
	atomic_inc(&fipc_nr_regions);
	reg->shmem = shmem_file_setup("fastipc-region", reg->size, VM_NORESERVE);
	if (IS_ERR(reg->shmem)) {
		ret = PTR_ERR(reg->shmem);
		/*
		 * shmem reports a failed inode allocation as -ENOSPC, which
		 * CONNECT documents as the connection quota: it is -ENOMEM.
		 */
		if (ret == -ENOSPC)
			ret = -ENOMEM;
		reg->shmem = NULL;
		goto err;
	}
	for (side = 0; side < 2; side++) {
		ret = fipc_region_map_ctl(reg, side);
		if (ret)
			goto err;
	}
	return reg;
err:
	fipc_region_put(reg);
	return ERR_PTR(ret);
}

/**
 * fipc_region_get() - Take a reference to a region.
 * @reg: the region.
 */
void fipc_region_get(struct fipc_region *reg)
{
	kref_get(&reg->ref);
}

/**
 * fipc_region_put() - Drop a reference to a region.
 * @reg: the region, or NULL.
 */
void fipc_region_put(struct fipc_region *reg)
{
	if (reg)
		kref_put(&reg->ref, fipc_region_free);
}

/**
 * fipc_region_layout() - Describe a region to userspace.
 * @reg: the region, or NULL for none.
 * @layout: filled; all zero without a region.
 */
void fipc_region_layout(const struct fipc_region *reg,
			struct fastipc_region_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	if (!reg)
		return;
	layout->size = reg->size;
	layout->version = FASTIPC_REGION_VERSION;
	layout->client_off = 0;
	layout->server_off = reg->half_size;
	layout->half_size = reg->half_size;
	layout->area_off = PAGE_SIZE;
	layout->area_size = reg->area_size;
	layout->producer_off = offsetof(struct fastipc_region_ctl, producer);
	layout->consumer_off = offsetof(struct fastipc_region_ctl, consumer);
	layout->eventcount_off = offsetof(struct fastipc_region_ctl, eventcount);
	layout->waiting_off = offsetof(struct fastipc_region_ctl, waiting);
}

/**
 * fipc_region_kill() - The peer is gone: wake every doorbell waiter.
 * @reg: the region, or NULL. Idempotent.
 *
 * Later WAIT and NOTIFY calls fail with -ECONNRESET and poll() reports
 * EPOLLHUP. Existing mappings stay valid.
 */
void fipc_region_kill(struct fipc_region *reg)
{
	if (!reg)
		return;
	spin_lock(&reg->lock);
	if (!reg->dead) {
		reg->dead = -ECONNRESET;
		wake_up_all(&reg->wq[FIPC_SIDE_CLIENT]);
		wake_up_all(&reg->wq[FIPC_SIDE_SERVER]);
	}
	spin_unlock(&reg->lock);
}

/**
 * fipc_region_notify() - Ring the peer's doorbell (FASTIPC_IOC_NOTIFY).
 * @reg: the region, or NULL.
 * @side: the caller's side.
 *
 * Return: 0, -ENODATA without a region, -ECONNRESET if the peer is gone.
 */
int fipc_region_notify(struct fipc_region *reg, int side)
{
	int peer = !side, ret;

	if (!reg)
		return -ENODATA;
	spin_lock(&reg->lock);
	ret = reg->dead;
	if (!ret) {
		reg->notify[peer]++;
		wake_up_interruptible_poll(&reg->wq[peer], EPOLLIN | EPOLLRDNORM);
	}
	spin_unlock(&reg->lock);
	return ret;
}

struct fipc_doorbell {
	struct fipc_region *reg;
	int side;
	u32 eventcount;
	u32 notify;
};

static bool fipc_doorbell_cond(void *arg)
{
	const struct fipc_doorbell *db = arg;
	struct fipc_region *reg = db->reg;

	return reg->dead || reg->notify[db->side] != db->notify ||
	       READ_ONCE(reg->ctl[!db->side]->eventcount) != db->eventcount;
}

/**
 * fipc_region_wait() - Sleep until the peer produces (FASTIPC_IOC_WAIT).
 * @reg: the region, or NULL.
 * @side: the caller's side.
 * @file: the fd the ioctl came through.
 * @cmd: the ioctl number.
 * @arg: pointer to a struct fastipc_wait.
 *
 * The waiter is queued before the peer's eventcount is compared, so a
 * producer that bumps it afterwards finds the waiting word set and rings.
 *
 * Return: 0, -ENODATA, -EINVAL, -EFAULT, -EAGAIN, -ETIMEDOUT, -EINTR, or
 * -ECONNRESET if the peer is gone.
 */
int fipc_region_wait(struct fipc_region *reg, int side, struct file *file,
		     unsigned int cmd, unsigned long arg)
{
	struct fipc_doorbell db = { .reg = reg, .side = side };
	struct fipc_deadline dl;
	struct fastipc_wait w;
	int ret;

	if (!reg)
		return -ENODATA;
	ret = fipc_args_in(&w, sizeof(w), FASTIPC_WAIT_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (w.flags & ~FIPC_WAIT_FLAGS)
		return -EINVAL;
	ret = fipc_deadline_init(&dl, w.flags, w.timeout_ns, file);
	if (ret)
		return ret;
	db.eventcount = w.eventcount;
	spin_lock(&reg->lock);
	db.notify = reg->notify[side];
	ret = fipc_wait_locked(&reg->wq[side], &reg->lock, fipc_doorbell_cond,
			       &db, &dl, true, false);
	if (!ret)
		ret = reg->dead;
	spin_unlock(&reg->lock);
	return ret;
}

/**
 * fipc_region_poll() - poll() for the peer's ring.
 * @reg: the region, or NULL.
 * @side: the caller's side.
 * @file: the fd being polled.
 * @wait: the poll table.
 *
 * Return: EPOLLIN when the peer's producer index differs from the
 * caller's consumer index, EPOLLHUP when the peer is gone, else 0.
 */
__poll_t fipc_region_poll(struct fipc_region *reg, int side, struct file *file,
			  poll_table *wait)
{
	if (!reg)
		return 0;
	poll_wait(file, &reg->wq[side], wait);
	if (READ_ONCE(reg->dead))
		return EPOLLHUP;
	if (READ_ONCE(reg->ctl[!side]->producer) !=
	    READ_ONCE(reg->ctl[side]->consumer))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/**
 * fipc_desc_check() - Check a descriptor a sender gives.
 * @d: the descriptor.
 * @area: the sender's own area (FASTIPC_AREA_C2S or FASTIPC_AREA_S2C).
 * @area_size: the size of the connection's areas, 0 without a region.
 *
 * Return: 0, or -EINVAL for another area, no region, or a range that does
 * not lie within the area.
 */
int fipc_desc_check(const struct fastipc_desc *d, u32 area, u32 area_size)
{
	if (d->area == FASTIPC_AREA_NONE)
		return d->offset || d->len ? -EINVAL : 0;
	if (d->area != area || !area_size)
		return -EINVAL;
	if (d->len > area_size || d->offset > area_size - d->len)
		return -EINVAL;
	return 0;
}

static int fipc_region_release(struct inode *inode, struct file *file)
{
	fipc_region_put(file->private_data);
	return 0;
}

static int fipc_region_fmmap(struct file *file, struct vm_area_struct *vma)
{
	return fipc_region_mmap(file->private_data, vma, FIPC_SIDE_SERVER);
}

static __poll_t fipc_region_fpoll(struct file *file, poll_table *wait)
{
	return fipc_region_poll(file->private_data, FIPC_SIDE_SERVER, file,
				wait);
}

static long fipc_region_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct fipc_region *reg = file->private_data;

	switch (FIPC_IOC_BASE(cmd)) {
	case FIPC_IOC_BASE(FASTIPC_IOC_NOTIFY):
		if (cmd != FASTIPC_IOC_NOTIFY)
			return -ENOTTY;
		return fipc_region_notify(reg, FIPC_SIDE_SERVER);
	case FIPC_IOC_BASE(FASTIPC_IOC_WAIT):
		return fipc_region_wait(reg, FIPC_SIDE_SERVER, file, cmd, arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations fipc_region_fops = {
	.owner		= THIS_MODULE,
	.release	= fipc_region_release,
	.mmap		= fipc_region_fmmap,
	.poll		= fipc_region_fpoll,
	.unlocked_ioctl	= fipc_region_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * fipc_region_file() - A server-side region fd's file.
 * @reg: the region; the file takes over the caller's reference on
 *	success.
 *
 * Return: the file, or an ERR_PTR() with the reference still the caller's.
 */
struct file *fipc_region_file(struct fipc_region *reg)
{
	return anon_inode_getfile("[fastipc-region]", &fipc_region_fops, reg,
				  O_RDWR);
}
