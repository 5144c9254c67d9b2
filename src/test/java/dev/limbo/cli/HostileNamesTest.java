package dev.limbo.cli;

import static dev.limbo.agent.AgentTestSupport.limbo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.agent.AgentTestSupport.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A comm in a saved tree is arbitrary bytes: every control character 0x00–0x1f and 0x7f, and
 * bytes that are not UTF-8, as the name of a task in D. Every text a person reads (scan, explain,
 * check, watch) shows them escaped and holds no control character but newline and tab; the JSON
 * keeps them exact, and a stat line whose comm holds a newline is quoted whole. Explain on a tree
 * of binary junk prints no raw bytes either.
 */
@Timeout(120)
class HostileNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A real stat line of this JVM, turned into task {@code pid}'s, named {@code comm}, in D. */
    static byte[] stat(int pid, byte[] comm) throws IOException {
        String self = Files.readString(Path.of("/proc/self/stat"));
        String rest = self.substring(self.lastIndexOf(')') + 4); // after ") S "
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((pid + " (").getBytes(StandardCharsets.US_ASCII));
        b.write(comm);
        b.write((") D " + rest).getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** One single-threaded process 100 in D (a hung task) whose comm is {@code comm}, in every file that names it. */
    Path tree(String name, byte[] comm) throws IOException {
        Path root = tmp.resolve(name);
        Path task = root.resolve("100/task/100");
        Files.createDirectories(task);
        byte[] stat = stat(100, comm);
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        status.write("Name:\t".getBytes(StandardCharsets.US_ASCII));
        status.write(comm);
        status.write(("\nState:\tD (disk sleep)\nTgid:\t100\nPid:\t100\nPPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n"
                + "Threads:\t1\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nvoluntary_ctxt_switches:\t5\n"
                + "nonvoluntary_ctxt_switches:\t1\n").getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream commFile = new ByteArrayOutputStream();
        commFile.write(comm);
        commFile.write('\n');
        for (Path dir : List.of(root.resolve("100"), task)) {
            Files.write(dir.resolve("stat"), stat);
            Files.write(dir.resolve("status"), status.toByteArray());
            Files.write(dir.resolve("comm"), commFile.toByteArray());
            Files.writeString(dir.resolve("stack"), "[<0>] folio_wait_bit_common+0x13e/0x300\n[<0>] folio_wait_writeback+0x2b/0x80\n"
                    + "[<0>] __filemap_fdatawait_range+0x8d/0xf0\n[<0>] file_write_and_wait_range+0xa0/0xc0\n[<0>] fuse_fsync+0x5c/0x1a0\n"
                    + "[<0>] __x64_sys_fsync+0x3b/0x70\n[<0>] do_syscall_64+0x82/0x190\n[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n");
            Files.writeString(dir.resolve("wchan"), "folio_wait_bit_common");
        }
        Files.write(root.resolve("100/cmdline"), commFile.toByteArray());
        Files.writeString(root.resolve("uptime"), "1000.00 500.00\n");
        return root;
    }

    /** No byte a terminal acts on: no control character but newline and tab, no DEL, no C1. */
    static void assertPrintable(String what, String out) {
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            assertThat(control).as("%s: raw U+%04X at %d in:%n%s", what, (int) c, i, out).isFalse();
        }
    }

    static List<byte[]> hostileComms() {
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c <= 0x20; c++) {
            int ch = c == 0x20 ? 0x7f : c;
            out.add(new byte[] {'d', 'b', (byte) ch, 'x'});
        }
        out.add("\u001b]0;PWN\u0007\u001b[31mX".getBytes(StandardCharsets.ISO_8859_1));
        out.add("\r\u001b[2Kfake OK".getBytes(StandardCharsets.ISO_8859_1));
        out.add(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '!'}); // not UTF-8
        out.add(new byte[] {'c', '1', (byte) 0xc2, (byte) 0x9b, '3', '1', 'm'}); // U+009B, an 8-bit CSI
        out.add("rtl\u202egnp.exe".getBytes(StandardCharsets.UTF_8)); // a bidi override
        return out;
    }

    @Test
    void everyControlCharacterInACommIsShownEscapedAndKeptExactInJson() throws Exception {
        long t0 = System.nanoTime();
        int n = 0;
        for (byte[] comm : hostileComms()) {
            String label = "comm " + hex(comm);
            Path root = tree("t" + n++, comm);
            String decoded = new String(comm, StandardCharsets.UTF_8);

            Run scan = limbo("scan", "--proc-root", root.toString());
            assertThat(scan.code()).as("%s scan: %s", label, scan.err()).isBetween(1, 2);
            assertThat(scan.out()).as(label).contains("hung-task");
            assertPrintable(label + " scan", scan.out());
            assertPrintable(label + " scan stderr", scan.err());
            assertThat(scan.out()).as(label).contains("pid 100 (" + dev.limbo.report.Printable.of(decoded) + ")");

            Run explain = limbo("explain", "100", "--proc-root", root.toString());
            assertThat(explain.code()).as("%s explain: %s", label, explain.err()).isBetween(1, 2);
            assertPrintable(label + " explain", explain.out());

            Run check = limbo("check", "--proc-root", root.toString(), "-v", "--hung-after", "0");
            assertThat(check.code()).as(label).isBetween(1, 2);
            assertPrintable(label + " check", check.out());
            assertThat(check.firstLine()).as(label).contains(" | zombies=");
            assertThat(check.firstLine().indexOf('|')).as("%s: one '|', before perfdata", label)
                    .isEqualTo(check.firstLine().lastIndexOf(" | zombies=") + 1);

            Run watch = limbo("watch", "--once", "--proc-root", root.toString());
            assertPrintable(label + " watch", watch.out());

            JsonNode json = JSON.readTree(limbo("scan", "--format", "json", "--proc-root", root.toString()).out());
            JsonNode f = json.path("findings").get(0);
            assertThat(f.path("comm").asText()).as(label).isEqualTo(decoded);
            String statLine = null;
            for (JsonNode e : f.path("evidence")) {
                if (e.path("path").asText().endsWith("/task/100/stat")) {
                    statLine = e.path("line").asText();
                }
            }
            String wholeStat = new String(Files.readAllBytes(root.resolve("100/task/100/stat")), StandardCharsets.UTF_8);
            assertThat(statLine).as("%s: the stat line quoted whole, as read", label)
                    .isEqualTo(wholeStat.substring(0, wholeStat.length() - 1));
        }
        System.out.printf("hostile-names: %d comms x 5 runs, %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void explainOnATreeOfBinaryJunkPrintsNoRawBytes() throws Exception {
        Random rnd = new Random(7);
        long t0 = System.nanoTime();
        for (int round = 0; round < 20; round++) {
            Path root = tree("junk" + round, "junk".getBytes(StandardCharsets.US_ASCII));
            for (Path dir : List.of(root.resolve("100"), root.resolve("100/task/100"))) {
                for (String file : List.of("status", "stack", "wchan", "comm", "syscall", "cgroup")) {
                    if (rnd.nextInt(3) == 0) {
                        continue; // some files stay sane, so a finding is built from the rest
                    }
                    byte[] junk = new byte[rnd.nextInt(600)];
                    rnd.nextBytes(junk);
                    Files.write(dir.resolve(file), junk);
                }
            }
            Files.write(root.resolve("100/cmdline"), junkBytes(rnd));
            for (String fmt : List.of("text", "json")) {
                Run explain = limbo("explain", "100", "--format", fmt, "--proc-root", root.toString());
                assertThat(explain.code()).as("round %d: %s", round, explain.err()).isBetween(0, 2);
                assertThat(explain.err()).doesNotContain("Exception");
                assertPrintable("junk round " + round + " explain " + fmt, explain.out());
            }
            Run scan = limbo("scan", "--proc-root", root.toString());
            assertPrintable("junk round " + round + " scan", scan.out());
        }
        System.out.printf("hostile-names junk trees: 20 trees x 3 runs, %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    static byte[] junkBytes(Random rnd) {
        byte[] b = new byte[1 + rnd.nextInt(300)];
        rnd.nextBytes(b);
        return b;
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }
}
