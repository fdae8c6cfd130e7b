#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man_host.sh: host test (TAP 13) of the man pages' version. Every page
# under man/ says "@VERSION@" in its footer (the .TH line's 4th field),
# never a number: `make man` writes the copies that `make install`
# installs, with VERSION in its place. Checked: the sources carry the
# placeholder, and every page `make man` writes has a footer ending in
# VERSION and no placeholder left; a .so page points at a page that is
# there. No root, no module.
set -u

. "$(dirname "$0")/host_tap.sh" man

# The 4th field of a page's .TH line ("" when it has none).
footer()
{
	sed -n 's/^\.TH [^ ]* [^ ]* [^ ]* "\([^"]*\)".*/\1/p' "$1" | head -n1
}

echo "TAP version 13"
echo "1..4"

bad=
for f in "$top"/man/man[0-9]/*.[0-9]; do
	grep -q '^\.so ' "$f" && continue
	case $(footer "$f") in
	*" @VERSION@") ;;
	*) bad="$bad ${f#"$top"/}" ;;
	esac
done
if [ -z "$bad" ]; then ok "man/ sources: every footer is \"... @VERSION@\""
else nok "man/ sources: footer without @VERSION@ (write \"libfastipc @VERSION@\"):$bad"; fi

if make -s -C "$top" man MAN_OUT="$tmp/man" >"$tmp/log" 2>&1; then
	ok "make man MAN_OUT=..."
else
	sed 's/^/# /' "$tmp/log"
	nok "make man MAN_OUT=..."
fi

bad=
pages=0
for f in "$tmp"/man/man[0-9]/*; do
	[ -f "$f" ] || continue
	pages=$((pages + 1))
	grep -q '@VERSION@' "$f" && bad="$bad ${f#"$tmp"/man/}(placeholder)"
	if grep -q '^\.so ' "$f"; then
		t=$(sed -n 's/^\.so //p' "$f" | head -n1)
		[ -f "$tmp/man/$t" ] || bad="$bad ${f#"$tmp"/man/}(.so $t)"
		continue
	fi
	case $(footer "$f") in
	*" $version") ;;
	*) bad="$bad ${f#"$tmp"/man/}($(footer "$f"))" ;;
	esac
done
src=$(ls "$top"/man/man[0-9]/*.[0-9] | wc -l)
if [ -z "$bad" ] && [ "$pages" -eq "$src" ] && [ "$pages" -gt 0 ]; then
	ok "$pages pages written, every footer says $version"
else
	nok "pages written: $pages of $src; wrong:$bad"
fi

# The install rule installs these copies, not the sources.
if grep -q 'install .*\$(MAN_OUT)/man' "$top/Makefile"; then
	ok "make install installs the pages from \$(MAN_OUT)"
else
	nok "make install installs the pages from \$(MAN_OUT)"
fi

[ "$fails" -eq 0 ]
