#!/usr/bin/env bash
# run-in-guest.sh - run one command as root, in the current directory, under Debian bookworm's stock
# kernel booted in a throw-away QEMU guest. That kernel has what the test machines' own kernel lacks
# (XFRM interfaces, ESP, AEAD transforms as modules), so this is how tests prove the real kernel path.
#
#   scripts/guest-kernel/run-in-guest.sh [options] -- COMMAND [ARG...]
#
# The guest sees the host's / read-only over virtio-9p with a tmpfs overlay on top: host binaries (ip,
# ping, dotnet, the build output) run unchanged, and every write is dropped at power-off unless it lands
# in a --rw directory. There is no network device besides what the command creates. COMMAND is run as an
# argv (use `bash -c '...'` for a pipeline); its stdout and stderr stream to ours while it runs, and the
# environment carries CONCENTRATOR_GUEST=1 and CONCENTRATOR_GUEST_KERNEL=<uname -r>.
#
# Options:
#   --mem MB          guest memory (default 1024; `dotnet exec` of a test assembly fits in 768, ip-only
#                     work in 256, `dotnet vstest` wants 1024)
#   --cpus N          virtual CPUs (default: host cores, at most 4; TCG runs one host thread per vCPU)
#   --timeout S       power the guest off after S seconds (default 600)
#   --rw DIR          share host DIR read-write at the same path (repeatable)
#   --env NAME=VALUE  extra environment variable for COMMAND (repeatable)
#   --modules "M ..." extra kernel modules to load before COMMAND
#   --kernel-pkg P    boot this Debian kernel package instead of the one linux-image-amd64 depends on
#   --setup-only      fetch and prepare the kernel and initramfs, print their paths, do not boot
#   --timings         print how long setup, boot, command and power-off took to stderr
#   -v, --verbose     copy the guest console and timings to stderr
#
# Exit status: COMMAND's own, or
#   124  the guest ran out of --timeout
#   125  the guest ended (panic, crash, power-off) before COMMAND finished
#   123  setup failed (not root, apt-get download, unpacking, qemu missing, bad arguments)
#
# Needs root (9p export of /, apt), apt-get access on first use, and the Debian packages qemu-system-x86
# and busybox-static (scripts/install-test-deps.sh installs both), plus xz-utils (priority standard) to
# unpack the kernel image once; without xz it boots the compressed image, ~3.5 s slower per boot. The rest
# (dpkg, apt, grep, gzip, flock, timeout) is on every Debian system; readelf (binutils) is used if present.
#
# Cache: $CONCENTRATOR_GUEST_CACHE (default /var/cache/concentrator-guest), one directory per kernel
# package: the .deb unpacked with dpkg -x (never installed: the host's boot setup stays untouched), the
# uncompressed vmlinux (QEMU boots it through its PVH entry, skipping a ~3.5 s in-guest decompression)
# and a ~1.5 MB initramfs. Preparing takes one download (~70 MB); concurrent runs serialise on a flock.
#
# Why TCG: /dev/kvm on these machines is kvm_pvm, which runs only PVM-patched guest kernels.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${CONCENTRATOR_GUEST_CACHE:-/var/cache/concentrator-guest}
MEM=1024
CPUS=$(nproc)
((CPUS > 4)) && CPUS=4
TIMEOUT=600
VERBOSE=0
TIMINGS=0
SETUP_ONLY=0
KPKG=${CONCENTRATOR_GUEST_KERNEL_PKG:-}
EXTRA_MODULES=""
RW_DIRS=()
ENVS=()

# What the tests need loaded; dependencies (xfrm_algo, tunnel4, crypto helpers...) follow via modprobe.
PRELOAD="xfrm_user xfrm_interface esp4 esp6 xfrm4_tunnel xfrm6_tunnel veth dummy tun
 aesni_intel gcm ghash_clmulni_intel seqiv echainiv authenc authencesn cbc hmac sha256_generic
 sha512_generic chacha20poly1305"

setup_failed() { echo "run-in-guest: $*" >&2; exit 123; }
say() { if [ "$VERBOSE" = 1 ]; then echo "run-in-guest: $*" >&2; fi; }

