// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc region mappings.
 *
 * Every mapping of a region has a file of fastipc's own as vm_file: a
 * "[fastipc-map]" file, made at each mmap() of a connection or region fd,
 * that holds the region (and so its quota charge) and the module and
 * records the side whose fd was mapped. Faults are served here from the shmem
 * file's page cache; shmem's own vm_ops and file are never exposed. The
 * file has nothing of shmem's, not even its f_mapping (generic code takes
 * a file with a shmem mapping for a shmem file), so rmap does not find
 * these vmas: a page stays resident while it is mapped (reclaim and
 * migration skip it, as for pinned pages), and is allocated unmovable.
 *
 * So every generic path that reaches the pages goes through fastipc:
 * remap_file_pages() maps the vma's file again, through this file's mmap
 * and the same checks; the file cannot be reopened (/proc/PID/map_files
 * gives ENXIO) and cannot be hole-punched (MADV_REMOVE fails); the peer's
 * half is mapped without VM_MAYWRITE, so neither mprotect() nor
 * /proc/PID/mem nor process_vm_writev() can write it; VM_DONTEXPAND
 * refuses mremap() growth, duplication and MREMAP_DONTUNMAP, while a move
 * keeps the vma, its file and its flags; VM_DONTCOPY keeps mappings out of
 * a fork unless the owner asks with MADV_DOFORK, and then the child's copy
 * is the same vma with the same file and rights; userfaultfd refuses vmas
 * that are not anonymous, shmem or hugetlb ones.
 *
 * Locking: none of its own. Faults run under the mmap_lock and take the
 * shmem folio's lock, as filemap faults do.
 */
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "fastipc.h"

/**
 * struct fipc_region_map - What a "[fastipc-map]" file maps.
 * @reg: the region; a reference, dropped when the file is released.
 * @side: whose fd was mapped: the half it may write.
 */
struct fipc_region_map {
	struct fipc_region *reg;
	int side;
};

/* The half page @pgoff lies in, or -1 outside the region. */
static int fipc_region_half(const struct fipc_region *reg, pgoff_t pgoff)
{
	pgoff_t half = reg->half_size >> PAGE_SHIFT;

	if (pgoff < half)
		return FIPC_SIDE_CLIENT;
	if (pgoff < 2 * half)
		return FIPC_SIDE_SERVER;
	return -1;
}

/*
 * Only a page of the half this vma was mapped at, and from a vma that may
 * become writable only in the side's own half.
 */
static vm_fault_t fipc_region_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	const struct fipc_region_map *map = vma->vm_private_data;
	struct address_space *mapping = map->reg->shmem->f_mapping;
	int half = fipc_region_half(map->reg, vmf->pgoff);
	struct folio *folio;
	struct page *page;

	if (half < 0 || half != fipc_region_half(map->reg, vma->vm_pgoff) ||
	    (half != map->side && (vma->vm_flags & VM_MAYWRITE)))
		return VM_FAULT_SIGBUS;
	page = shmem_read_mapping_page_gfp(mapping, vmf->pgoff,
					   mapping_gfp_mask(mapping) &
					   ~__GFP_MOVABLE);
	if (IS_ERR(page))
		return vmf_error(PTR_ERR(page));
	folio = page_folio(page);
	folio_lock(folio);
	if (folio->mapping != mapping) {
		/* Moved out of the page cache meanwhile: fault again. */
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_NOPAGE;
	}
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

/*
 * No .open/.close: each vma holds its file, and the file holds the region
 * and the module, so splits, moves and copies are all counted.
 */
static const struct vm_operations_struct fipc_region_vm_ops = {
	.fault		= fipc_region_vm_fault,
};

/*
 * The checks of every mapping, first or made again: exactly one half,
 * shared, writable only for @side's own half.
 */
static int fipc_region_vm_check(const struct fipc_region *reg, int side,
				struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	int half;

	if (len != reg->half_size || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off == 0)
		half = FIPC_SIDE_CLIENT;
	else if (off == reg->half_size)
		half = FIPC_SIDE_SERVER;
	else
		return -EINVAL;
	if (half != side) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND;
	return 0;
}

/* remap_file_pages() maps the vma's file again: the same checks apply. */
static int fipc_region_map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct fipc_region_map *map = file->private_data;
	int ret;

	ret = fipc_region_vm_check(map->reg, map->side, vma);
	if (ret)
		return ret;
	vma->vm_ops = &fipc_region_vm_ops;
	vma->vm_private_data = map;
	return 0;
}

static int fipc_region_map_release(struct inode *inode, struct file *file)
{
	struct fipc_region_map *map = file->private_data;

	fipc_region_put(map->reg);
	kfree(map);
	return 0;
}

static const struct file_operations fipc_region_map_fops = {
	.owner		= THIS_MODULE,
	.mmap		= fipc_region_map_mmap,
	.release	= fipc_region_map_release,
	.fsync		= noop_fsync,	/* msync(MS_SYNC), as on shmem */
	.llseek		= noop_llseek,
};

/* A new "[fastipc-map]" file for @side's mapping of @reg. */
static struct file *fipc_region_map_file(struct fipc_region *reg, int side)
{
	struct fipc_region_map *map;
	struct file *file;

	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return ERR_PTR(-ENOMEM);
	map->reg = reg;
	map->side = side;
	file = anon_inode_getfile("[fastipc-map]", &fipc_region_map_fops, map,
				  O_RDWR);
	if (IS_ERR(file)) {
		kfree(map);
		return file;
	}
	fipc_region_get(reg);
	return file;
}

/**
 * fipc_region_mmap() - Map one half of a region.
 * @reg: the region.
 * @vma: the mapping: offset and length must be exactly one half's, and
 *	it must be MAP_SHARED.
 * @side: FIPC_SIDE_CLIENT or FIPC_SIDE_SERVER: whose fd this is.
 *
 * A side's own half may be writable; the peer's half is read-only for
 * good (VM_MAYWRITE is cleared). The vma's file becomes a new
 * "[fastipc-map]" file (see the top of this file), so that no generic
 * path can map the pages again without these checks. Mappings are not
 * inherited by fork and cannot be grown by mremap. Each mapping holds the
 * region (keeping its quota charged) and the module until it is unmapped.
 *
 * Return: 0, -EINVAL for a wrong offset, length or private mapping,
 * -EACCES for a writable mapping of the peer's half, -ENOMEM.
 */
int fipc_region_mmap(struct fipc_region *reg, struct vm_area_struct *vma,
		     int side)
{
	struct file *file;
	int ret;

	ret = fipc_region_vm_check(reg, side, vma);
	if (ret)
		return ret;
	file = fipc_region_map_file(reg, side);
	if (IS_ERR(file))
		return PTR_ERR(file);
	vma->vm_ops = &fipc_region_vm_ops;
	vma->vm_private_data = file->private_data;
	vma_set_file(vma, file);
	fput(file);
	return 0;
}
