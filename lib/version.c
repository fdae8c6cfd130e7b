// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The version of the running library. FASTIPC_LIB_VERSION* come from the
 * top-level VERSION file through the Makefile.
 */
#include "internal.h"

#ifndef FASTIPC_LIB_VERSION
#error "FASTIPC_LIB_VERSION must be defined by the build"
#endif

_Static_assert(FASTIPC_LIB_VERSION_MAJOR == FASTIPC_VERSION_MAJOR &&
	       FASTIPC_LIB_VERSION_MINOR == FASTIPC_VERSION_MINOR,
	       "VERSION and FASTIPC_VERSION_MAJOR/MINOR in fastipc.h disagree");

__public const char *fastipc_version(void)
{
	return FASTIPC_LIB_VERSION;
}

__public int fastipc_version_major(void)
{
	return FASTIPC_LIB_VERSION_MAJOR;
}

__public int fastipc_version_minor(void)
{
	return FASTIPC_LIB_VERSION_MINOR;
}
