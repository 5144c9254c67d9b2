# Safety net for the `vm` test: native-fixtures/vm/run stops its QEMU itself (trap, timeout and
# parent-death signals); if a run was killed outright, stop the QEMU it recorded, by pid.
pidfile=target/vm/qemu.pid
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q qemu-system; then
    kill -TERM "$pid" 2>/dev/null; sleep 2; kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
fi
true
