#!/bin/busybox sh
# Guest /init for `native-fixtures/vm/run container` (busybox, PID 1): the founding case's module,
# built and loaded from a privileged container, diagnosed by limbo from the guest's host side.
# `run` fills in the @NAME@ placeholders. Everything is reported on the console (lines starting
# with LIMBO-VM) and in /out (a writable 9p share: the host's target/vm-container/guest). The
# guest always powers off, never hangs.
#
# The guest's "host": an overlay whose lower layers are the Debian kernel's files (the `kernel`
# share: /usr/lib/modules/<release>, /usr/src/linux-headers-*, /usr/lib/linux-kbuild-*, as the
# packages install them) over the host's / (the read-only `hostroot` share), with a tmpfs on top.
# So the guest has the host's userland (docker.io, the JDK, limbo) plus its own kernel's modules
# and headers, like a Debian host with linux-headers installed. dockerd runs there (chroot), its
# data root on the virtio disk /dev/vda (the cached docker disk, snapshot=on) or a tmpfs.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin HOME=/dev/shm LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "LIMBO-VM $*"; }
stamp() { read -r up _ </proc/uptime; say "TIME $1 ${up}s"; }
R=/newroot
off() {
  # dockerd first (it unmounts its layers), then the data disk, so that a warm cache stays clean
  if [ -n "${dpid:-}" ] && kill -0 "$dpid" 2>/dev/null; then
    kill -TERM "$dpid" 2>/dev/null
    n=0; while kill -0 "$dpid" 2>/dev/null && [ "$n" -lt 300 ]; do n=$((n + 1)); sleep 0.1; done
  fi
  sync; umount $R/var/lib/limbo-docker 2>/dev/null; sync; poweroff -f; sleep 30
}
finish() { echo "$*" >/out/status 2>/dev/null; say "RESULT $*"; off; }
fail() { finish "FAIL $*"; }

stamp init
( sleep @GUEST_TIMEOUT@; say "guest watchdog expired"; echo "FAIL guest watchdog expired" >/out/status; off ) &

# virtio, 9p, overlay, ext4: in the dependency order modprobe computed on the host
for m in $(cat /mod/order); do insmod "/mod/$m" || fail "insmod $m"; done
mkdir -p /host /kernel /out /rw
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || fail "mount 9p out"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot /host || fail "mount 9p hostroot"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose kernel /kernel || fail "mount 9p kernel"
mount -t tmpfs -o mode=755 tmpfs /rw && mkdir -p /rw/upper /rw/work $R || fail "tmpfs /rw"
mount -t overlay overlay -o lowerdir=/kernel:/host,upperdir=/rw/upper,workdir=/rw/work $R ||
  fail "overlay root (kernel files over the host root)"
mount -t proc proc $R/proc && mount -t sysfs sysfs $R/sys && mount -t devtmpfs devtmpfs $R/dev &&
  mkdir -p $R/dev/shm $R/dev/pts && mount -t tmpfs tmpfs $R/dev/shm && mount -t devpts devpts $R/dev/pts &&
  mount -t cgroup2 cgroup2 $R/sys/fs/cgroup && mount -t tmpfs -o mode=755 tmpfs $R/run ||
  fail "mounts inside the guest root"
mkdir -p $R/var/lib/limbo-docker
if [ -b /dev/vda ]; then
  mount -t ext4 /dev/vda $R/var/lib/limbo-docker || fail "mount the docker disk /dev/vda"
else
  mount -t tmpfs tmpfs $R/var/lib/limbo-docker || fail "tmpfs for docker"
fi
ip link set lo up 2>/dev/null
hostname limbo-vm
export TMPDIR=/dev/shm
kver=$(uname -r)
chroot $R test -f "/lib/modules/$kver/build/Makefile" ||
  fail "the guest root has no headers for $kver under /lib/modules/$kver/build"
grep -q "^memory " /proc/modules && fail "module memory already loaded before the container ran"
stamp mounts

