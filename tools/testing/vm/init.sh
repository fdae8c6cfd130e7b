#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the fastipc guest initramfs (built by run-guest.sh).
#
# Loads virtio/9p, mounts the host root read-only at /host and the
# writable output export, chroots into /host and runs the command that
# run-guest.sh wrote into the export. The command's stdout/stderr go to the
# second serial port (ttyS1, the host's stdout); the kernel log stays on
# ttyS0 (console.log). The exit status goes back through the export
# (exit-status) and a marker line on ttyS0, then the guest reboots, which
# ends QEMU (-no-reboot).

/bin/busybox mkdir -p /bin /proc /sys /dev /host /out
/bin/busybox --install -s /bin
export PATH=/bin

MSIZE=262144
PTS=/host/dev/pts

log()
{
	echo "fastipc-vm: $*"
}

finish()
{
	rc=$1
	[ -d /out/.fastipc-vm ] && echo "$rc" > /out/exit-status
	echo "fastipc-vm: taint-after=$(cat /proc/sys/kernel/tainted)" > /dev/kmsg
	[ -d /out/.fastipc-vm ] && dmesg > /out/dmesg.txt
	sync
	echo "FASTIPC-VM-EXIT=$rc"
	reboot -f
	sleep 30
}

die()
{
	log "setup error: $*"
	finish 125
}

mount -t proc proc /proc || die "mount /proc"
mount -t sysfs sysfs /sys || die "mount /sys"
mount -t devtmpfs devtmpfs /dev || die "mount /dev"
log "taint-before=$(cat /proc/sys/kernel/tainted)" > /dev/kmsg

# Module order was resolved on the host (modprobe --show-depends). A kernel
# with these built in rejects them, and the debug kernel's initramfs has
# none (FASTIPC_VM_MODULES=none); the mounts below tell whether it matters.
for m in $(cat /modules/order 2>/dev/null); do
	insmod "/modules/$m" 2>/dev/null || log "insmod $m failed (built in?)"
done

opts=trans=virtio,version=9p2000.L,msize=$MSIZE
mount -t 9p -o "$opts,ro" hostroot /host || die "mount 9p hostroot at /host"
mount -t 9p -o "$opts" fipcout /out || die "mount 9p fipcout at /out"
# A view of the host root without the tmpfs mounts below (non-recursive bind).
mkdir -p /hostro
mount -o bind /host /hostro || die "bind /host at /hostro"
[ -r /out/.fastipc-vm/guest.conf ] || die "missing /out/.fastipc-vm/guest.conf"
. /out/.fastipc-vm/guest.conf

mount -t proc proc /host/proc || die "mount /host/proc"
mount -t sysfs sysfs /host/sys || die "mount /host/sys"
mount -t devtmpfs devtmpfs /host/dev || die "mount /host/dev"
mkdir -p "$PTS" /host/dev/shm /host/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$PTS" || die "mount devpts"
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm || die "mount /dev/shm"
mount -t mqueue mqueue /host/dev/mqueue 2>/dev/null
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /host/sys/kernel/tracing 2>/dev/null
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 \
	 stderr:/proc/self/fd/2; do
	[ -e "/host/dev/${l%%:*}" ] || ln -s "${l#*:}" "/host/dev/${l%%:*}"
done
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || die "mount /tmp"
mount -t tmpfs -o mode=1777 tmpfs /host/var/tmp || die "mount /var/tmp"
mount -t tmpfs -o mode=0755 tmpfs /host/run || die "mount /run"
mkdir -p /host/run/lock /host/run/user

# Paths the command needs (its cwd, the repository) stay visible, read-only,
# even under the tmpfs mounts above.
while IFS= read -r p; do
	case $p in
	/tmp/*|/var/tmp/*|/run/*|/dev/shm/*) ;;
	*) continue ;;
	esac
	[ -d "/hostro$p" ] || continue
	mkdir -p "/host$p" && mount -o bind "/hostro$p" "/host$p" ||
		die "bind host $p into the guest"
done < /out/.fastipc-vm/expose

# The output directory appears at its host path, writable.
mkdir -p "/host$GUEST_OUT" 2>/dev/null
mount -o bind /out "/host$GUEST_OUT" || die "bind output dir at $GUEST_OUT"

hostname fastipc-vm

# kmemleak (debug kernel only; Debian's kernel has none): forget what boot
# leaked, so the scan after the command reports only what the command did.
KMEMLEAK=/host/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo scan > "$KMEMLEAK" && echo clear > "$KMEMLEAK" ||
		log "kmemleak: baseline scan failed" > /dev/kmsg
else
	KMEMLEAK=
fi
ip link set lo up 2>/dev/null

# Command output: ttyS1, raw (no \r\n translation).
stty -F /host/dev/ttyS1 raw -echo 2>/dev/null
log "running the command"
# Shortly before the host's timeout, dump blocked tasks into the kernel log.
if [ "${GUEST_DUMP_AFTER:-0}" -gt 0 ]; then
	(
		sleep "$GUEST_DUMP_AFTER"
		log "command still running after ${GUEST_DUMP_AFTER}s; blocked tasks:"
		echo w > /proc/sysrq-trigger
	) &
	dumper=$!
fi
chroot /host /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb \
	LANG=C.UTF-8 FASTIPC_VM=1 \
	/bin/bash "$GUEST_OUT/.fastipc-vm/cmd.sh" \
	</dev/null >/host/dev/ttyS1 2>&1
rc=$?
[ -n "${dumper:-}" ] && kill "$dumper" 2>/dev/null
log "command exited with status $rc"
# After the command (the test runner has removed the module by now): two
# scans, since kmemleak reports an object only once it is old enough and
# was seen unreferenced. The report goes to kmemleak.txt, which run-guest.sh
# prints and checks with check-splats.sh.
if [ -n "$KMEMLEAK" ]; then
	log "kmemleak: scanning" > /dev/kmsg
	if echo scan > "$KMEMLEAK" && sleep 6 && echo scan > "$KMEMLEAK"; then
		cat "$KMEMLEAK" > /out/kmemleak.txt
		n=$(grep -c 'unreferenced object' /out/kmemleak.txt)
		log "kmemleak: $n suspected leak(s), see kmemleak.txt" > /dev/kmsg
	else
		log "kmemleak: scan failed (kmemleak disabled itself?)" > /dev/kmsg
		echo "kmemleak: BUG: scan failed" > /out/kmemleak.txt
	fi
fi
finish "$rc"
