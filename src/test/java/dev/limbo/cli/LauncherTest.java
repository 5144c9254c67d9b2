package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.Tars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile snapshots handed to a real {@code bin/limbo} process (issue 12, items 3, 4 and 10):
 * each ends with exit 3 and the reason or with a correct result, within a time and a peak RSS
 * that are measured (printed as a table row) and bounded; a run cut short by SIGTERM leaves
 * nothing behind; {@code watch} runs with a bounded heap.
 */
class LauncherTest {
    @TempDir
    static Path dir;
    static Path launcher;
    /** The JVM's temp directory for every run: must stay empty. */
    static Path javaTmp;

    @BeforeAll
    static void install() throws IOException {
        launcher = LimboProcess.install(dir.resolve("limbo"));
        javaTmp = Files.createDirectories(dir.resolve("java-tmp"));
    }

    static Map<String, String> env() {
        return Map.of("LIMBO_JAVA_OPTS", "-Djava.io.tmpdir=" + javaTmp);
    }

    static LimboProcess limbo(String... args) throws Exception {
        return LimboProcess.run(launcher, env(), List.of(), List.of(args), 120_000, null);
    }

    static void assertNothingLeft() throws IOException {
        try (Stream<Path> s = Files.list(javaTmp)) {
            assertThat(s.map(Path::toString)).as("files left in java.io.tmpdir").isEmpty();
        }
    }

    static void row(String input, LimboProcess r) {
        String line = (r.err + r.out).lines().findFirst().orElse("");
        System.out.printf("hostile input (bin/limbo) | %s | exit %d: %s | %d ms | peak RSS %d MB%n", input, r.code,
                line.length() > 110 ? line.substring(0, 110) + "..." : line, r.millis, r.peakRssKb >> 10);
    }

    @Test
    void gzipBombsEndQuicklyWithTheReason() throws Exception {
        Path[] bombs = {Tars.bombOneFile(dir.resolve("bomb-one-file.tar.gz")), Tars.bombManyFiles(dir.resolve("bomb-many-files.tar.gz")),
            Tars.bombSkipped(dir.resolve("bomb-pax.tar.gz"))};
        for (Path bomb : bombs) {
            assertThat(Files.size(bomb)).isLessThan(4L << 20);
            LimboProcess r = limbo("scan", "--proc-root", bomb.toString());
            row(bomb.getFileName() + " (" + (Files.size(bomb) >> 10) + " KB -> 3 GB)", r);
            assertThat(r.code).as(r.toString()).isEqualTo(3);
            assertThat(r.err).as(r.toString()).startsWith("limbo: snapshot too large: " + bomb).doesNotContain("Exception");
            assertThat(r.peakRssKb >> 10).as(r.toString()).isLessThan(1024);
            assertNothingLeft();
        }
    }

    @Test
    void aHundredThousandEntriesAreACorrectResultAndAMillionAreRefused() throws Exception {
        Path e5 = Tars.manyStats(dir.resolve("1e5.tar.gz"), 100_000, 100_000);
        LimboProcess r5 = limbo("scan", "--proc-root", e5.toString(), "--read-timeout", "60s");
        row("10^5 entries (" + (Files.size(e5) >> 10) + " KB)", r5);
        assertThat(r5.code).as(r5.toString()).isZero();
        assertThat(r5.out).contains("100000 processes");
        assertThat(r5.peakRssKb >> 10).as(r5.toString()).isLessThan(1536);

        Path e6 = Tars.manyStats(dir.resolve("1e6.tar.gz"), 1_000_000, 1000);
        LimboProcess r6 = limbo("scan", "--proc-root", e6.toString());
        row("10^6 entries (" + (Files.size(e6) >> 10) + " KB)", r6);
        assertThat(r6.code).as(r6.toString()).isEqualTo(3);
        assertThat(r6.err).startsWith("limbo: snapshot too large: " + e6 + ": more than 300000 entries");
        assertThat(r6.peakRssKb >> 10).as(r6.toString()).isLessThan(1536);
        assertNothingLeft();
    }