while [ $# -gt 0 ]; do
	case "$1" in
	--mem) MEM=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--rw) mkdir -p "$2"; RW_DIRS+=("$(realpath "$2")"); shift 2 ;;
	--env) ENVS+=("$2"); shift 2 ;;
	--modules) EXTRA_MODULES="$EXTRA_MODULES $2"; shift 2 ;;
	--kernel-pkg) KPKG=$2; shift 2 ;;
	--setup-only) SETUP_ONLY=1; shift ;;
	--timings) TIMINGS=1; shift ;;
	-v | --verbose) VERBOSE=1; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	--) shift; break ;;
	-*) setup_failed "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || [ "$SETUP_ONLY" = 1 ] || setup_failed "no command given (see --help)"
[ "$(id -u)" = 0 ] || setup_failed "must run as root: it exports / to the guest and uses apt-get"
command -v qemu-system-x86_64 >/dev/null || setup_failed "qemu-system-x86_64 missing: apt-get install qemu-system-x86"
BUSYBOX=$(readlink -f /bin/busybox 2>/dev/null || true)
# The initramfs runs busybox before any library is reachable, so only the static build will do.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
	setup_failed "busybox-static missing: apt-get install busybox-static"
for dir in "$PWD" "$HERE" "$CACHE"; do
	[[ "$dir" != *[[:space:]]* ]] || setup_failed "paths with spaces are not supported: '$dir'"
done

# ------------------------------------------------------------------------------------------ setup --

# The kernel linux-image-amd64 (bookworm's current ABI, security updates included) depends on.
resolve_kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

download_kernel() { # into $1
	# root downloads itself: the _apt sandbox user may not write into the cache
	(cd "$1" && apt-get -q -o APT::Sandbox::User=root download "$KPKG" >&2)
}

# Writes the load order (dependencies first) of the named modules, as paths relative to $MODDIR.
module_closure() {
	local -A deps=() seen=()
	local line key
	while IFS= read -r line; do
		key=${line%%:*}
		deps[$key]=${line#*:}
	done <"$MODDIR/modules.dep"
	visit() {
		local rel=$1 dep
		[ -z "${seen[$rel]:-}" ] || return 0
		seen[$rel]=1
		for dep in ${deps[$rel]}; do visit "$dep"; done
		echo "$rel"
	}
	local name rel found
	for name in "$@"; do
		found=""
		for rel in "${!deps[@]}"; do
			case "$rel" in */"$name".ko | */"$name".ko.xz) found=$rel; break ;; esac
		done
		if [ -n "$found" ]; then
			visit "$found"
		elif ! grep -qE "/$name\.ko$" "$MODDIR/modules.builtin"; then
			setup_failed "module $name is neither in modules.dep nor built in"
		fi
	done
}

extract_vmlinux() {
	local offset
	rm -f "$KDIR/vmlinux" "$KDIR/vmlinux.partial"
	# busybox xzcat lacks the x86 BCJ filter the kernel's xz stream uses, so this needs xz-utils.
	if ! command -v xz >/dev/null; then
		echo "run-in-guest: xz-utils missing: booting the compressed kernel (~3.5 s slower)" >&2
		return 2
	fi
	# The bzImage carries the real kernel as an xz stream; the first stream that unpacks to an ELF wins.
	for offset in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$VMLINUZ" | cut -d: -f1); do
		tail -c +$((offset + 1)) "$VMLINUZ" | xz -dcq >"$KDIR/vmlinux.partial" 2>/dev/null || true
		[ "$(head -c 4 "$KDIR/vmlinux.partial" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] || continue
		# QEMU can only boot an ELF kernel through a PVH note (type 0x12); Debian's amd64 kernels have one.
		if command -v readelf >/dev/null && ! readelf -n "$KDIR/vmlinux.partial" | grep -q '(0x00000012)'; then
			continue
		fi
		mv "$KDIR/vmlinux.partial" "$KDIR/vmlinux"
		return 0
	done
	rm -f "$KDIR/vmlinux.partial"
	return 1
}

build_initramfs() {
	local tree n=0 rel target mods
	# in a command substitution setup_failed only ends the subshell, hence the check here
	mods=$(module_closure virtio_pci 9pnet_virtio 9p overlay) || setup_failed "initramfs modules missing"
	tree=$(mktemp -d "$CACHE/initramfs.XXXXXX")
	mkdir -p "$tree"/{bin,dev,proc,sys,lower,scratch,newroot,modules}
	cp "$BUSYBOX" "$tree/bin/busybox"
	cp "$HERE/guest-init.sh" "$tree/init"
	chmod 0755 "$tree/init"
	for rel in $mods; do
		n=$((n + 1))
		target=$tree/modules/$(printf %02d $n)-$(basename "${rel%.xz}")
		case "$rel" in
		*.xz) "$BUSYBOX" xzcat "$MODDIR/$rel" >"$target" ;;
		*) cp "$MODDIR/$rel" "$target" ;;
		esac
	done
	(cd "$tree" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1) >"$INITRD.partial"
	mv "$INITRD.partial" "$INITRD"
	rm -rf "$tree"
}

