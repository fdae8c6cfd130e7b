/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small files (sysfs, procfs, debugfs, cgroupfs): one read or one write.
 * Each returns 0 or -errno; a read is NUL-terminated (at most @len - 1
 * bytes, the trailing newline kept).
 */
#ifndef FASTIPC_FILE_UTIL_H
#define FASTIPC_FILE_UTIL_H

#include <stddef.h>

int fipc_file_read(const char *path, char *buf, size_t len);
int fipc_file_write(const char *path, const char *s);

#endif /* FASTIPC_FILE_UTIL_H */