    /** SIGTERM while a big snapshot is being read: the process ends, and there was never anything to clean up. */
    @Test
    void aRunCutShortBySigtermLeavesNothingBehind() throws Exception {
        Path e6 = Tars.manyStats(dir.resolve("sigterm.tar.gz"), 1_000_000, 1000);
        List<String> before = HostileRootsTest.limboTempDirs();
        long[] signalledAt = {0};
        LimboProcess r = LimboProcess.run(launcher, env(), List.of(), List.of("scan", "--proc-root", e6.toString()), 120_000, p -> {
            // let the JVM start and get into the archive (its RSS grows as it reads), then SIGTERM it
            long until = System.nanoTime() + 30_000_000_000L;
            while (p.isAlive() && LimboProcess.vmHwmKb(p.pid()) < 80_000 && System.nanoTime() < until) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            signalledAt[0] = System.nanoTime();
            p.destroy(); // SIGTERM
        });
        long afterSignalMs = (System.nanoTime() - signalledAt[0]) / 1_000_000;
        row("SIGTERM while reading 10^6 entries", r);
        assertThat(r.code).as(r.toString()).isIn(143, 3); // killed by SIGTERM, or it had already refused the archive
        assertThat(afterSignalMs).as("ended after SIGTERM").isLessThan(10_000);
        assertNothingLeft();
        assertThat(HostileRootsTest.limboTempDirs()).isEqualTo(before);
    }

    /**
     * {@code check -t 5s} on bombs: UNKNOWN with the reason, within its timeout, nothing written.
     * The one-file bomb is refused at its first header; the many-files one takes about a second
     * of CPU, so on a loaded host the timeout may come first, and then it must not blame /proc.
     */
    @Test
    void checkWithATimeoutOnABomb() throws Exception {
        Path bomb = Tars.bombOneFile(dir.resolve("check-bomb.tar.gz"));
        LimboProcess r = limbo("check", "-t", "5s", "--proc-root", bomb.toString());
        row("check -t 5s on a one-file bomb", r);
        assertThat(r.code).as(r.toString()).isEqualTo(3);
        assertThat(r.out).as(r.toString()).startsWith("limbo UNKNOWN - snapshot too large: " + bomb);
        Path many = Tars.bombManyFiles(dir.resolve("check-bomb-many.tar.gz"));
        LimboProcess m = limbo("check", "-t", "5s", "--proc-root", many.toString());
        row("check -t 5s on a many-files bomb", m);
        assertThat(m.code).as(m.toString()).isEqualTo(3);
        assertThat(m.out).as(m.toString()).startsWith("limbo UNKNOWN - ").doesNotContain("a /proc read")
                .containsAnyOf("snapshot too large: " + many, "reading the saved tree " + many + " took longer");
        assertNothingLeft();
    }

    /** The launcher bounds the agent's heap; the agent runs within it. */
    @Test
    void watchRunsWithABoundedHeap() throws Exception {
        LimboProcess r = limbo("watch", "--listen", "127.0.0.1:0", "--interval", "200ms", "--duration", "5s", "--events",
                dir.resolve("events.ndjson").toString());
        row("watch for 5 s (live /proc, 200 ms interval)", r);
        assertThat(r.code).as(r.toString()).isZero();
        assertThat(r.javaCmdline).contains("-Xmx96m");
        assertThat(r.peakRssKb >> 10).as(r.toString()).isLessThan(256);
        LimboProcess scan = limbo("scan", "--samples", "1");
        assertThat(scan.javaCmdline).doesNotContain("-Xmx");
    }

    /** Without CAP_SYS_ADMIN, the JSON says what the text says: root would add kernel stacks. */
    @Test
    void jsonWithoutCapSysAdminSaysRootAddsStacks() throws Exception {
        List<String> noSysAdmin = List.of("setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin");
        LimboProcess r = LimboProcess.run(launcher, env(), noSysAdmin, List.of("scan", "--samples", "1", "--format", "json"), 120_000, null);
        assertThat(r.code).as(r.toString()).isBetween(0, 2);
        assertThat(r.out).contains("\"notes\"").contains("CAP_SYS_ADMIN");
        LimboProcess asRoot = limbo("scan", "--samples", "1", "--format", "json");
        assertThat(asRoot.out).doesNotContain("\"notes\"");
    }
}
