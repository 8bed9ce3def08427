#!/bin/busybox sh
# Stage 1, the initramfs /init of the test guest (run by the static busybox that the initramfs carries).
# It loads the 9p/overlay modules, mounts the host's / read-only over virtio-9p with a tmpfs overlay on
# top (so every write in the guest is thrown away at power-off), mounts the per-run share, points
# /usr/lib/modules/<guest kernel> at the unpacked kernel package, and hands over to stage 2 (host bash).
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sys /sys
$B mount -t devtmpfs dev /dev

fail() {
	echo "guest-init: $*" >/dev/console
	$B sync
	$B poweroff -f
}

# Parameters come from the kernel command line: cg.moddir=<host path> cg.stage2=<host path>.
for word in $($B cat /proc/cmdline); do
	case "$word" in
	cg.moddir=*) MODDIR=${word#cg.moddir=} ;;
	cg.stage2=*) STAGE2=${word#cg.stage2=} ;;
	esac
done
[ -n "$MODDIR" ] && [ -n "$STAGE2" ] || fail "cg.moddir / cg.stage2 missing from the kernel command line"

# The initramfs holds only the modules needed to reach the host root, named NN-name.ko in load order.
for m in /modules/*.ko; do
	[ -e "$m" ] || continue
	$B insmod "$m" || fail "insmod $m"
done

# msize: bigger 9p messages make reading the dotnet runtime and test assemblies much faster.
$B mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /lower ||
	fail "cannot mount the host root (9p tag hostroot)"
$B mount -t tmpfs -o mode=0755 scratch /scratch
$B mkdir -p /scratch/upper/usr/lib/modules /scratch/upper/usr/sbin /scratch/work
KV=$($B uname -r)
# Relative to the new root the host path is the same, so a symlink is enough (no bind mount needed).
$B ln -s "$MODDIR" "/scratch/upper/usr/lib/modules/$KV"
# The host's modprobe may be kmod, which needs index files busybox depmod does not write: use busybox.
$B ln -sf /bin/busybox /scratch/upper/usr/sbin/modprobe
$B mount -t overlay -o lowerdir=/lower,upperdir=/scratch/upper,workdir=/scratch/work overlay /newroot ||
	fail "cannot mount the overlay root"

$B mount -t tmpfs -o mode=0755 run /newroot/run
$B mkdir -p /newroot/run/guest /newroot/run/netns /newroot/run/lock
# The per-run directory is shared read-write without caching, so the host sees output as it is written.
$B mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=512000 guestrun /newroot/run/guest ||
	fail "cannot mount the run directory (9p tag guestrun)"

$B mount --move /dev /newroot/dev
$B umount /proc /sys
exec $B switch_root /newroot /bin/bash "$STAGE2"
