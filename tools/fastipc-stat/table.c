// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: column-aligned tables (see table.h). Cells are formatted
 * into heap strings as they are added; widths are computed at print time.
 * An allocation failure is remembered and reported by fs_table_print().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fastipc-stat.h"
#include "table.h"

int fs_table_init(struct fs_table *t, const char *const *heads,
		  const char *align)
{
	memset(t, 0, sizeof(*t));
	while (heads[t->ncols] && t->ncols < FS_TABLE_COLS) {
		t->heads[t->ncols] = heads[t->ncols];
		t->align[t->ncols] = align[t->ncols] == 'r' ? 'r' : 'l';
		t->ncols++;
	}
	return 0;
}

void fs_table_row(struct fs_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 16;
	char **p;

	if (t->err)
		return;
	if (t->nrows == t->cap) {
		p = realloc(t->cells, ncap * t->ncols * sizeof(*p));
		if (!p) {
			t->err = -ENOMEM;
			return;
		}
		t->cells = p;
		t->cap = ncap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*p));
	t->nrows++;
	t->col = 0;
}

void fs_table_cell(struct fs_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (t->err || !t->nrows || t->col >= t->ncols)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		t->err = -ENOMEM;
	else
		t->cells[(t->nrows - 1) * t->ncols + t->col++] = s;
	va_end(ap);
}

static void fs_table_line(const struct fs_table *t, FILE *f, int indent,
			  const char *const *cells, const size_t *w)
{
	size_t c;

	fprintf(f, "%*s", indent, "");
	for (c = 0; c < t->ncols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		int pad = c + 1 < t->ncols || t->align[c] == 'r' ? (int)w[c] : 0;

		if (c)
			fputs("  ", f);
		if (t->align[c] == 'r')
			fprintf(f, "%*s", pad, s);
		else
			fprintf(f, "%-*s", pad, s);
	}
	fputc('\n', f);
}

int fs_table_print(struct fs_table *t, FILE *f, int indent)
{
	size_t w[FS_TABLE_COLS];
	size_t r, c, len;

	if (t->err)
		return t->err;
	for (c = 0; c < t->ncols; c++)
		w[c] = strlen(t->heads[c]);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			len = s ? strlen(s) : 0;
			if (len > w[c])
				w[c] = len;
		}
	}
	fs_table_line(t, f, indent, t->heads, w);
	for (r = 0; r < t->nrows; r++)
		fs_table_line(t, f, indent,
			      (const char *const *)&t->cells[r * t->ncols], w);
	return 0;
}

void fs_table_free(struct fs_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

int fs_table_show(struct fs_table *t, int indent, const char *what)
{
	int ret = fs_table_print(t, stdout, indent);

	fs_table_free(t);
	if (ret < 0) {
		fs_err("formatting %s: out of memory", what);
		return FS_EXIT_ERR;
	}
	return 0;
}
