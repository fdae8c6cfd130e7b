#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh [--timeout SECONDS] [--out DIR] -- CMD [ARGS...]
#
# Boot Debian's packaged kernel under QEMU with the host root shared
# read-only (every host path is the same in the guest) and DIR shared
# writable at its own path, run CMD as root in the same working directory,
# print its output and exit with its status. The run fails (non-zero, with
# the reason on stderr) if the guest kernel log shows a splat or a new taint
# other than O/E (see check-splats.sh), if the guest crashes, or on timeout.
#
# In the guest /tmp, /var/tmp, /run and /dev/shm are empty tmpfs, except
# that the working directory and this repository stay visible (read-only)
# if they live there. Only DIR (default build/vm/out) is writable.
#
# DIR receives: output.log (CMD's output), console.log (serial console,
# the kernel log), dmesg.txt, exit-status, and on a kernel with kmemleak
# (the debug kernel) kmemleak.txt: the report of two scans after CMD
# ended, after a baseline scan+clear before it; any leak fails the run.
#
# Environment:
#   KVER               guest kernel version (default: newest
#                      /lib/modules/*/build with a /boot/vmlinuz-*)
#   FASTIPC_VM_ACCEL   tcg (default) or kvm
#   FASTIPC_VM_CPU     the -cpu model under tcg (default max)
#   FASTIPC_VM_SMP     CPUs (2), FASTIPC_VM_MEM memory (2G)
#   FASTIPC_VM_KERNEL  kernel image (default /boot/vmlinuz-$KVER)
#   FASTIPC_VM_APPEND  extra kernel command line
#   FASTIPC_VM_MODULES none: no virtio/9p modules in the initramfs (a
#                      kernel with them built in, e.g. the debug kernel:
#                      see tools/testing/debug-kernel.sh run)
#   FASTIPC_VM_QEMU    the emulator (default qemu-system-x86_64 in PATH;
#                      selftests/run_guest_host.sh uses a stand-in)
# Variables named FASTIPC_*, KSFT_* and CI are passed to CMD.
set -euo pipefail

ME=run-guest
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
VMDIR=$TOP/build/vm

err()
{
	echo "$ME: error: $*" >&2
}

usage()
{
	echo "usage: $0 [--timeout SECONDS] [--out DIR] -- CMD [ARGS...]" >&2
	exit 2
}

TIMEOUT=600
OUT=$VMDIR/out
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) [ $# -ge 2 ] || usage; TIMEOUT=$2; shift 2 ;;
	--timeout=*) TIMEOUT=${1#*=}; shift ;;
	--out) [ $# -ge 2 ] || usage; OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	-*) err "unknown option $1"; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
[[ $TIMEOUT =~ ^[0-9]+$ ]] || { err "--timeout wants seconds, got '$TIMEOUT'"; exit 2; }

find_kver()
{
	local d v best=
	for d in /lib/modules/*/build; do
		[ -d "$d" ] || continue
		v=${d#/lib/modules/}
		v=${v%/build}
		[ -e "/boot/vmlinuz-$v" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
	done
	echo "$best"
}

KVER=${KVER:-$(find_kver)}
if [ -z "$KVER" ]; then
	err "no kernel with headers found (/lib/modules/*/build + /boot/vmlinuz-*); run 'make deps'"
	exit 2
fi
KERNEL=${FASTIPC_VM_KERNEL:-/boot/vmlinuz-$KVER}
[ -r "$KERNEL" ] || { err "cannot read guest kernel $KERNEL"; exit 2; }
QEMU=${FASTIPC_VM_QEMU:-$(command -v qemu-system-x86_64)} || { err "qemu-system-x86_64 not found; run 'make deps'"; exit 2; }
BUSYBOX=$(command -v busybox) || { err "busybox not found; run 'make deps'"; exit 2; }

mkdir -p "$OUT" || { err "cannot create output dir $OUT"; exit 2; }
OUT=$(cd "$OUT" && pwd -P)
mkdir -p "$VMDIR"

# ---- initramfs (cached; rebuilt when init.sh, busybox or modules change) ----

case ${FASTIPC_VM_MODULES:-} in
none)
	MODS=
	INITRD=$VMDIR/initramfs-nomodules.cpio.gz
	;;
