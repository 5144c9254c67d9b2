# Base packages every test group needs: a C toolchain for native fixtures, procps for the ps contrast.
if ! command -v gcc >/dev/null || ! command -v make >/dev/null || ! command -v ps >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc make libc6-dev procps
fi
