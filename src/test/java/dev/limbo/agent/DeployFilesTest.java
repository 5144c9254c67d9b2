package dev.limbo.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped deployment files: alert rules valid for promtool, the units say what the docs say. */
class DeployFilesTest {
    static Path repo() {
        return Path.of(System.getProperty("limbo.repo", System.getProperty("user.dir")));
    }

    @Test
    void alertRulesPassPromtool() throws Exception {
        Path promtool = PrometheusLiveTest.onPathOrBeside("promtool");
        Prerequisites.require(promtool != null,
                "promtool is not installed (Debian package prometheus; CI: .ci/setup.d/50-prometheus.sh)");
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", repo().resolve("deploy/prometheus/limbo-alerts.yml").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void alertRulesUseTheAgentsMetricNames() throws Exception {
        String rules = Files.readString(repo().resolve("deploy/prometheus/limbo-alerts.yml"));
        for (String m : new String[] {"limbo_findings", "limbo_stuck_seconds", "limbo_tasks", "limbo_proc_read_timeouts_total",
            "limbo_last_scan_timestamp_seconds", "limbo_check_status", "limbo_check_timestamp_seconds"}) {
            assertThat(rules).contains(m);
        }
    }

    @Test
    void unitsAreHardenedWithExactlyTheNeededCapabilities() throws Exception {
        for (String unit : new String[] {"limbo-watch.service", "limbo-check.service"}) {
            String u = String.join("\n", Files.readAllLines(repo().resolve("deploy/systemd/" + unit)).stream()
                    .filter(l -> !l.startsWith("#")).toList());
            assertThat(u).contains("CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_SYS_ADMIN")
                    .contains("NoNewPrivileges=yes").contains("ProtectSystem=strict").contains("ProtectProc=default")
                    .doesNotContain("ProtectProc=invisible").doesNotContain("MemoryDenyWriteExecute=yes");
        }
        String ds = Files.readString(repo().resolve("deploy/kubernetes/limbo-daemonset.yaml"));
        assertThat(ds).contains("hostPID: true").contains("readOnlyRootFilesystem: true").contains("drop: [\"ALL\"]")
                .contains("privileged: false");
    }
}
