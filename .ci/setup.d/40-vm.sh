# VM reproduction (JUnit tag `vm`): install QEMU, fetch the Debian kernel image + headers, build the
# memory module and the seed program, so that the test itself only boots the guest. Cached under
# /var/cache/limbo-vm: a few seconds when already done. Never fails CI by itself: the `vm` test runs
# the same steps again and reports what is wrong.
if [ "$(id -u)" = 0 ]; then
  echo "== setup: VM reproduction prerequisites (native-fixtures/vm/run --prepare)"
  bash native-fixtures/vm/run --prepare || echo "warning: native-fixtures/vm/run --prepare failed; the vm test will say why"
fi
