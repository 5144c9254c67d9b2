# VM reproduction (JUnit tag `vm`): install QEMU, fetch the Debian kernel image + headers, build the
# memory module and the seed program, so that the test itself only boots the guest. Cached under
# /var/cache/limbo-vm: a few seconds when already done. Never fails CI by itself: the `vm` tests run
# the same steps again and report what is wrong.
# The container mode (VmContainerReproductionTest) also needs the kernel layer, the fixtures image
# with the module toolchain (built on the engine 30-docker.sh started, saved as a tarball) and the
# guest's docker disk with that image loaded: built here, at host speed, so the test only boots.
if [ "$(id -u)" = 0 ]; then
  echo "== setup: VM reproduction prerequisites (native-fixtures/vm/run --prepare)"
  bash native-fixtures/vm/run --prepare || echo "warning: native-fixtures/vm/run --prepare failed; the vm test will say why"
  echo "== setup: VM container reproduction prerequisites (native-fixtures/vm/run container --prepare)"
  bash native-fixtures/vm/run container --prepare ||
    echo "warning: native-fixtures/vm/run container --prepare failed; the vm container test will say why"
fi
