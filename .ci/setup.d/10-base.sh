# Base packages every test group needs: a C toolchain for native fixtures, procps for the ps contrast,
# e2fsprogs (chattr) and util-linux (mount) for the snapshot write-failure tests.
if ! command -v gcc >/dev/null || ! command -v make >/dev/null || ! command -v ps >/dev/null \
    || ! command -v chattr >/dev/null || ! command -v mount >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc make libc6-dev procps e2fsprogs mount
fi
