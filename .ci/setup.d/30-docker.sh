# Container tests: a Docker engine of our own for this run (sourced by .ci/run, bash, as root).
# Installs Debian's docker.io (20.10) and debootstrap when missing, starts a private dockerd
# (docker/engine: own data/exec root and socket, no iptables, no bridge; default runtime
# docker/runc-capfix so --privileged works here) as a child of this shell, exports DOCKER_HOST and
# the Testcontainers settings, and builds the base image (reused when it exists) and the agent
# image (from the release tarball 20-release.sh built; LIMBO_CI_AGENT_IMAGE=0 skips it and
# AgentImageTest then skips). The fixtures image is
# built by the tests themselves (docker/build-images fixtures), so it holds the current fixtures.
# Idempotent; quick when everything is already there. Teardown: .ci/teardown.d/30-docker.sh.
limbo_docker_setup() {
  local repo t0
  repo=$(pwd)
  t0=$(date +%s)
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null \
     || ! command -v tini >/dev/null || ! command -v curl >/dev/null; then
    # never let the package start a system daemon next to ours
    local rcd_added=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && rcd_added=1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      docker.io debootstrap tini curl ca-certificates
    [ "$rcd_added" = 0 ] || rm -f /usr/sbin/policy-rc.d
    echo "== docker: packages installed in $(( $(date +%s) - t0 )) s"
  fi
  if ! "$repo/docker/engine" status >/dev/null 2>&1; then
    # started from this (sourced) shell, so .ci/run stays its parent and reaps it
    "$repo/docker/engine" run >>"${LIMBO_DOCKER_LOG:-/var/lib/limbo-docker.log}" 2>&1 </dev/null &
    "$repo/docker/engine" wait $!
  fi
  eval "$("$repo/docker/engine" env)"
  echo "== docker: engine up ($(( $(date +%s) - t0 )) s)"
  "$repo/docker/build-images" base
  echo "== docker: base image ready ($(( $(date +%s) - t0 )) s)"
  if [ "${LIMBO_CI_AGENT_IMAGE:-1}" != 0 ]; then
    # the image holds the release tarball (built by 20-release.sh)
    if ls target/dist/limbo-*-linux-x86_64.tar.gz >/dev/null 2>&1; then
      "$repo/docker/build-images" limbo
    else
      echo "== docker: no release tarball in target/dist: agent image not built"
    fi
  fi
  echo "== docker: engine $(docker version --format '{{.Server.Version}}') on $DOCKER_HOST, images ready ($(( $(date +%s) - t0 )) s)"
}
limbo_docker_setup
unset -f limbo_docker_setup
