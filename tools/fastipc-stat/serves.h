/* SPDX-License-Identifier: GPL-2.0 */
/* fastipc-stat --rpc: the describe call of fastipc-rpc (serves.c). */
#ifndef FASTIPC_STAT_SERVES_H
#define FASTIPC_STAT_SERVES_H

#include <stdint.h>

#include <fastipc-rpc.h>

struct fs_json;

/* struct fs_serves - The answer: @desc on OK, else @st says why not. */
struct fs_serves {
	struct fastipc_rpc_status st;
	Fastipc__Rpc__Description *desc;
};

/*
 * fs_serves_get() - Connect to the channel @name (or @key when @name is
 * NULL) and ask its server what it serves. Return: 0, or -1 with @s->st
 * saying why (no device, no permission, not a fastipc-rpc server, no
 * answer in 2 s).
 */
int fs_serves_get(const char *name, uint64_t key, struct fs_serves *s);
void fs_serves_free(struct fs_serves *s);
void fs_serves_text(const struct fs_serves *s);
void fs_serves_json(struct fs_json *j, const struct fs_serves *s);

#endif /* FASTIPC_STAT_SERVES_H */
