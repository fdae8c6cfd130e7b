// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The control fd: opening /dev/fastipc and the FASTIPC_IOC_API handshake.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define FASTIPC_DEV_PATH	"/dev/" FASTIPC_DEVICE_NAME

static int fipc_handshake(struct fastipc_dev *dev)
{
	int ret;

	memset(&dev->api, 0, sizeof(dev->api));
	dev->api.api = FASTIPC_API_VERSION;
	ret = fipc_ioctl(dev->fd, FASTIPC_IOC_API, &dev->api);
	if (ret < 0)
		return ret;
	if (dev->api.api != FASTIPC_API_VERSION)
		return -EINVAL;
	if (!(dev->api.features & FASTIPC_FEAT_COPY))
		return -EOPNOTSUPP;
	return 0;
}

__public __cold int fastipc_open(struct fastipc_dev **devp)
{
	struct fastipc_dev *dev;
	int ret;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = open(FASTIPC_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	ret = fipc_handshake(dev);
	if (ret < 0)
		goto err_close;
	*devp = dev;
	return 0;

err_close:
	close(dev->fd);
err_free:
	free(dev);
	return ret;
}

__public __cold void fastipc_close(struct fastipc_dev *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

__public int fastipc_dev_fd(const struct fastipc_dev *dev)
{
	return dev->fd;
}

__public const struct fastipc_api *fastipc_dev_api(const struct fastipc_dev *dev)
{
	return &dev->api;
}
