// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: fast local procedure calls through /dev/fastipc.
 *
 * This file registers the misc device and the module parameters, and
 * checks at unload that every object was freed.
 */
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "fastipc.h"

#ifndef FASTIPC_VERSION
#define FASTIPC_VERSION "0.0.0"
#endif

unsigned int fipc_msg_max_cap = 4U << 20;
module_param_named(msg_max_cap, fipc_msg_max_cap, uint, 0644);
MODULE_PARM_DESC(msg_max_cap, "Largest inline payload a channel may allow, bytes (default 4 MiB)");

unsigned int fipc_queue_msgs_cap = 65536;
module_param_named(queue_msgs_cap, fipc_queue_msgs_cap, uint, 0644);
MODULE_PARM_DESC(queue_msgs_cap, "Largest per-channel queue, messages (default 65536)");

unsigned int fipc_queue_bytes_cap = 64U << 20;
module_param_named(queue_bytes_cap, fipc_queue_bytes_cap, uint, 0644);
MODULE_PARM_DESC(queue_bytes_cap, "Largest per-channel queue, payload bytes (default 64 MiB)");

unsigned int fipc_region_max = 256U << 20;
module_param_named(region_max, fipc_region_max, uint, 0644);
MODULE_PARM_DESC(region_max, "Largest shared-memory region, bytes of data areas (default 256 MiB)");

unsigned long fipc_region_user_max = 1UL << 30;
module_param_named(region_user_max, fipc_region_user_max, ulong, 0644);
MODULE_PARM_DESC(region_user_max, "Region bytes one user may hold (default 1 GiB)");

unsigned int fipc_user_chans_max = 1024;
module_param_named(user_chans_max, fipc_user_chans_max, uint, 0644);
MODULE_PARM_DESC(user_chans_max, "Channels one user may have (default 1024)");

unsigned int fipc_user_conns_max = 4096;
module_param_named(user_conns_max, fipc_user_conns_max, uint, 0644);
MODULE_PARM_DESC(user_conns_max, "Connections one user may have (default 4096)");

unsigned long fipc_user_queue_bytes_max = 256UL << 20;
module_param_named(user_queue_bytes_max, fipc_user_queue_bytes_max, ulong, 0644);
MODULE_PARM_DESC(user_queue_bytes_max, "Payload bytes of one user's queued messages, all channels (default 256 MiB)");

unsigned int fipc_spin_ns = 50000;
module_param_named(spin_ns, fipc_spin_ns, uint, 0644);
MODULE_PARM_DESC(spin_ns, "Longest busy-wait of a CALL for its reply and of a REPLY_RECV for the next request, ns (default 50000, 0 disables)");

int fipc_access;
module_param_named(access, fipc_access, int, 0644);
MODULE_PARM_DESC(access, "0: everyone may use fastipc, 1: only group access_gid and CAP_SYS_ADMIN, 2: nobody");

unsigned int fipc_access_gid;
module_param_named(access_gid, fipc_access_gid, uint, 0644);
MODULE_PARM_DESC(access_gid, "The group access=1 admits (in the initial user namespace)");

atomic_t fipc_nr_chans = ATOMIC_INIT(0);
atomic_t fipc_nr_conns = ATOMIC_INIT(0);
atomic_t fipc_nr_msgs = ATOMIC_INIT(0);
atomic_t fipc_nr_regions = ATOMIC_INIT(0);

static int fipc_ctl_open(struct inode *inode, struct file *file)
{
	int ret = fipc_access_check();

	return ret ?: nonseekable_open(inode, file);
}

static const struct file_operations fipc_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= fipc_ctl_open,
	.unlocked_ioctl	= fipc_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= no_llseek,
};

static struct miscdevice fipc_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= FASTIPC_DEVICE_NAME,
	.fops	= &fipc_ctl_fops,
	.mode	= 0666,
};

static int __init fipc_init(void)
{
	int ret;

	ret = fipc_nl_init();
	if (ret)
		return ret;
	ret = misc_register(&fipc_misc);
	if (ret)
		goto err_nl;
	pr_info("version %s loaded\n", FASTIPC_VERSION);
	return 0;
err_nl:
	fipc_nl_exit();
	return ret;
}

static void __exit fipc_exit(void)
{
	misc_deregister(&fipc_misc);
	fipc_nl_exit();
	WARN(atomic_read(&fipc_nr_chans) || atomic_read(&fipc_nr_conns) ||
	     atomic_read(&fipc_nr_msgs) || atomic_read(&fipc_nr_regions),
	     "fastipc: leaked %d channels, %d connections, %d messages, %d regions\n",
	     atomic_read(&fipc_nr_chans), atomic_read(&fipc_nr_conns),
	     atomic_read(&fipc_nr_msgs), atomic_read(&fipc_nr_regions));
}

module_init(fipc_init);
module_exit(fipc_exit);

MODULE_DESCRIPTION("fastipc: fast local procedure calls");
MODULE_LICENSE("GPL");
MODULE_VERSION(FASTIPC_VERSION);
