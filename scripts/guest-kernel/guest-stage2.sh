# Stage 2 of the test guest: PID 1, the host's /bin/bash, inside the overlay root built by guest-init.sh.
# It finishes the mounts a normal system would have, preloads the XFRM/ESP/crypto modules, runs the
# command from /run/guest/command.sh as root with its output in /run/guest/{stdout,stderr} (the host
# tails those files), writes the exit code to /run/guest/rc and powers the machine off.
set +e
RUN=/run/guest
mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
# /tmp stays the overlay's (writable, thrown away): a tmpfs there would hide a cache or --rw dir under the host's /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
echo /usr/sbin/modprobe >/proc/sys/kernel/modprobe
echo 1 >/proc/sys/kernel/sysrq
hostname concentrator-guest
# /run/netns as a mount point of its own: `ip netns add` then only marks it shared, instead of bind-mounting
# it onto itself, which two tests doing their first `ip netns add` at once would both do.
mount -t tmpfs -o mode=0755 netns /run/netns && mount --make-shared /run/netns
ip link set lo up

# shellcheck source=/dev/null
. "$RUN/settings.sh"   # GUEST_CWD GUEST_PATH GUEST_MODULES GUEST_RW=() GUEST_ENV=()

i=0
for dir in "${GUEST_RW[@]}"; do
	mkdir -p "$dir" && mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=512000 "rw$i" "$dir" ||
		echo "guest-stage2: cannot mount read-write share $dir" >>"$RUN/stage2.log"
	i=$((i + 1))
done

# Everything would also load on demand through the kernel's modprobe hook; preloading keeps the first
# netlink request of a test from paying for it, and a missing module shows up here, by name.
# shellcheck disable=SC2086
modprobe -a $GUEST_MODULES 2>>"$RUN/stage2.log" || echo "guest-stage2: modprobe -a failed" >>"$RUN/stage2.log"

export PATH="$GUEST_PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export HOME=/root TERM=dumb LANG=C.UTF-8 TMPDIR=/tmp \
	DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
	CONCENTRATOR_GUEST=1 CONCENTRATOR_GUEST_KERNEL="$(uname -r)"
for kv in "${GUEST_ENV[@]}"; do export "$kv"; done
cd "$GUEST_CWD" 2>/dev/null || cd /

date +%s.%N >"$RUN/command-start"
bash "$RUN/command.sh" >"$RUN/stdout" 2>"$RUN/stderr" </dev/null
rc=$?
date +%s.%N >"$RUN/command-end"
# rc appears atomically: the host treats "no rc file" as "the guest died before the command ended".
echo "$rc" >"$RUN/rc.partial" && mv "$RUN/rc.partial" "$RUN/rc"
sync
echo o >/proc/sysrq-trigger
sleep 10
echo b >/proc/sysrq-trigger