prepare() {
	mkdir -p "$CACHE"
	if [ -z "$KPKG" ]; then
		# apt-cache costs ~0.7 s, so its answer is kept until the package lists change
		local pin=$CACHE/kernel-pkg
		if [ -s "$pin" ] && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -newer "$pin" | head -n 1)" ]; then
			KPKG=$(cat "$pin")
		else
			KPKG=$(resolve_kernel_pkg)
			if [ -z "$KPKG" ]; then
				apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
				KPKG=$(resolve_kernel_pkg)
			fi
			[ -n "$KPKG" ] || setup_failed "cannot resolve linux-image-amd64 with apt-cache"
			echo "$KPKG" >"$pin"
		fi
	fi
	KDIR=$CACHE/$KPKG
	if [ ! -f "$KDIR/.unpacked" ]; then
		say "fetching $KPKG (unpacked with dpkg -x, never installed)"
		rm -rf "$KDIR" "$CACHE/download"
		mkdir -p "$KDIR" "$CACHE/download"
		# Stale package lists point at a file the mirror has dropped: refresh once and retry.
		download_kernel "$CACHE/download" ||
			{ apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && download_kernel "$CACHE/download"; } ||
			setup_failed "apt-get download $KPKG failed"
		dpkg -x "$CACHE"/download/"$KPKG"_*.deb "$KDIR" || setup_failed "dpkg -x $KPKG failed"
		rm -rf "$CACHE/download"
		KV=$(ls "$KDIR/lib/modules")
		# busybox depmod writes the plain modules.dep that busybox modprobe reads: no kmod needed.
		"$BUSYBOX" depmod -b "$KDIR" "$KV" || setup_failed "depmod for $KV failed"
		touch "$KDIR/.unpacked"
	fi
	KV=$(ls "$KDIR/lib/modules")
	MODDIR=$KDIR/lib/modules/$KV
	VMLINUZ=$KDIR/boot/vmlinuz-$KV
	if [ ! -f "$KDIR/vmlinux" ] && [ ! -f "$KDIR/vmlinux.none" ]; then
		# "none" is remembered only when the kernel really has no PVH entry, not when xz was missing
		extract_vmlinux || { [ $? = 2 ] || touch "$KDIR/vmlinux.none"; }
	fi
	if [ -f "$KDIR/vmlinux" ]; then BOOT=$KDIR/vmlinux; else BOOT=$VMLINUZ; fi
	INITRD=$KDIR/initramfs.cpio.gz
	# Rebuilt when the stage-1 script changes, so an edit never boots a stale /init.
	if [ ! -f "$INITRD" ] || [ "$INITRD" -ot "$HERE/guest-init.sh" ]; then
		say "building the initramfs"
		build_initramfs
	fi
}

T_START=$(date +%s.%N)
mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
flock 8
prepare
flock -u 8
exec 8>&-
if [ "$SETUP_ONLY" = 1 ]; then
	printf 'kernel: %s\ninitramfs: %s\nmodules: %s\n' "$BOOT" "$INITRD" "$MODDIR"
	exit 0
fi

# ---------------------------------------------------------------------------------------- the run --