# --- the container runtime: Debian's docker.io from the host's userland, under tini as a subreaper
# (the containerd shims it orphans are reaped there, not by this PID 1). containerd is started
# first and waited for: dockerd gives a containerd it starts itself only a few seconds, too few
# for an emulated CPU on a busy machine.
dk() { timeout -s KILL 600 chroot $R env DOCKER_HOST=unix:///run/limbo-docker.sock docker "$@"; }
mkdir -p $R/run/limbo-docker/containerd
cat >$R/run/limbo-docker/containerd.toml <<'EOF'
version = 2
root = "/var/lib/limbo-docker/containerd/daemon"
state = "/run/limbo-docker/containerd/daemon"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/limbo-docker/containerd/containerd.sock"
EOF
cat >$R/run/limbo-docker/engine.sh <<'EOF'
containerd --config /run/limbo-docker/containerd.toml &
n=0
until ctr --address /run/limbo-docker/containerd/containerd.sock version >/dev/null 2>&1; do
  n=$((n + 1)); [ "$n" -lt 1500 ] || { echo "containerd did not answer within 300 s" >&2; exit 1; }
  sleep 0.2
done
exec dockerd --host=unix:///run/limbo-docker.sock --data-root=/var/lib/limbo-docker \
  --containerd=/run/limbo-docker/containerd/containerd.sock \
  --exec-root=/run/limbo-docker --pidfile=/run/limbo-docker.pid --iptables=false --ip6tables=false \
  --bridge=none --ip-masq=false --storage-driver=overlay2 --log-level=warn
EOF
chroot $R tini -s -g -- /bin/sh /run/limbo-docker/engine.sh >/out/dockerd.log 2>&1 &
dpid=$!
n=0
until dk version >/dev/null 2>&1; do
  kill -0 "$dpid" 2>/dev/null || fail "dockerd exited: $(grep -v grpc /out/dockerd.log | tail -n 3)"
  n=$((n + 1)); [ "$n" -lt 600 ] || fail "dockerd did not answer within 300 s"
  sleep 0.5
done
say "engine: $(dk version --format '{{.Server.Version}}' 2>&1) on $(dk info --format '{{.Driver}} {{.CgroupDriver}} cgroup v{{.CgroupVersion}}' 2>&1)"
stamp engine

image=@IMAGE@
if dk image inspect "$image" >/dev/null 2>&1; then
  say "image $image: already in the cached data root"
  echo cached >/out/image-source
else
  dk load -i @IMAGE_TAR@ >/out/load.log 2>&1 || fail "docker load @IMAGE_TAR@: $(tail -n 2 /out/load.log)"
  dk image inspect "$image" >/dev/null 2>&1 || fail "docker load did not give $image"
  sync
  say "image $image: loaded from @IMAGE_TAR@"
  echo loaded >/out/image-source
fi
dk ps -aq | grep -q . && fail "containers left in the data root: $(dk ps -a)"
stamp image

# --- the case: `seed` builds the module against the guest's headers, loads it, runs the program
mkfifo /run/hold
# (no time limit on `docker run` itself: it holds the container's stdin, the fixture's release)
chroot $R env DOCKER_HOST=unix:///run/limbo-docker.sock docker run -i --name limbo-seed --privileged --network host \
  -v /lib/modules:/lib/modules:ro -v /usr/src:/usr/src:ro -v @KBUILD@:@KBUILD@:ro \
  "$image" seed --hold 3600 </run/hold >/run/fixture.json 2>/out/container.err &
runpid=$!
exec 3>/run/hold
n=0
until grep -q '"child"' /run/fixture.json 2>/dev/null; do
  kill -0 "$runpid" 2>/dev/null || fail "the seed container exited early: $(tail -n 5 /out/container.err)"
  n=$((n + 1)); [ "$n" -lt 6000 ] || fail "the seed container did not report after 6000 checks"
  # what the guest runs meanwhile (the module build is the slow part under emulation)
  [ $((n % 100)) != 0 ] || { stamp waiting; ps -o pid,ppid,stat,args >/out/progress.txt 2>&1; }
  sleep 0.1
done
line=$(head -n 1 /run/fixture.json)
say "container fixture: $line"
cid=$(dk inspect --format '{{.Id}}' limbo-seed) || fail "docker inspect limbo-seed"
in_child=$(echo "$line" | sed -n 's/.*"child":\([0-9]*\).*/\1/p')
in_tid=$(echo "$line" | sed -n 's/.*"stuck":\([0-9]*\).*/\1/p')
[ -n "$in_child" ] && [ -n "$in_tid" ] || fail "cannot parse the fixture line: $line"
grep -q "^memory " /proc/modules || fail "module memory is not loaded after seed reported"
say "module (loaded from the container): $(grep '^memory ' /proc/modules)"
stamp reproduced

# The same tasks as the guest's host sees them: the container's cgroup names its id, and the last
# NStgid / NSpid field is the pid inside. Found here independently of limbo.
last() { sed -n "s/^$1:[[:space:]]*//p" "$2" | awk '{print $NF}'; }
child=""
for d in /proc/[0-9]*; do
  grep -q "$cid" "$d/cgroup" 2>/dev/null || grep -q "$cid" "$d"/task/*/cgroup 2>/dev/null || continue
  [ "$(last NStgid "$d/status")" = "$in_child" ] || continue
  child=${d#/proc/}
done
[ -n "$child" ] || fail "no task of container $cid has pid $in_child inside"
tid=""
for t in /proc/$child/task/*; do
  [ "$(last NSpid "$t/status")" = "$in_tid" ] && tid=${t##*/}