'')
	MODS=$(modprobe -S "$KVER" --show-depends -a virtio_pci 9pnet_virtio 9p |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }') || {
		err "modprobe --show-depends failed for kernel $KVER"; exit 2; }
	[ -n "$MODS" ] || { err "no virtio/9p modules found for kernel $KVER"; exit 2; }
	INITRD=$VMDIR/initramfs-$KVER.cpio.gz
	;;
*) err "FASTIPC_VM_MODULES must be empty or none, got '$FASTIPC_VM_MODULES'"; exit 2 ;;
esac

key=$( { echo "kver $KVER mods ${FASTIPC_VM_MODULES:-}"
	sha256sum "$HERE/init.sh" "$BUSYBOX" $MODS; } | sha256sum | cut -d' ' -f1)

build_initramfs()
{
	local tmp m base
	tmp=$(mktemp -d "$VMDIR/initramfs.XXXXXX")
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/dev"
	cp "$BUSYBOX" "$tmp/bin/busybox"
	ln -s busybox "$tmp/bin/sh"
	install -m 0755 "$HERE/init.sh" "$tmp/init"
	: >"$tmp/modules/order"
	for m in $MODS; do
		base=$(basename "$m")
		case $m in
		*.ko.xz) base=${base%.xz}; xz -dc "$m" >"$tmp/modules/$base" ;;
		*.ko.zst) base=${base%.zst}; zstd -qdc "$m" >"$tmp/modules/$base" ;;
		*.ko.gz) base=${base%.gz}; gzip -dc "$m" >"$tmp/modules/$base" ;;
		*) cp "$m" "$tmp/modules/$base" ;;
		esac
		echo "$base" >>"$tmp/modules/order"
	done
	(cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) \
		>"$INITRD.tmp.$$"
	mv "$INITRD.tmp.$$" "$INITRD"
	echo "$key" >"$INITRD.key"
	rm -rf "$tmp"
}

if [ ! -s "$INITRD" ] || [ "$(cat "$INITRD.key" 2>/dev/null)" != "$key" ]; then
	echo "$ME: building initramfs for $KVER" >&2
	build_initramfs || { err "building the initramfs failed"; exit 2; }
fi

# ---- command script and config for the guest ----

rm -rf "$OUT/.fastipc-vm"
rm -f "$OUT/console.log" "$OUT/dmesg.txt" "$OUT/exit-status" "$OUT/output.log" \
	"$OUT/kmemleak.txt" "$OUT/console-qemu-crash.log"
mkdir -p "$OUT/.fastipc-vm"
CWD=$(pwd -P)
{
	echo "# generated by run-guest.sh"
	while IFS= read -r v; do
		printf 'export %s=%q\n' "$v" "${!v}"
	done < <(compgen -e | grep -E '^(FASTIPC_[A-Za-z0-9_]*|KSFT_[A-Za-z0-9_]*|CI)$' || true)
	printf 'export KVER=%q\n' "$KVER"
	printf 'cd %q || { echo "run-guest: cannot cd to %q in the guest" >&2; exit 125; }\n' \
		"$CWD" "$CWD"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$OUT/.fastipc-vm/cmd.sh"
{
	printf 'GUEST_OUT=%q\n' "$OUT"
	printf 'GUEST_DUMP_AFTER=%d\n' $(( TIMEOUT > 60 ? TIMEOUT - 30 : 0 ))
} >"$OUT/.fastipc-vm/guest.conf"
printf '%s\n' "$CWD" "$TOP" >"$OUT/.fastipc-vm/expose"

# ---- QEMU ----

case ${FASTIPC_VM_ACCEL:-tcg} in
tcg) accel=(-accel tcg -cpu "${FASTIPC_VM_CPU:-max}") ;;
kvm) accel=(-accel kvm -cpu host) ;;
*) err "FASTIPC_VM_ACCEL must be tcg or kvm, got '$FASTIPC_VM_ACCEL'"; exit 2 ;;
esac

