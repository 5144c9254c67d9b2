#!/bin/busybox sh
# Guest /init for native-fixtures/vm/run (busybox, PID 1). `run` fills in @LIMBO@ (the command that
# runs limbo with the host's JDK, inside the chroot of the host's / shared read-only over 9p) and
# @GUEST_TIMEOUT@. Everything is reported on the console (lines starting with LIMBO-VM) and in /out
# (a writable 9p share: the host's target/vm/guest). The guest always powers off, never hangs.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin HOME=/dev/shm LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "LIMBO-VM $*"; }
stamp() { read -r up _ </proc/uptime; say "TIME $1 ${up}s"; }
off() { sync; poweroff -f; sleep 30; }
finish() { echo "$*" >/out/status 2>/dev/null; say "RESULT $*"; off; }
fail() { finish "FAIL $*"; }

case " $(cat /proc/cmdline) " in *" limbo.probe=1 "*) say "PROBE OK"; off ;; esac
stamp init
( sleep @GUEST_TIMEOUT@; say "guest watchdog expired"; echo "FAIL guest watchdog expired" >/out/status; off ) &

# virtio + 9p, in the dependency order modprobe computed on the host
for m in $(cat /mod/order); do insmod "/mod/$m" || fail "insmod $m"; done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || fail "mount 9p out"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot /host || fail "mount 9p hostroot"
# The chroot sees the guest's own proc, sys and dev, and a writable /dev/shm for java.io.tmpdir
# (not a tmpfs over /tmp: that would hide a checkout that lives under the host's /tmp).
mount -t proc proc /host/proc && mount -t sysfs sysfs /host/sys && mount -t devtmpfs devtmpfs /host/dev &&
  mkdir -p /host/dev/shm && mount -t tmpfs tmpfs /host/dev/shm || fail "mounts inside the chroot"
export TMPDIR=/dev/shm
hostname limbo-vm
stamp mounts

# the seed's module and program
insmod /memory.ko || fail "insmod memory.ko"
[ -c /dev/memory ] || fail "/dev/memory did not appear"
say "module: $(grep '^memory ' /proc/modules)"
mkfifo /run/hold
/seed-memory-reader --hold 3600 </run/hold >/run/fixture.json 2>/run/fixture.err &
fx=$!
exec 3>/run/hold
n=0
until grep -q '"child"' /run/fixture.json 2>/dev/null; do
  kill -0 "$fx" 2>/dev/null || fail "seed-memory-reader exited early: $(cat /run/fixture.err)"
  n=$((n + 1)); [ "$n" -lt 600 ] || fail "seed-memory-reader did not report within 60 s"
  sleep 0.1
done
line=$(head -n 1 /run/fixture.json)
echo "$line" >/out/fixture.json
say "fixture: $line"
child=$(echo "$line" | sed -n 's/.*"child":\([0-9]*\).*/\1/p')
tid=$(echo "$line" | sed -n 's/.*"stuck":\([0-9]*\).*/\1/p')
[ -n "$child" ] && [ -n "$tid" ] || fail "cannot parse the fixture line: $line"
stamp reproduced

t=/proc/$child/task/$tid
{
  for f in /proc/$child/status $t/status $t/stack $t/wchan /proc/$child/stat $t/stat; do
    echo "== $f"; cat "$f"; echo
  done
  echo "== ps"; ps -o pid,ppid,stat,comm
} >/out/evidence.txt 2>&1
cat /out/evidence.txt
grep -q '^State:[[:space:]]*Z' /proc/$child/status || fail "leader $child is not Z"
grep -q '^State:[[:space:]]*D' $t/status || fail "thread $tid is not D"
grep -q 'memory_read.*\[memory\]' $t/stack || fail "thread $tid is not in memory_read [memory]"
say "reproduced: leader $child Z, thread $tid D in memory_read [memory]"

# Under software emulation (limbo.xint=1) the JIT costs more than it saves: every compiled method
# is translated once more by TCG. Measured here: `limbo rules` 22 s interpreted against 38 s with C1.
jit=
case " $(cat /proc/cmdline) " in *" limbo.xint=1 "*) jit=-Xint ;; esac
lim() { timeout -s KILL 300 chroot /host @LIMBO@ "$@"; }
lim scan --format json >/out/scan.json 2>/out/scan.err; echo $? >/out/scan.rc
stamp scan
say "limbo scan exit $(cat /out/scan.rc)"
lim explain "$child" >/out/explain.txt 2>/out/explain.err; echo $? >/out/explain.rc
stamp explain
say "limbo explain $child exit $(cat /out/explain.rc):"
cat /out/explain.txt /out/explain.err

# Release the module's wait (its ioctl; a write does the same, see the second round below): the
# thread wakes, finishes exiting, release_task() notifies the parent, which reaps the child.
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
say "released: child $child reaped by its parent"
lim scan --format json >/out/scan-after.json 2>/out/scan-after.err; echo $? >/out/scan-after.rc
stamp scan-after
say "limbo scan after release exit $(cat /out/scan-after.rc)"

exec 3>&-
wait "$fx"; rc=$?
[ "$rc" = 0 ] || fail "seed-memory-reader exit $rc: $(cat /run/fixture.err)"

# Second round, the fixture protocol's own release: closing its stdin makes it write to the device
# (the write path of the module), reap its child and exit 0.
/seed-memory-reader --hold 600 </run/hold >/run/fixture2.json 2>/run/fixture2.err &
fx=$!
exec 3>/run/hold
n=0
until grep -q '"child"' /run/fixture2.json 2>/dev/null; do
  kill -0 "$fx" 2>/dev/null || fail "second seed-memory-reader exited early: $(cat /run/fixture2.err)"
  n=$((n + 1)); [ "$n" -lt 600 ] || fail "second seed-memory-reader did not report within 60 s"
  sleep 0.1
done
child2=$(sed -n 's/.*"child":\([0-9]*\).*/\1/p' /run/fixture2.json)
exec 3>&-
wait "$fx"; rc=$?
[ "$rc" = 0 ] || fail "second seed-memory-reader exit $rc: $(cat /run/fixture2.err)"
[ ! -e "/proc/$child2" ] || fail "second child $child2 still there after the fixture's release"
say "second round: stdin closed, the fixture released /dev/memory by write() and reaped child $child2"
rmmod memory || fail "rmmod memory"
stamp done
finish PASS
