#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/testing/vm/run-guest.sh against a stand-in for QEMU: an emulator
# that dies of a signal before the guest wrote any output is booted once
# more, once; one that dies after the command wrote output, or on both
# boots, is a crash (exit 125); a clean run boots once.
. "$(dirname "$0")/host_tap.sh" run-guest

fake=$tmp/qemu
cat >"$fake" <<'EOF'
#!/bin/bash
# Boots counted in $FAKE_STATE; the console is the -serial file: argument.
for a; do case $a in file:*) console=${a#file:} ;; esac; done
n=$(( $(cat "$FAKE_STATE" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$FAKE_STATE"
case $FAKE_MODE.$n in
crash-boot.1 | crash-always.*) kill -SEGV $$ ;;
crash-late.*) echo "guest output"; kill -SEGV $$ ;;
esac
echo "guest output"
echo "FASTIPC-VM-EXIT=0" >>"$console"
EOF
chmod +x "$fake"

# run MODE: run-guest.sh's exit status, then the number of boots.
run()
{
	local rc
	rm -f "$tmp/state"
	FAKE_MODE=$1 FAKE_STATE=$tmp/state FASTIPC_VM_QEMU=$fake \
		FASTIPC_VM_KERNEL=$fake FASTIPC_VM_MODULES=none \
		"$top/tools/testing/vm/run-guest.sh" --timeout 30 \
		--out "$tmp/out-$1" -- true >"$tmp/log-$1" 2>&1
	rc=$?
	echo "$rc $(cat "$tmp/state" 2>/dev/null)"
}

echo "TAP version 13"
echo "1..4"
got=$(run clean)
if [ "${got%% *}" = 2 ]; then
	echo "# run-guest.sh cannot run here (no kernel or busybox):"
	sed 's/^/#   /' "$tmp/log-clean"
	for i in 1 2 3 4; do echo "ok $i # SKIP run-guest.sh prerequisites"; done
	exit 0
fi
check()
{
	if [ "$2" = "$3" ]; then ok "$1"; else
		nok "$1: exit and boots '$2', want '$3'"
		sed 's/^/#   /' "$tmp/log-$4"
	fi
}
check "a clean run boots once, exit 0" "$got" "0 1" clean
check "QEMU killed by SIGSEGV while booting: booted once more, exit 0" \
	"$(run crash-boot)" "0 2" crash-boot
check "QEMU killed after the command wrote output: no second boot, 125" \
	"$(run crash-late)" "125 1" crash-late
check "QEMU killed on both boots: 125" "$(run crash-always)" "125 2" \
	crash-always
[ "$fails" = 0 ]
