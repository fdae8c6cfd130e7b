#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# link_host.sh: host test (TAP 13) of README.md's "Linking a program
# against libfastipc": its commands (the indented lines of that section)
# run as written, in order, in a scratch directory that stands for the
# tree's top (its lib/ is a link to the tree's), on app.c, a program that
# prints fastipc_version(). Every command must succeed and every run of
# ./app print VERSION: the uninstalled link line runs without
# LD_LIBRARY_PATH, the DESTDIR one with what the README says.
# No root, no module.
set -u

. "$(dirname "$0")/host_tap.sh" link

echo "TAP version 13"
sed -n '/^### Linking a program against libfastipc/,/^##/s/^    //p' \
	"$top/README.md" >"$tmp/commands"
ncmd=$(wc -l <"$tmp/commands")
echo "1..$((ncmd + 2))"
if grep -q 'pkg-config' "$tmp/commands" && grep -q DESTDIR "$tmp/commands"; then
	ok "README.md shows $ncmd commands, the uninstalled and the DESTDIR case"
else
	nok "README.md's linking section shows the uninstalled and DESTDIR link lines"
fi

mkdir -p "$tmp/top"
ln -s "$top/lib" "$tmp/top/lib"
cat >"$tmp/top/app.c" <<'APP'
#include <fastipc.h>
#include <stdio.h>

int main(void)
{
	printf("%s\n", fastipc_version());
	return 0;
}
APP
# make -C lib, as the README says, must build what `all` does: after it,
# `make -q all` finds nothing to do (a rule above `all` in lib.mk would
# have become the default goal and built only itself).
if make -s -C "$top/lib" >"$tmp/lib.log" 2>&1 &&
	make -q -C "$top/lib" all >>"$tmp/lib.log" 2>&1; then
	ok "make -C lib (and then all is up to date)"
else
	sed 's/^/# /' "$tmp/lib.log"
	nok "make -C lib (and then all is up to date)"
fi

while IFS= read -r cmd; do
	out=$(cd "$tmp/top" && env -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH \
		bash -e -o pipefail -c "$cmd" 2>&1)
	st=$?
	case $cmd in
	*./app)	want=$version ;;
	*)	want= ;;
	esac
	if [ "$st" -eq 0 ] && { [ -z "$want" ] || [ "$out" = "$want" ]; }; then
		ok "$cmd"
	else
		printf '%s\n' "$out" | tail -n 10 | sed 's/^/# /'
		nok "$cmd (status $st${want:+, printed \"$out\", wanted \"$want\"})"
	fi
done <"$tmp/commands"

[ "$fails" -eq 0 ]
