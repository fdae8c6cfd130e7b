# SPDX-License-Identifier: GPL-2.0
#
# bench-targets.awk: what the bench-*-targets.sh scripts share. Reads
# fastipc-bench's results.jsonl (flat JSON lines) into, per
# "mechanism@size@pairs" of a run that succeeded: p50[], p99[] (ns),
# rate[] (round trips per second, all pairs) and cpu[] (ns per round
# trip, client + server; "" when unknown). A script appends its END block
# calling target() and self().

# The value of "key" in a JSON line of fastipc-bench (flat, no nesting).
function field(line, key,    re, v) {
	re = "\"" key "\":"
	if (!match(line, re))
		return ""
	v = substr(line, RSTART + RLENGTH)
	sub(/^"/, "", v)
	sub(/[",}].*$/, "", v)
	return v
}

field($0, "status") == "ok" {
	k = field($0, "mechanism") "@" field($0, "size") "@" field($0, "pairs")
	p50[k] = field($0, "p50_ns")
	p99[k] = field($0, "p99_ns")
	rate[k] = field($0, "msgs_per_s")
	cpu[k] = field($0, "cpu_ns_per_rt")
	if (cpu[k] == "null")
		cpu[k] = ""
}

function us(ns) {
	return ns == "" ? "?" : sprintf("%.2f", ns / 1000)
}

# The value of @metric ("p50", "p99", "rate", "cpu") at key @k, or "".
function val(metric, k) {
	if (metric == "p50")
		return k in p50 ? p50[k] : ""
	if (metric == "p99")
		return k in p99 ? p99[k] : ""
	if (metric == "rate")
		return k in rate ? rate[k] : ""
	return k in cpu ? cpu[k] : ""
}

function show(metric, v) {
	if (metric == "rate")
		return sprintf("%.0f rt/s", v)
	return us(v) " us" (metric == "cpu" ? " CPU" : "")
}

# A line for the ratio @r of @what: against @op ("le": at most, "ge": at
# least, "": for information) @lim; "n/a" when @r is "".
function verdict(what, desc, r, op, lim, detail,    v) {
	if (r == "") {
		printf "  %-14s %-38s n/a (not run)", what, desc
		if (op != "")
			printf "  target %s %.2f", op == "le" ? "<=" : ">=", lim
		printf "\n"
		na++
		return
	}
	v = op == "" ? "info" : \
		(op == "le" ? r <= lim : r >= lim) ? "met" : "MISSED"
	printf "  %-14s %-38s %7.3f", what, desc, r
	if (op != "")
		printf "  target %s %.2f  %s", op == "le" ? "<=" : ">=", lim, v
	else
		printf "  for information"
	printf "  (%s)\n", detail
}

# @metric of mechanism @a over that of @b, both at @size and @pairs.
function target(what, metric, a, b, size, pairs, op, lim,    ka, kb, x, y) {
	ka = a "@" size "@" pairs
	kb = b "@" size "@" pairs
	x = val(metric, ka)
	y = val(metric, kb)
	if (x == "" || y == "" || y == 0) {
		verdict(what, metric " " a " / " b, "", op, lim, "")
		return
	}
	verdict(what, metric " " a " / " b, x / y, op, lim, \
		show(metric, x) " vs " show(metric, y) (metric == "cpu" ? "" : \
		"; CPU/rt " us(cpu[ka]) " vs " us(cpu[kb]) " us"))
}

# @m1 over @m2 of one mechanism @a (e.g. p99 / p50).
function self(what, m1, m2, a, size, pairs, op, lim,    k, x, y) {
	k = a "@" size "@" pairs
	x = val(m1, k)
	y = val(m2, k)
	if (x == "" || y == "" || y == 0) {
		verdict(what, m1 "/" m2 " " a, "", op, lim, "")
		return
	}
	verdict(what, m1 "/" m2 " " a, x / y, op, lim, \
		show(m1, x) " vs " show(m2, y))
}
