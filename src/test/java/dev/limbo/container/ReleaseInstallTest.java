package dev.limbo.container;

import static dev.limbo.container.ContainerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The release artifacts installed as an operator would (issue 15, item 8): the .deb into a Debian
 * with systemd as PID 1 (agent unit and check timer started, /metrics scraped, the node_exporter
 * textfile written where Debian's node_exporter reads it), and the tarball on a Debian without
 * any Java. Needs target/dist (`./mvnw -B -Prelease -DskipTests package`; CI: .ci/setup.d/20-release.sh).
 */
@Tag("container")
class ReleaseInstallTest {
    private static final String SYSTEMD_IMAGE = System.getenv().getOrDefault("LIMBO_SYSTEMD_IMAGE", "limbo/systemd:bookworm");
    private static String skip;

    static Path dist() {
        return repo().resolve("target/dist");
    }

    static Path one(String glob) throws IOException {
        try (Stream<Path> s = Files.list(dist())) {
            List<Path> found = s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).toList();
            assertThat(found).as("exactly one %s in %s", glob, dist()).hasSize(1);
            return found.get(0);
        }
    }

    @BeforeAll
    static void images() throws Exception {
        skip = missingPrerequisite();
        if (skip == null && !Files.exists(dist().resolve("SHA256SUMS"))) {
            // CI builds them in .ci/setup.d/20-release.sh: there a missing dist is a failure, not a skip
            assertThat(System.getenv("LIMBO_CI")).as("target/dist must be built before the tests in CI").isNull();
            skip = "target/dist is not built (./mvnw -B -Prelease -DskipTests package)";
        }
        if (skip == null) {
            buildImages("base", "systemd");
        }
    }

    static ExecResult sh(GenericContainer<?> c, String script) throws Exception {
        return c.execInContainer("sh", "-c", script);
    }

    static String ok(GenericContainer<?> c, String script) throws Exception {
        ExecResult r = sh(c, script);
        assertThat(r.getExitCode()).as("%s\nstdout: %s\nstderr: %s", script, r.getStdout(), r.getStderr()).isZero();
        return r.getStdout();
    }

    @Test
    void debInstallsAndItsUnitsRunUnderSystemd() throws Exception {
        assumeTrue(skip == null, skip);
        Path deb = one("limbo_*_amd64.deb");
        GenericContainer<?> box = new GenericContainer<>(DockerImageName.parse(SYSTEMD_IMAGE))
                .withImagePullPolicy(n -> false)
                .withNetworkMode("none")            // its own loopback: no port clash with the host
                .withFileSystemBind(dist().toString(), "/dist", BindMode.READ_ONLY)
                .withTmpFs(java.util.Map.of("/run", "rw", "/run/lock", "rw", "/tmp", "rw"))
                .withFileSystemBind("/sys/fs/cgroup", "/sys/fs/cgroup", BindMode.READ_ONLY)
                // systemd as PID 1: every capability this machine has (not --privileged: `docker exec`
                // into a privileged container asks for capabilities the machine's bounding set lacks)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("/sbin/init").withCmd(List.<String>of())
                        .getHostConfig().withCapAdd(com.github.dockerjava.api.model.Capability.ALL)
                        .withCapDrop(missingCapabilities().toArray(new com.github.dockerjava.api.model.Capability[0]))
                        .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined")));
        try {
            box.start();
            await("systemd up in the container", Duration.ofSeconds(60), () -> {
                try {
                    String state = sh(box, "systemctl is-system-running 2>/dev/null").getStdout().strip();
                    return state.equals("running") || state.equals("degraded");
                } catch (Exception e) {
                    return false;
                }
            });
            // node_exporter's directory as Debian's prometheus-node-exporter leaves it: its own user's
            ok(box, "useradd --system prometheus && install -d -o prometheus -g prometheus -m 0755 /var/lib/prometheus/node-exporter");
            ok(box, "dpkg -i /dist/" + deb.getFileName());
            assertThat(ok(box, "dpkg-query -W -f '${Depends}' limbo")).matches("libc6 \\(>= 2\\.\\d+\\)");
            assertThat(ok(box, "limbo --version")).startsWith("limbo ");
            assertThat(ok(box, "ls /usr/share/man/man1/")).contains("limbo.1.gz").contains("limbo-check.1.gz");
            assertThat(ok(box, "ls /usr/share/bash-completion/completions/")).contains("limbo");
            ok(box, "man -w limbo-check 2>/dev/null || test -f /usr/share/man/man1/limbo-check.1.gz");
            // no Java anywhere but limbo's own runtime
            assertThat(sh(box, "command -v java").getExitCode()).isNotZero();

            ok(box, "systemctl start limbo-watch.service");
            await("the agent answers on 127.0.0.1:9977", Duration.ofSeconds(60),
                    () -> {
                        try {
                            return sh(box, "curl -fsS http://127.0.0.1:9977/healthz").getExitCode() == 0;
                        } catch (Exception e) {
                            return false;
                        }
                    });
            String metrics = ok(box, "curl -fsS http://127.0.0.1:9977/metrics");
            assertThat(metrics).contains("limbo_build_info{version=\"").contains("limbo_tasks{state=\"zombie\"}")
                    .contains("limbo_scans_total");
            assertThat(ok(box, "systemctl show -p User,DynamicUser limbo-watch.service")).contains("DynamicUser=yes");

            ok(box, "systemctl start limbo-check.timer");
            ok(box, "systemctl start limbo-check.service || true");
            await("the check wrote node_exporter's textfile", Duration.ofSeconds(90),
                    () -> {
                        try {
                            return sh(box, "test -s /var/lib/prometheus/node-exporter/limbo.prom").getExitCode() == 0;
                        } catch (Exception e) {
                            return false;
                        }
                    });
            String prom = ok(box, "cat /var/lib/prometheus/node-exporter/limbo.prom");
            assertThat(prom).contains("limbo_check_status ").contains("limbo_build_info{version=\"")
                    .contains("limbo_tasks{state=\"disk_sleep\"}");
            assertThat(ok(box, "systemctl is-active limbo-check.timer").strip()).isEqualTo("active");
            String journal = ok(box, "journalctl -u limbo-check.service --no-pager -o cat | grep -m1 '^limbo ' || true");
            assertThat(journal).matches("(?s)limbo (OK|WARNING|CRITICAL) - .*");

            // hardening figures for docs/operations.md (printed, not asserted: they depend on systemd's version)
            System.out.println(ok(box, "systemd-analyze security --no-pager limbo-watch.service limbo-check.service 2>&1 | tail -3 || true"));

            ok(box, "dpkg -r limbo");
            assertThat(sh(box, "test -e /opt/limbo/bin/limbo").getExitCode()).isNotZero();
        } finally {
            stopAndRemove(box, 5);
        }
    }

    @Test
    void tarballRunsWithoutJavaAndUsesItsCdsArchives() throws Exception {
        assumeTrue(skip == null, skip);
        Path tarball = one("limbo-*-linux-x86_64.tar.gz");
        GenericContainer<?> box = new GenericContainer<>(DockerImageName.parse(BASE_IMAGE))
                .withImagePullPolicy(n -> false)
                .withNetworkMode("none")
                .withFileSystemBind(dist().toString(), "/dist", BindMode.READ_ONLY)
                .withCommand("sleep", "600");
        try {
            box.start();
            assertThat(sh(box, "command -v java; ls /usr/lib/jvm 2>/dev/null").getStdout()).isEmpty();
            // unpacked somewhere else than where it was built: the CDS archive must still map (-Xshare:on fails otherwise)
            ok(box, "mkdir -p /srv/x && tar -C /srv/x -xzf /dist/" + tarball.getFileName());
            String dir = "/srv/x/" + tarball.getFileName().toString().replace(".tar.gz", "");
            assertThat(ok(box, dir + "/bin/limbo --version")).startsWith("limbo ");
            assertThat(ok(box, dir + "/bin/limbo rules")).contains("hung-task");
            ExecResult scan = sh(box, dir + "/bin/limbo scan --format json --samples 1");
            assertThat(scan.getExitCode()).as(scan.getStderr()).isBetween(0, 2);
            assertThat(scan.getStdout()).contains("\"schema\" : \"limbo/v1\"");
            ExecResult check = sh(box, dir + "/bin/limbo check --bogus");
            assertThat(check.getExitCode()).isEqualTo(3);
            assertThat(check.getStdout()).startsWith("limbo UNKNOWN - ");
            // only libc (and the loader) from the system: every object the dynamic loader maps for a run
            String loaded = ok(box, "LD_DEBUG=libs " + dir + "/bin/limbo rules 2>&1 >/dev/null | grep -o 'calling init: .*' | cut -d' ' -f3 | sed 's|/bin/\\.\\./|/|' | sort -u");
            assertThat(loaded).contains(dir + "/runtime/lib/libstdc++.so.6").contains(dir + "/runtime/lib/server/libjvm.so");
            for (String lib : loaded.lines().toList()) {
                assertThat(lib).as("a library the runtime loads from the system").satisfiesAnyOf(
                        l -> assertThat(l).startsWith(dir), l -> assertThat(l).matches("/(usr/)?lib(64)?/(x86_64-linux-gnu/)?(lib(c|m|dl|pthread|rt)\\.so\\.[0-9]+|ld-linux-x86-64\\.so\\.2)"));
            }
            // the application CDS archive was made by the first run, at this location, and is used
            String cds = sh(box, "LIMBO_JAVA_OPTS=-Xlog:cds=info " + dir + "/bin/limbo --version").getStdout();
            assertThat(cds).contains("Opened archive " + dir + "/lib/limbo.jsa").contains("Mapped dynamic region").doesNotContain("Unable to use");
        } finally {
            stopAndRemove(box, 0);
        }
    }
}
