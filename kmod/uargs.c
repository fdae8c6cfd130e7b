// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc ioctl argument handling: size-versioned structs and names.
 *
 * The size userspace compiled against travels in the ioctl number
 * (_IOC_SIZE). Structs only grow at the end, so an older, shorter struct is
 * zero-extended and a newer, longer one is accepted only if its tail is
 * zero: exactly copy_struct_from_user().
 */
#include <linux/errno.h>
#include <linux/ioctl.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fastipc.h"

/**
 * fipc_args_in() - Read a size-versioned ioctl argument.
 * @karg: kernel copy to fill.
 * @ksize: sizeof(*karg).
 * @ver0: size of the first published version of the struct.
 * @cmd: the ioctl number; its size field is the caller's struct size.
 * @arg: the userspace pointer.
 *
 * Return: 0, -EINVAL if the caller's struct is smaller than @ver0, -E2BIG
 * if it is larger than a page or has a non-zero tail this kernel does not
 * know, -EFAULT on a bad pointer.
 */
int fipc_args_in(void *karg, size_t ksize, size_t ver0, unsigned int cmd,
		 unsigned long arg)
{
	size_t usize = _IOC_SIZE(cmd);

	if (usize < ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, (void __user *)arg, usize);
}

/**
 * fipc_args_out() - Write an ioctl argument back to userspace.
 * @cmd: the ioctl number; its size field is the caller's struct size.
 * @arg: the userspace pointer.
 * @karg: the kernel copy, fully initialised (no stale padding).
 * @ksize: sizeof(*karg).
 *
 * Only the fields the caller knows are written; a longer caller struct was
 * checked to have a zero tail by fipc_args_in() and keeps it.
 *
 * Return: 0 or -EFAULT.
 */
int fipc_args_out(unsigned int cmd, unsigned long arg, const void *karg,
		  size_t ksize)
{
	size_t n = min_t(size_t, _IOC_SIZE(cmd), ksize);

	return copy_to_user((void __user *)arg, karg, n) ? -EFAULT : 0;
}

/**
 * fipc_name_check() - Validate a channel name field.
 * @name: FASTIPC_NAME_MAX bytes.
 *
 * A name is 1 to FASTIPC_NAME_MAX - 1 printable ASCII bytes other than '/',
 * NUL-terminated and NUL-padded.
 *
 * Return: 0, -ENAMETOOLONG without a NUL, -EINVAL if empty, with a byte
 * outside 0x21..0x7e, a '/', or a non-zero byte after the NUL.
 */
int fipc_name_check(const char *name)
{
	size_t len = strnlen(name, FASTIPC_NAME_MAX);
	size_t i;

	if (len == FASTIPC_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c < 0x21 || c > 0x7e || c == '/')
			return -EINVAL;
	}
	if (memchr_inv(name + len, 0, FASTIPC_NAME_MAX - len))
		return -EINVAL;
	return 0;
}

/**
 * fipc_ref_check() - Validate a channel reference used for a lookup.
 * @ref: the reference; exactly one of a name or a non-zero key.
 *
 * Return: 0, -EINVAL for both or neither, or fipc_name_check()'s error.
 */
int fipc_ref_check(const struct fastipc_chan_ref *ref)
{
	bool has_name = memchr_inv(ref->name, 0, FASTIPC_NAME_MAX);

	if (has_name == !!ref->key)
		return -EINVAL;
	return has_name ? fipc_name_check(ref->name) : 0;
}