RUN=$(mktemp -d "${TMPDIR:-/tmp}/concentrator-guest.XXXXXX")
QEMU_PID=""
TAIL_PIDS=()
cleanup() {
	if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; fi
	for pid in "${TAIL_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '%q ' "$@" >"$RUN/command.sh"
echo >>"$RUN/command.sh"
{
	printf 'GUEST_CWD=%q\n' "$PWD"
	printf 'GUEST_PATH=%q\n' "$PATH"
	printf 'GUEST_MODULES=%q\n' "$(echo $PRELOAD $EXTRA_MODULES)"
	printf 'GUEST_RW=('; for dir in "${RW_DIRS[@]}"; do printf '%q ' "$dir"; done; printf ')\n'
	printf 'GUEST_ENV=('; for kv in "${ENVS[@]}"; do printf '%q ' "$kv"; done
	[ -z "${DOTNET_ROOT:-}" ] || printf '%q ' "DOTNET_ROOT=$DOTNET_ROOT"
	printf ')\n'
} >"$RUN/settings.sh"
: >"$RUN/stdout"
: >"$RUN/stderr"

if [ "$VERBOSE" = 1 ]; then LOGLEVEL="loglevel=7"; else LOGLEVEL="quiet loglevel=3"; fi
# Under TCG the guest's TSC is the host's. The guest would calibrate it against the emulated PIT, and on a
# busy host that goes wrong by up to ~10x (clocks and timeouts in the guest then run that much fast), and the
# later refinement cannot repair it (it only accepts 1 % corrections). So hand over the host's frequency,
# which "cpu MHz" is when the TSC is constant and no cpufreq driver varies the clock (the VMs here).
CLOCK=""
if grep -qw constant_tsc /proc/cpuinfo && [ ! -d /sys/devices/system/cpu/cpu0/cpufreq ]; then
	TSC_KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
	if [ "${TSC_KHZ:-0}" -gt 0 ]; then CLOCK="tsc_early_khz=$TSC_KHZ"; fi
fi
QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -nographic -no-reboot
	-machine pc -accel tcg,thread=multi -cpu max -smp "$CPUS" -m "$MEM"
	-kernel "$BOOT" -initrd "$INITRD"
	# panic=-1 + -no-reboot: a guest crash ends QEMU at once instead of hanging until the timeout.
	-append "console=ttyS0 rdinit=/init panic=-1 oops=panic $LOGLEVEL mitigations=off nokaslr $CLOCK tsc=reliable no_timer_check random.trust_cpu=on cryptomgr.notests i8042.noaux i8042.nokbd cg.moddir=$MODDIR cg.stage2=$HERE/guest-stage2.sh"
	-serial "file:$RUN/console.log"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$RUN,mount_tag=guestrun,security_model=none")
i=0
for dir in "${RW_DIRS[@]}"; do
	QEMU+=(-virtfs "local,path=$dir,mount_tag=rw$i,security_model=none,multidevs=remap")
	i=$((i + 1))
done

say "kernel $KPKG, $CPUS vCPU, ${MEM} MB, run directory $RUN"
T_BOOT=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" "${QEMU[@]}" >"$RUN/qemu.log" 2>&1 &
QEMU_PID=$!
tail -s 0.1 -n +1 -F --pid=$QEMU_PID "$RUN/stdout" 2>/dev/null &
TAIL_PIDS+=($!)
tail -s 0.1 -n +1 -F --pid=$QEMU_PID "$RUN/stderr" >&2 2>/dev/null &
TAIL_PIDS+=($!)
if [ "$VERBOSE" = 1 ]; then
	tail -s 0.1 -n +1 -F --pid=$QEMU_PID "$RUN/console.log" 2>/dev/null | tr -d '\r' >&2 &
	TAIL_PIDS+=($!)
fi
QEMU_RC=0
wait "$QEMU_PID" || QEMU_RC=$?
QEMU_PID=""
# the tails end by themselves (--pid) after a last read, so no output is cut off
wait "${TAIL_PIDS[@]}" 2>/dev/null || true
TAIL_PIDS=()
T_END=$(date +%s.%N)

if [ -f "$RUN/command-start" ] && [ -f "$RUN/command-end" ]; then
	# mtimes of files the guest wrote through 9p are host-clock times
	timings="$(awk -v s="$T_START" -v b="$T_BOOT" -v c="$(stat -c %.9Y "$RUN/command-start")" \
		-v d="$(stat -c %.9Y "$RUN/command-end")" -v e="$T_END" \
		'BEGIN { printf "setup %.2fs, boot to command %.2fs, command %.2fs, power-off %.2fs, total %.2fs", b-s, c-b, d-c, e-d, e-s }')"
	if [ "$TIMINGS" = 1 ] || [ "$VERBOSE" = 1 ]; then echo "run-in-guest: $timings" >&2; fi
fi
if [ -s "$RUN/stage2.log" ]; then sed 's/^/run-in-guest: guest: /' "$RUN/stage2.log" >&2; fi
if [ -f "$RUN/rc" ]; then
	exit "$(cat "$RUN/rc")"
fi
# timeout(1) answers 124 when it had to stop QEMU, 137 if QEMU then needed SIGKILL
if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then
	echo "run-in-guest: timed out after ${TIMEOUT}s" >&2
	RC=124
else
	echo "run-in-guest: the guest ended before the command finished (qemu exit $QEMU_RC); console tail:" >&2
	RC=125
fi
tail -n 30 "$RUN/console.log" | tr -d '\r' >&2 || true
tail -n 5 "$RUN/qemu.log" >&2 || true
exit $RC
