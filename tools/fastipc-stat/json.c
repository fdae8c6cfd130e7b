// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: the JSON writer (see json.h). Strings are escaped per
 * RFC 8259; channel names are printable ASCII anyway, user names may not be.
 */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void fs_json_init(struct fs_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
}

static void fs_json_indent(struct fs_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void fs_json_escaped(struct fs_json *j, const char *s)
{
	unsigned char c;

	fputc('"', j->f);
	for (; (c = (unsigned char)*s); s++) {
		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

/* Separator, indentation and key of the next member or element. */
static void fs_json_member(struct fs_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0)
		fs_json_indent(j);
	if (key) {
		fs_json_escaped(j, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void fs_json_open(struct fs_json *j, const char *key, char c)
{
	fs_json_member(j, key);
	fputc(c, j->f);
	if (j->depth < FS_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void fs_json_close(struct fs_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		fs_json_indent(j);
	fputc(c, j->f);
}

void fs_json_obj(struct fs_json *j, const char *key)
{
	fs_json_open(j, key, '{');
}

void fs_json_arr(struct fs_json *j, const char *key)
{
	fs_json_open(j, key, '[');
}

void fs_json_end_obj(struct fs_json *j)
{
	fs_json_close(j, '}');
}

void fs_json_end_arr(struct fs_json *j)
{
	fs_json_close(j, ']');
}

void fs_json_done(struct fs_json *j)
{
	fputc('\n', j->f);
	j->first[0] = true;
	fflush(j->f);
}

void fs_json_str(struct fs_json *j, const char *key, const char *s)
{
	fs_json_member(j, key);
	fs_json_escaped(j, s);
}

void fs_json_u64(struct fs_json *j, const char *key, uint64_t v)
{
	fs_json_member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void fs_json_s64(struct fs_json *j, const char *key, int64_t v)
{
	fs_json_member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void fs_json_dbl(struct fs_json *j, const char *key, double v)
{
	fs_json_member(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);
}

void fs_json_null(struct fs_json *j, const char *key)
{
	fs_json_member(j, key);
	fputs("null", j->f);
}
