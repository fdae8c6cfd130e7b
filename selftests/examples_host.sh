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
# -Wextra -Werror. No root, no module.
set -u

. "$(dirname "$0")/host_tap.sh" examples
CC=${CC:-cc}

# from_readme FILE: the ```c block after <!-- FILE --> in README.md.
from_readme()
{
	awk -v mark="<!-- $1 -->" '
		$0 == mark { want = 1; next }
		want == 1 && /^```c$/ { want = 2; next }
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
echo "TAP version 13"
echo "1..$(( $(echo "$files" | wc -w) * 2 + 3 ))"

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

[ "$fails" -eq 0 ]