# TCG on a loaded host can starve vCPUs: relax the lockup/stall detectors
# (a real lockup still trips them) so they do not report false splats.
append="console=ttyS0 rdinit=/init panic=-1 oops=panic watchdog_thresh=30"
append+=" rcupdate.rcu_cpu_stall_timeout=60 ${FASTIPC_VM_APPEND:-}"
# shellcheck disable=SC2054 # QEMU option values contain commas
qemu_args=(
	-nodefaults -no-user-config -no-reboot -display none
	"${accel[@]}" -smp "${FASTIPC_VM_SMP:-2}" -m "${FASTIPC_VM_MEM:-2G}"
	-kernel "$KERNEL" -initrd "$INITRD" -append "$append"
	-serial "file:$OUT/console.log"
	-chardev stdio,id=cmdout,signal=off -serial chardev:cmdout
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=fipcout,path=$OUT,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=fipcout,mount_tag=fipcout
)

# QEMU itself killed by a signal (not by the timeout) before the guest
# wrote a byte of the command's output is an emulator crash on the host
# (TCG has been seen to die of a general protection fault while booting),
# not a result of the command: boot once more, keeping the first console.
start=$(date +%s%N)
for attempt in 1 2; do
	set +e
	timeout -k 10 "$TIMEOUT" "$QEMU" "${qemu_args[@]}" </dev/null | tee "$OUT/output.log"
	st=("${PIPESTATUS[@]}")
	set -e
	qst=${st[0]}
	if [ "$attempt" = 1 ] && [ "$qst" -gt 128 ] && [ "$qst" -ne 137 ] &&
		[ ! -s "$OUT/output.log" ] && [ ! -e "$OUT/exit-status" ]; then
		err "qemu died of signal $((qst - 128)) before the guest ran the command: booting once more"
		mv -f "$OUT/console.log" "$OUT/console-qemu-crash.log" 2>/dev/null || true
		continue
	fi
	break
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
elapsed=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))

fail=
crashed=
if [ "$qst" -eq 124 ] || [ "$qst" -eq 137 ]; then
	fail="timeout after ${TIMEOUT}s"
	crashed=1
	rc=124
elif [ "$qst" -ne 0 ]; then
	fail="qemu exited with status $qst"
	crashed=1
	rc=125
elif [ -s "$OUT/exit-status" ]; then
	rc=$(cat "$OUT/exit-status")
else
	rc=$(tr -d '\r' <"$OUT/console.log" 2>/dev/null |
		sed -n 's/^FASTIPC-VM-EXIT=\([0-9]*\)$/\1/p' | tail -n1)
	if [ -z "$rc" ]; then
		fail="the guest ended without an exit status (crash or panic?)"
		crashed=1
		rc=125
	fi
fi

logs=("$OUT/console.log")
[ -s "$OUT/dmesg.txt" ] && logs+=("$OUT/dmesg.txt")
if [ -s "$OUT/kmemleak.txt" ]; then
	logs+=("$OUT/kmemleak.txt")
	echo "$ME: kmemleak report ($OUT/kmemleak.txt):" >&2
	sed 's/^/  | /' "$OUT/kmemleak.txt" >&2
fi
if ! splats=$("$HERE/../check-splats.sh" "${logs[@]}"); then
	echo "$splats" >&2
	fail="${fail:+$fail; }kernel log shows a splat or taint (see above)"
	case $rc in 0|4) rc=1 ;; esac
fi

if [ -n "$fail" ]; then
	err "$fail"
	if [ -n "$crashed" ] && [ -s "$OUT/console.log" ]; then
		echo "$ME: last console lines ($OUT/console.log):" >&2
		tr -d '\r' <"$OUT/console.log" | tail -n 30 | sed 's/^/  | /' >&2
	fi
fi
echo "$ME: exit status $rc, ${elapsed}s, logs in $OUT" >&2
exit "$rc"
