package dev.limbo.cli;

import static dev.limbo.agent.AgentTestSupport.limbo;
import static dev.limbo.agent.AgentTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.agent.AgentTestSupport;
import dev.limbo.agent.AgentTestSupport.Run;
import dev.limbo.agent.AgentTestSupport.Zombie;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limbo check}: monitoring plugin status line, perfdata, exit codes, thresholds, --min-age, --textfile. */
class CheckCommandTest {
    private static final String SEED_FINDINGS =
            "zombie-leader-stuck-thread pid 22889 (qemu-kvm) tid 22976, stuck-in-exit pid 22889 (qemu-kvm) tid 22976, "
                    + "traced-zombie pid 22889 (qemu-kvm) tid 22976";

    @TempDir
    Path tmp;

    static String seedRoot() {
        return seed().toString();
    }

    @Test
    void foundingCaseIsCriticalWithOneStatusLineAndPerfdata() {
        Run r = limbo("check", "--proc-root", seedRoot());
        assertThat(r.code()).isEqualTo(2);
        // hung-task counts in check only once the task has been stuck for hung_task_timeout_secs,
        // which a saved tree cannot show: scan reports it, check leaves it out
        assertThat(r.out()).isEqualTo("limbo CRITICAL - 3 finding(s): " + SEED_FINDINGS
                + " | zombies=1;;;0; dstate=1;;;0; findings=3;;;0;\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void perfdataCarriesTheThresholds() throws IOException {
        // the expectation is computed from the tree, not copied from limbo's output
        int[] zd = zombiesAndD(seed());
        int findings = scanFindings(seed());
        Run r = limbo("check", "--proc-root", seedRoot(), "-w", "zombies=5,dstate=0", "-c", "zombies=10", "--critical", "findings=@5:9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.firstLine()).endsWith(" | zombies=" + zd[0] + ";5;10;0; dstate=" + zd[1] + ";0;;0; findings=" + findings + ";;@5:9;0;");
        assertThat(r.firstLine()).contains(zd[1] + " dstate (-w dstate=0)");
    }

    /** zombies and dstate count the tree's Z and D tasks; findings what scan finds in the same tree. */
    @Test
    void perfdataCountsWhatTheTreeHolds() throws IOException {
        for (Path root : List.of(seed(), dev.limbo.procfs.Fixtures.caseRoot("accumulation"))) {
            int[] zd = zombiesAndD(root);
            assertThat(zd[0] + zd[1]).as("Z and D tasks in %s", root).isPositive();
            Run r = limbo("check", "--proc-root", root.toString());
            assertThat(r.firstLine()).as(root.toString())
                    .endsWith(" | zombies=" + zd[0] + ";;;0; dstate=" + zd[1] + ";;;0; findings=" + scanFindings(root) + ";;;0;");
        }
    }

    /** Z and D tasks of a saved procfs root, from the State: line of every PID/task/TID/status. */
    static int[] zombiesAndD(Path root) throws IOException {
        int[] zd = new int[2];
        try (Stream<Path> pids = Files.list(root)) {
            for (Path pid : pids.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try (Stream<Path> tids = Files.list(pid.resolve("task"))) {
                    for (Path tid : tids.toList()) {
                        for (String line : Files.readAllLines(tid.resolve("status"))) {
                            if (line.startsWith("State:")) {
                                char state = line.substring(6).strip().charAt(0);
                                zd[0] += state == 'Z' ? 1 : 0;
                                zd[1] += state == 'D' ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }
        return zd;
    }

    /** How many findings {@code limbo scan --format json} reports for the tree. */
    static int scanFindings(Path root) throws IOException {
        Run scan = limbo("scan", "--proc-root", root.toString(), "--format", "json");
        int n = 0;
        // check leaves out hung-task until the task has been stuck for hung_task_timeout_secs (not
        // measurable in a saved tree): count the other findings
        for (JsonNode f : new com.fasterxml.jackson.databind.ObjectMapper().readTree(scan.out()).get("findings")) {
            n += f.get("rule").asText().equals("hung-task") ? 0 : 1;
        }
        return n;
    }

    @Test
    void excludedRulesDoNotCountAndThresholdsDecide() {
        String[] noRules = {"check", "--proc-root", seedRoot(), "--rules=-zombie-leader-stuck-thread,-stuck-in-exit,-hung-task", "--rules", "-traced-zombie"};
        Run ok = limbo(noRules);
        assertThat(ok.code()).isZero();
        assertThat(ok.firstLine()).isEqualTo("limbo OK - no findings; 1 zombie(s), 1 in D (1 processes) | zombies=1;;;0; dstate=1;;;0; findings=0;;;0;");

        Run warn = limbo(concat(noRules, "-w", "dstate=0"));
        assertThat(warn.code()).isEqualTo(1);
        assertThat(warn.firstLine()).startsWith("limbo WARNING - 1 dstate (-w dstate=0)");

        Run crit = limbo(concat(noRules, "-w", "dstate=0", "-c", "zombies=@1:1"));
        assertThat(crit.code()).isEqualTo(2);
        assertThat(crit.firstLine()).startsWith("limbo CRITICAL - 1 zombies (-c zombies=@1:1); 1 dstate (-w dstate=0)");

        Run belowRange = limbo(concat(noRules, "-c", "findings=1:"));
        assertThat(belowRange.code()).as("findings=0 is outside 1:").isEqualTo(2);

        Run inRange = limbo(concat(noRules, "-w", "zombies=~:1,dstate=1"));
        assertThat(inRange.code()).isZero();
    }

    @Test
    void includedRulesAreTheOnlyOnesThatCount() {
        Run r = limbo("check", "--proc-root", seedRoot(), "--rules", "traced-zombie,unreaped-zombie");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.firstLine()).isEqualTo("limbo WARNING - 1 finding(s): traced-zombie pid 22889 (qemu-kvm) tid 22976"
                + " | zombies=1;;;0; dstate=1;;;0; findings=1;;;0;");
    }

    @Test
    void minAgeOnOneSampleLeavesNothingOldEnough() {
        // A single saved sample proves no age at all: with --min-age nothing counts.
        Run r = limbo("check", "--proc-root", seedRoot(), "--min-age", "1s");
        assertThat(r.code()).isZero();
        assertThat(r.firstLine()).endsWith("| zombies=0;;;0; dstate=0;;;0; findings=0;;;0;");
    }

    @Test
    void minAgeUsesTheObservedSpanOfTheSamples() throws IOException {
        Path snap = AgentTestSupport.seedTwice(tmp.resolve("snap"), 300);
        Run old = limbo("check", "--proc-root", snap.toString(), "--min-age", "4m", "-v");
        assertThat(old.code()).isEqualTo(2);
        assertThat(old.firstLine()).startsWith("limbo CRITICAL - 4 finding(s): ").endsWith("| zombies=1;;;0; dstate=1;;;0; findings=4;;;0;");
        assertThat(old.out()).contains("CRITICAL zombie-leader-stuck-thread pid 22889 (qemu-kvm) tid 22976 stuck 5m: ");

        Run young = limbo("check", "--proc-root", snap.toString(), "--min-age", "10m");
        assertThat(young.code()).isZero();
        assertThat(young.firstLine()).endsWith("| zombies=0;;;0; dstate=0;;;0; findings=0;;;0;");
    }

    @Test
    void hungTaskAcrossSamplesAndItsAge() {
        String hung = AgentTestSupport.resource("cases-agent/hung").toString();
        // observed stuck for 5 s: by default below hung_task_timeout_secs (120 s), so nobody is paged
        Run quiet = limbo("check", "--proc-root", hung);
        assertThat(quiet.code()).isZero();
        assertThat(quiet.firstLine()).startsWith("limbo OK - no findings; 0 zombie(s), 1 in D");
        Run r = limbo("check", "--proc-root", hung, "--hung-after", "4s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.firstLine()).startsWith("limbo CRITICAL - 1 finding(s): hung-task pid 4242 (dbwriter) tid 4242 |");
        assertThat(limbo("check", "--proc-root", hung, "--hung-after", "6s").code()).isZero();
        assertThat(limbo("check", "--proc-root", hung, "--hung-after", "0", "--min-age", "4s").code()).isEqualTo(2);
        assertThat(limbo("check", "--proc-root", hung, "--hung-after", "0", "--min-age", "6s").code()).isZero();
    }

    @Test
    void verboseAddsOneLinePerFindingAfterTheStatusLine() {
        Run r = limbo("check", "--proc-root", seedRoot(), "-v", "--hung-after", "0");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("limbo CRITICAL - ");
        assertThat(lines.get(1)).startsWith("CRITICAL zombie-leader-stuck-thread pid 22889 (qemu-kvm) tid 22976");
        assertThat(lines.get(3)).startsWith("WARNING hung-task pid 22889 (qemu-kvm) tid 22976");
        assertThat(lines.get(4)).startsWith("WARNING traced-zombie pid 22889");
        assertThat(lines.subList(1, 5)).noneMatch(l -> l.contains("|"));
    }

    @Test
    void jsonCarriesTheReportAndTheCheck() throws IOException {
        Run r = limbo("check", "--proc-root", seedRoot(), "--format", "json");
        assertThat(r.code()).isEqualTo(2);
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertThat(n.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(n.get("check").get("status").asText()).isEqualTo("CRITICAL");
        assertThat(n.get("check").get("code").asInt()).isEqualTo(2);
        assertThat(n.get("check").get("line").asText()).startsWith("limbo CRITICAL - ");
        // the findings check counted: hung-task waits for hung_task_timeout_secs of measured age
        assertThat(n.get("findings")).hasSize(3);
    }

    @Test
    void textfileIsWrittenAtomicallyAndParsesBack() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("textfile"));
        Path prom = dir.resolve("limbo.prom");
        Run r = limbo("check", "--proc-root", seedRoot(), "--textfile", prom.toString());
        assertThat(r.code()).isEqualTo(2);
        Map<String, Double> m = parseProm(Files.readString(prom));
        assertThat(m).containsEntry("limbo_check_status", 2.0)
                .containsEntry("limbo_check_zombies", 1.0)
                .containsEntry("limbo_check_dstate", 1.0)
                .containsEntry("limbo_processes", 1.0)
                .containsEntry("limbo_findings{rule=\"zombie-leader-stuck-thread\",severity=\"CRITICAL\"}", 1.0)
                .containsEntry("limbo_findings{rule=\"stuck-in-exit\",severity=\"CRITICAL\"}", 1.0)
                .containsEntry("limbo_findings{rule=\"traced-zombie\",severity=\"WARNING\"}", 1.0)
                .containsEntry("limbo_tasks{state=\"zombie\"}", 1.0)
                .containsEntry("limbo_tasks{state=\"disk_sleep\"}", 1.0)
                .containsEntry("limbo_stuck_seconds{comm=\"qemu-kvm\",pid=\"22889\",rule=\"zombie-leader-stuck-thread\"}", 0.0);
        assertThat(m.get("limbo_check_timestamp_seconds")).isCloseTo(System.currentTimeMillis() / 1000.0,
                org.assertj.core.data.Offset.offset(60.0));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("limbo.prom");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prom))).isEqualTo("rw-r--r--");

        // A second run replaces the file: OK now, and the old findings are gone.
        limbo("check", "--proc-root", seedRoot(), "--textfile", prom.toString(), "--rules", "unreaped-zombie");
        Map<String, Double> m2 = parseProm(Files.readString(prom));
        assertThat(m2).containsEntry("limbo_check_status", 0.0);
        assertThat(m2.keySet()).noneMatch(k -> k.startsWith("limbo_findings{"));
    }

    @Test
    void textfileInAMissingDirectoryIsReportedNotFatal() {
        Run r = limbo("check", "--proc-root", seedRoot(), "--textfile", tmp.resolve("nope/limbo.prom").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.firstLine()).contains("; textfile ").contains(" not written: ").contains(" | zombies=1;;;0;");
        assertThat(r.err()).contains("not written");
    }

    /** A FIFO in a saved tree is never opened (issue 12, item 2): the check answers, in time. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO
    void aFifoInASavedTreeIsNotOpened() throws Exception {
        Path root = tmp.resolve("fifo");
        AgentTestSupport.copyTree(seed(), root);
        Path fifo = root.resolve("uptime");
        Files.deleteIfExists(fifo);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        try {
            long t0 = System.nanoTime();
            Run r = limbo("check", "--proc-root", root.toString(), "-t", "5s");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.code()).as(r.out()).isEqualTo(2);
            assertThat(ms).isLessThan(5000);
        } finally {
            // had it been opened, its reader would still wait: a writer lets it finish
            Thread release = new Thread(() -> {
                try (FileOutputStream w = new FileOutputStream(fifo.toFile())) {
                    w.write('1');
                } catch (IOException e) {
                    // nobody was reading
                }
            });
            release.setDaemon(true);
            release.start();
            release.join(2000);
        }
    }

    /**
     * A check that cannot finish in time answers UNKNOWN at the timeout (and writes the textfile):
     * here a saved tree of 200,000 processes that takes longer than a second to read and scan. (A live read
     * that never returns: NeverHangLiveTest.)
     */
    @Test
    void aCheckThatCannotFinishGivesUnknownAfterTheTimeout() throws Exception {
        Path big = dev.limbo.procfs.Tars.manyStats(tmp.resolve("big.tar.gz"), 200_000, 200_000);
        Path prom = tmp.resolve("t.prom");
        long t0 = System.nanoTime();
        Run r = limbo("check", "--proc-root", big.toString(), "-t", "1s", "--textfile", prom.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("limbo UNKNOWN - check timed out after 1s (reading the saved tree " + big
                + " took longer; it is large or the host is busy)\n");
        assertThat(ms).isLessThan(10_000);
        assertThat(parseProm(Files.readString(prom))).containsEntry("limbo_check_status", 3.0);
    }

    @Test
    void badInputIsAnUnknownStatusLine() {
        Run badRange = limbo("check", "--proc-root", seedRoot(), "-w", "zombies=abc");
        assertThat(badRange.code()).isEqualTo(3);
        assertThat(badRange.out()).startsWith("limbo UNKNOWN - -w zombies: threshold range 'abc'");
        Run noMetric = limbo("check", "--proc-root", seedRoot(), "-c", "5");
        assertThat(noMetric.code()).isEqualTo(3);
        assertThat(noMetric.out()).startsWith("limbo UNKNOWN - -c '5' names no metric");
        Run badRule = limbo("check", "--proc-root", seedRoot(), "--rules", "-no-such-rule");
        assertThat(badRule.code()).isEqualTo(3);
        assertThat(badRule.out()).startsWith("limbo UNKNOWN - --rules: unknown rule 'no-such-rule'");
        Run badRoot = limbo("check", "--proc-root", tmp.resolve("missing").toString());
        assertThat(badRoot.code()).isEqualTo(3);
        assertThat(badRoot.out()).isEqualTo("limbo UNKNOWN - procfs root not found: " + tmp.resolve("missing") + "\n");
        Run badTimeout = limbo("check", "--proc-root", seedRoot(), "-t", "0");
        assertThat(badTimeout.code()).isEqualTo(3);
        assertThat(badTimeout.out()).startsWith("limbo UNKNOWN - --timeout");
    }

    /** A live zombie on this host: reported with its pid; --min-age (scheduler clock) holds it back while young. */
    @Test
    void liveZombieIsReportedWithItsPidOnceOldEnough() throws Exception {
        try (Zombie z = new Zombie()) {
            String needle = "unreaped-zombie pid " + z.pid + " (sleep)";
            Run now = limbo("check", "-v", "--samples", "1");
            assertThat(now.code()).isBetween(1, 2);
            assertThat(now.out()).contains(needle);

            Run tooYoung = limbo("check", "-v", "--samples", "1", "--min-age", "1h");
            assertThat(tooYoung.out()).doesNotContain(needle);

            Thread.sleep(1600);
            Run oldEnough = limbo("check", "-v", "--samples", "1", "--min-age", "1s");
            assertThat(oldEnough.code()).isBetween(1, 2);
            assertThat(oldEnough.out()).contains(needle);
            Matcher m = Pattern.compile(Pattern.quote(needle) + " stuck (\\d+)s").matcher(oldEnough.out());
            assertThat(m.find()).as(oldEnough.out()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isBetween(1, 60);
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Prometheus text format to {@code name{labels} -> value}; fails on a malformed line. */
    static Map<String, Double> parseProm(String text) {
        assertThat(text).endsWith("\n");
        Map<String, Double> out = new HashMap<>();
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = sample.matcher(line);
            assertThat(m.matches()).as("malformed line: " + line).isTrue();
            out.put(m.group(1), Double.parseDouble(m.group(3)));
        }
        return out;
    }
}
