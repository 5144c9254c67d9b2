# Release artifacts (ReleaseArtifactsTest, the `container` tests): rpmbuild from Debian's `rpm`
# package, then `./mvnw -B -Prelease -DskipTests package` builds target/dist/ (tarball, .deb,
# .rpm, SHA256SUMS) before the tests run, because `mvn verify` runs the tests before packaging.
# About 1-2 minutes; skipped when target/dist is newer than every source.
if ! command -v rpmbuild >/dev/null || ! command -v rpm >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rpm
fi
if [ ! -f target/dist/SHA256SUMS ] || [ -n "$(find pom.xml src/main packaging deploy schema docs -newer target/dist/SHA256SUMS -print -quit)" ]; then
  echo "== release: ./mvnw -B -q -Prelease -DskipTests package"
  t0=$(date +%s)
  ./mvnw -B -q -Prelease -DskipTests package
  echo "== release: target/dist built in $(( $(date +%s) - t0 )) s"
fi
export LIMBO_DIST="$(pwd)/target/dist"
