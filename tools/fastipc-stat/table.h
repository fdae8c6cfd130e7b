/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Column-aligned text tables, as lsipc prints them: a header row, columns
 * as wide as their widest cell, numbers right-aligned.
 */
#ifndef FASTIPC_STAT_TABLE_H
#define FASTIPC_STAT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define FS_TABLE_COLS	16

struct fs_table {
	size_t ncols;
	const char *heads[FS_TABLE_COLS];
	char align[FS_TABLE_COLS];	/* 'l' or 'r' */
	char **cells;			/* nrows * ncols */
	size_t nrows, cap, col;
	int err;
};

/* @heads: NULL-terminated column titles; @align: one l or r per column. */
int fs_table_init(struct fs_table *t, const char *const *heads,
		  const char *align);
void fs_table_row(struct fs_table *t);
void fs_table_cell(struct fs_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints @indent spaces before each line. Return: 0 or -ENOMEM. */
int fs_table_print(struct fs_table *t, FILE *f, int indent);
void fs_table_free(struct fs_table *t);
/*
 * Print to standard output, then free. Return: 0, or FS_EXIT_ERR after
 * saying that @what (such as "the table") could not be formatted.
 */
int fs_table_show(struct fs_table *t, int indent, const char *what);

#endif /* FASTIPC_STAT_TABLE_H */