done
[ -n "$tid" ] || fail "no thread of $child has tid $in_tid inside"
nstgid=$(sed -n 's/^NStgid:[[:space:]]*//p' /proc/$child/status | tr -s ' \t' ',')
printf '{"pids":{"child":%s,"childInContainer":%s},"tids":{"stuck":%s,"stuckInContainer":%s},"container":"%s","nstgid":[%s]}\n' \
  "$child" "$in_child" "$tid" "$in_tid" "$cid" "$nstgid" >/out/fixture.json
echo "$line" >/out/fixture-container.json
say "host view: container $cid, child $child (pid $in_child inside), stuck thread $tid ($in_tid inside)"

t=/proc/$child/task/$tid
{
  for f in /proc/$child/status $t/status $t/stack $t/wchan /proc/$child/cgroup $t/cgroup /proc/$child/stat $t/stat; do
    echo "== $f"; cat "$f"; echo
  done
  echo "== /proc/modules"; grep '^memory ' /proc/modules
  echo "== docker ps"; dk ps --no-trunc
  echo "== ps"; ps -o pid,ppid,stat,comm
} >/out/evidence.txt 2>&1
cat /out/evidence.txt
grep -q '^State:[[:space:]]*Z' /proc/$child/status || fail "leader $child is not Z"
grep -q '^State:[[:space:]]*D' $t/status || fail "thread $tid is not D"
grep -q 'memory_read.*\[memory\]' $t/stack || fail "thread $tid is not in memory_read [memory]"
say "reproduced in container $(echo "$cid" | cut -c1-12): leader $child Z, thread $tid D in memory_read [memory]"

# limbo on the guest's host side, with the host's JDK (interpreted under TCG: see init.sh)
jit=
case " $(cat /proc/cmdline) " in *" limbo.xint=1 "*) jit=-Xint ;; esac
lim() { timeout -s KILL 600 chroot $R @LIMBO@ "$@"; }
lim scan --format json >/out/scan.json 2>/out/scan.err; echo $? >/out/scan.rc
stamp scan
say "limbo scan exit $(cat /out/scan.rc)"
lim explain "$child" >/out/explain.txt 2>/out/explain.err; echo $? >/out/explain.rc
stamp explain
say "limbo explain $child exit $(cat /out/explain.rc):"
cat /out/explain.txt /out/explain.err

# The release through the module, from the guest's host side (its ioctl on the guest's /dev/memory)
waiters=$(/memoryctl waiters) || fail "memoryctl waiters"
say "readers asleep in memory_read: $waiters"
[ "$waiters" = 1 ] || fail "expected 1 reader asleep in memory_read, the module says $waiters"
/memoryctl release || fail "memoryctl release"
n=0
while [ -e /proc/$child ]; do
  n=$((n + 1)); [ "$n" -lt 300 ] || fail "child $child not reaped 30 s after the release"
  sleep 0.1
done
stamp released
say "released: child $child reaped by its parent inside the container"
lim scan --format json >/out/scan-after.json 2>/out/scan-after.err; echo $? >/out/scan-after.rc
stamp scan-after
say "limbo scan after release exit $(cat /out/scan-after.rc)"

# Stop the fixture the protocol's way (stdin EOF): `seed` unloads the module it loaded, the
# container exits; then it is removed, and nothing of it may be left.
exec 3>&-
wait "$runpid"; rc=$?
echo "$rc" >/out/container.rc
[ "$rc" = 0 ] || fail "the seed container exited $rc: $(tail -n 5 /out/container.err)"
dk rm limbo-seed >/dev/null || fail "docker rm limbo-seed"
stamp container-gone
left=""
for d in /proc/[0-9]*; do grep -q "$cid" "$d/cgroup" 2>/dev/null && left="$left ${d#/proc/}"; done
{
  echo "module memory loaded: $(grep -c '^memory ' /proc/modules)"
  echo "containers: $(dk ps -aq | wc -l)"
  echo "tasks in the container's cgroup:${left:- none}"
  echo "child $child present: $([ -e /proc/$child ] && echo yes || echo no)"
} >/out/after.txt
cat /out/after.txt
grep -q "^memory " /proc/modules && fail "module memory still loaded after the container exited"
[ -z "$left" ] || fail "tasks of container $cid left:$left"
[ -z "$(dk ps -aq)" ] || fail "containers left: $(dk ps -a)"
say "nothing left: module unloaded, container removed, no task of it remains"
stamp done
finish PASS
