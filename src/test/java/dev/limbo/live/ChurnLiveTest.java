package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy host in fork and thread churn (the churn fixture: short-lived children and threads
 * at a high rate, in a pid namespace of its own, with that namespace's procfs mounted for us):
 * scan, check and a short watch report nothing about the churn and no error. Pointed at the
 * namespace's procfs, limbo sees the churn and nothing else, so "check says OK" can be asserted
 * whole, whatever else other tests run on this host; on the host's /proc, only findings about
 * churn tasks (by name) are looked at.
 */
@Tag("live")
@Timeout(300)
class ChurnLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void live() {
        NativeFixtures.assumeLive();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    static List<String> churnFindings(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : report.path("findings")) {
            if (f.path("comm").asText().startsWith("churn")) {
                out.add(f.path("rule").asText() + " " + f.path("severity").asText() + " pid=" + f.path("pid") + " tids="
                        + f.path("tids") + " comm=" + f.path("comm").asText() + " " + f.path("title").asText());
            }
        }
        return out;
    }

    @Test
    void churnMakesNoFindingAndNoError() throws Exception {
        Fixture f = Fixture.start("churn", "--pause-us", "0", "--hold", "200");
        String ns = f.json().path("procRoot").asText();
        long t0 = System.nanoTime();
        int scans = 0;
        List<String> seen = new ArrayList<>();
        try (f) {
            assertThat(Path.of(ns, "1")).isDirectory();
            long until = System.nanoTime() + 40_000_000_000L;
            for (int round = 0; round < 12 && System.nanoTime() < until; round++) {
                // The churn alone: every finding is about it.
                // Default sampling (suspects are looked at again), or three samples 100 ms apart.
                Limbo one = round % 2 == 0 ? Limbo.scan("--proc-root", ns)
                        : Limbo.scan("--proc-root", ns, "--samples", "3", "--interval", "100ms");
                scans++;
                assertThat(one.stderr).as("scan stderr").isEmpty();
                seen.addAll(churnFindings(one.json));
                assertThat(one.json.path("findings").size()).as("findings on the churn's procfs: %s", one.json.path("findings"))
                        .isZero();
                assertThat(one.exitCode).isZero();
                // The whole host: only findings about churn tasks count.
                Limbo host = Limbo.scan();
                scans++;
                assertThat(host.stderr).as("host scan stderr").doesNotContain("Exception").doesNotContain("error");
                seen.addAll(churnFindings(host.json));
            }
            assertThat(seen).as("findings about churn tasks").isEmpty();

            for (int i = 0; i < 5; i++) {
                HostileCommsLiveTest.Text check = HostileCommsLiveTest.run("check", "--proc-root", ns, "-v");
                assertThat(check.out()).as("check on the churn alone").startsWith("limbo OK - no findings");
                assertThat(check.code()).isZero();
                assertThat(check.err()).isEmpty();
                HostileCommsLiveTest.Text hostCheck = HostileCommsLiveTest.run("check", "-v");
                assertThat(hostCheck.out()).as("check on the host: nothing about churn tasks").doesNotContain("(churn-");
                assertThat(hostCheck.code()).as("check on the host: %s", hostCheck.out()).isBetween(0, 2);
            }

            Path events = tmp.resolve("events.ndjson");
            HostileCommsLiveTest.Text watch = HostileCommsLiveTest.run("watch", "--proc-root", ns, "--interval", "200ms",
                    "--duration", "4s", "--listen", "off", "--events", events.toString());
            assertThat(watch.code()).as("watch: %s", watch.err()).isZero();
            assertThat(watch.err()).doesNotContain("failed").doesNotContain("Exception");
            for (String line : Files.readAllLines(events)) {
                assertThat(JSON.readTree(line).path("event").asText()).as("event %s", line).isIn("started", "stopped");
            }
            System.out.printf("churn live: %d scans, 10 checks, a 4 s watch in %d ms; churn procfs last pid %s%n", scans,
                    (System.nanoTime() - t0) / 1_000_000, lastPid(ns));
        }
        assertReleasedCleanly(f);
        assertThat(Path.of(ns)).as("the churn's procfs is unmounted and removed").doesNotExist();
    }

    static String lastPid(String ns) {
        try {
            String[] l = Files.readString(Path.of(ns, "loadavg")).strip().split(" ");
            return l[l.length - 1];
        } catch (Exception e) {
            return "?";
        }
    }
}
