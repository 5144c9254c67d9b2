# Safety net for the `vm` tests: native-fixtures/vm/run stops its QEMU itself (trap, timeout and
# parent-death signals); if a run was killed outright, stop the QEMU it recorded, by pid.
for pidfile in target/vm/qemu.pid target/vm-container/qemu.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q qemu-system; then
    kill -TERM "$pid" 2>/dev/null; sleep 2; kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
done
true
