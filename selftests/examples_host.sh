#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# examples_host.sh: host test (TAP 13) that README.md and libfastipc(3)
# show the example programs of examples/ as they are, so the documents
# cannot drift from code that is built and run. Every file of examples/
# (*.c, *.h) must appear in both: in README.md as the ```c block after a
# "<!-- examples/FILE -->" line, in man/man3/libfastipc.3 as the .EX
# block after a '.\" examples/FILE' line (roff escapes \e \- \(aq \&
# undone). Each extracted copy must equal the file, and each document's
# copies must compile and link against lib/libfastipc.a with -Wall
# -Wextra -Werror.
#
# The RPC example, examples/rpc-kv/ (kv.proto, *.c), is shown in README.md
# only, in its "Define a service" section (the fenced block after
# "<!-- examples/rpc-kv/FILE -->"). Its build commands, the indented lines
# after "<!-- build: examples/rpc-kv -->" (protoc-c, then cc through
# pkg-config's uninstalled fastipc-rpc), run as written, in one shell, in
# a scratch top whose examples/rpc-kv/ holds the README's copies and whose
# lib/ is a link to the tree's; the client they build must start and print
# its usage (status 2). The line counts the section gives are checked
# against wc -l.
# No root, no module.
set -u

. "$(dirname "$0")/host_tap.sh" examples
CC=${CC:-cc}

# from_readme FILE: the fenced (```c, ```protobuf) block after
# <!-- FILE --> in README.md.
from_readme()
{
	awk -v mark="<!-- $1 -->" '
		$0 == mark { want = 1; next }
		want == 1 && /^```[a-z]*$/ { want = 2; next }
		want == 2 && /^```$/ { exit }
		want == 2 { print }
		want == 1 { exit }' "$top/README.md"
}

# from_man FILE: the .EX block after .\" FILE in libfastipc.3, unescaped.
from_man()
{
	awk -v mark=".\\\\\" $1" '
		$0 == mark { want = 1; next }
		want == 1 && $0 == ".EX" { want = 2; next }
		want == 2 && $0 == ".EE" { exit }
		want == 2 { print }
		want == 1 { exit }' "$top/man/man3/libfastipc.3" |
		sed -e 's/^\\&//' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\e/\\/g'
}

files=$(cd "$top" && ls examples/*.[ch])
rpc_files=$(cd "$top" && ls examples/rpc-kv/*.proto examples/rpc-kv/kv-rpc-*.c)
# The indented lines after <!-- build: examples/rpc-kv --> in README.md.
awk '$0 == "<!-- build: examples/rpc-kv -->" { want = 1; next }
	want && /^    / { sub(/^    /, ""); print; next }
	want && NF { exit }' "$top/README.md" >"$tmp/rpc-commands"
ncmd=$(wc -l <"$tmp/rpc-commands")
echo "TAP version 13"
echo "1..$(( $(echo "$files" | wc -w) * 2 + 3 + $(echo "$rpc_files" | wc -w) + 5 ))"

for doc in readme man; do
	mkdir -p "$tmp/$doc/examples"
	for f in $files; do
		"from_$doc" "$f" >"$tmp/$doc/$f"
		if [ -s "$tmp/$doc/$f" ] && cmp -s "$top/$f" "$tmp/$doc/$f"; then
			ok "$doc shows $f as it is"
		else
			diff -u "$top/$f" "$tmp/$doc/$f" | head -n 20 | sed 's/^/# /'
			nok "$doc shows $f as it is (missing or different)"
		fi
	done
done

if make -s -C "$top/lib" >"$tmp/lib.log" 2>&1; then
	ok "make -C lib"
else
	sed 's/^/# /' "$tmp/lib.log"
	nok "make -C lib"
fi
for doc in readme man; do
	st=0
	for c in "$tmp/$doc"/examples/*.c; do
		$CC -std=gnu11 -Wall -Wextra -Werror -pthread \
			-I"$top/lib/include" -I"$top/kmod/include/uapi" \
			-o "${c%.c}" "$c" "$top/lib/libfastipc.a" -pthread \
			>>"$tmp/$doc.log" 2>&1 || st=1
	done
	if [ "$st" -eq 0 ]; then
		ok "the programs shown in $doc compile and link"
	else
		sed 's/^/# /' "$tmp/$doc.log"
		nok "the programs shown in $doc compile and link"
	fi
done

# ---- examples/rpc-kv: README.md only ----
mkdir -p "$tmp/top/examples/rpc-kv"
ln -s "$top/lib" "$tmp/top/lib"
for f in $rpc_files; do
	from_readme "$f" >"$tmp/top/$f"
	if [ -s "$tmp/top/$f" ] && cmp -s "$top/$f" "$tmp/top/$f"; then
		ok "readme shows $f as it is"
	else
		diff -u "$top/$f" "$tmp/top/$f" | head -n 20 | sed 's/^/# /'
		nok "readme shows $f as it is (missing or different)"
	fi
done
if make -s -C "$top/lib/rpc" >"$tmp/rpc.log" 2>&1; then
	ok "make -C lib/rpc"
else
	sed 's/^/# /' "$tmp/rpc.log"
	nok "make -C lib/rpc"
fi
if grep -q '^protoc-c ' "$tmp/rpc-commands" && [ "$(grep -c '^cc ' "$tmp/rpc-commands")" -eq 2 ]; then
	ok "README.md shows the protoc-c command and the two cc commands"
else
	nok "README.md's build of examples/rpc-kv: no protoc-c command or not two cc commands"
fi
# One shell from the scratch top, as a reader types them: export and cd
# carry over.
if (cd "$tmp/top" && env -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH \
	bash -e -x -o pipefail "$tmp/rpc-commands") >"$tmp/rpc-build.log" 2>&1; then
	ok "README.md's $ncmd commands build examples/rpc-kv as written"
else
	tail -n 30 "$tmp/rpc-build.log" | sed 's/^/# /'
	nok "README.md's $ncmd commands build examples/rpc-kv as written"
fi
"$tmp/top/examples/rpc-kv/kv-rpc-client" >"$tmp/usage" 2>&1
st=$?
if [ "$st" -eq 2 ] && grep -q '^usage: kv-rpc-client ' "$tmp/usage"; then
	ok "the kv-rpc-client built as README.md says runs: its usage, status 2"
else
	sed 's/^/# /' "$tmp/usage"
	nok "the kv-rpc-client built as README.md says runs: its usage (status $st)"
fi

# "Line count: N lines for `examples/rpc-kv/` (... M of C) against R for
# the C files of the raw example (T with `kv.h`)"
lines()	{ (cd "$top" && cat "$@") | wc -l; }
want="$(lines examples/rpc-kv/kv.proto examples/rpc-kv/kv-rpc-*.c) $(lines examples/rpc-kv/kv-rpc-*.c)"
want="$want $(lines examples/*.c) $(lines examples/*.c examples/kv.h)"
said=$(tr '\n' ' ' <"$top/README.md" | tr -s ' ' |
	grep -o 'Line count: [0-9]* lines for `examples/rpc-kv/` ([^)]*, [0-9]* of C) against [0-9]* for the C files of the raw example ([0-9]* with' |
	tr -cs '0-9' ' ' | sed 's/^ *//; s/ *$//')
if [ "$said" = "$want" ]; then
	ok "README.md's line counts are wc -l's ($want)"
else
	nok "README.md's line counts (\"$said\") are not wc -l's ($want)"
fi

[ "$fails" -eq 0 ]
