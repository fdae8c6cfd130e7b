/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: objects, arrays, strings (escaped),
 * unsigned and signed integers and doubles. Pretty (indented) or compact
 * (one line, for JSON Lines output of -w and -e).
 */
#ifndef FASTIPC_STAT_JSON_H
#define FASTIPC_STAT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define FS_JSON_DEPTH	16

struct fs_json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[FS_JSON_DEPTH];
};

void fs_json_init(struct fs_json *j, FILE *f, bool pretty);
/* @key is NULL at the top level and inside arrays. */
void fs_json_obj(struct fs_json *j, const char *key);
void fs_json_arr(struct fs_json *j, const char *key);
void fs_json_end_obj(struct fs_json *j);
void fs_json_end_arr(struct fs_json *j);
/* Ends the document: a newline at depth 0. */
void fs_json_done(struct fs_json *j);
void fs_json_str(struct fs_json *j, const char *key, const char *s);
void fs_json_u64(struct fs_json *j, const char *key, uint64_t v);
void fs_json_s64(struct fs_json *j, const char *key, int64_t v);
void fs_json_dbl(struct fs_json *j, const char *key, double v);
void fs_json_null(struct fs_json *j, const char *key);

#endif /* FASTIPC_STAT_JSON_H */
