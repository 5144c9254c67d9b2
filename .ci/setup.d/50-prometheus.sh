# Prometheus server for the live scrape test (WatchPrometheusLiveTest): Debian's package, binary only.
# The test starts its own `prometheus` on loopback with a temp config and data dir; the packaged
# system service is never started (the machine's policy-rc.d also refuses service starts).
if ! command -v prometheus >/dev/null 2>&1; then
  echo "50-prometheus: installing Debian prometheus"
  apt-get update -q
  # policy-rc.d (exit 101) keeps the package from starting prometheus.service; we never start it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus
fi
# If some init did start the packaged daemon, it is not ours to leave running on :9090; the test
# never uses it (it picks a free port), so nothing else is done here.
export LIMBO_PROMETHEUS_BIN="$(command -v prometheus || true)"
