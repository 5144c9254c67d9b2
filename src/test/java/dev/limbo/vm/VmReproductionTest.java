package dev.limbo.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.testing.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed case's kernel-module reproduction, diagnosed by limbo inside a QEMU guest.
 *
 * <p>Runs {@code native-fixtures/vm/run} once (it installs QEMU and a Debian kernel if needed, builds
 * the {@code memory} module and the seed program, boots, reproduces "zombie leader + D thread in
 * memory_read" and runs limbo in the guest), then asserts on the guest's {@code target/vm/scan.json}.
 * limbo runs in the guest from this build's own classpath ({@code LIMBO_VM_CLASSPATH}: target/classes
 * and the dependency jars, all visible through the guest's read-only 9p share of /), so the code under
 * test is the code just compiled, with no nested Maven build and no stale {@code limbo.jar}.
 */
@Tag("vm")
class VmReproductionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path repo;
    private static Path out;
    private static int child;
    private static int tid;

    @BeforeAll
    @Timeout(value = 25, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // run's own bound is 20 min
    static void runVm() throws Exception {
        Prerequisites.require(isRoot(), "the VM reproduction needs root (it installs packages and boots QEMU)");
        repo = Path.of(System.getProperty("limbo.repo", ".")).toAbsolutePath().normalize();
        out = repo.resolve("target/vm");
        Files.createDirectories(out);
        Path log = out.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", // dies with this JVM
                repo.resolve("native-fixtures/vm/run").toString())
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LIMBO_VM_CLASSPATH", runtimeClasspath());
        pb.environment().put("LIMBO_VM_VERIFY", "0"); // the tests below check limbo's output one by one
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroy(); // SIGTERM: run's trap stops QEMU
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            throw new AssertionError("native-fixtures/vm/run did not finish in 20 minutes\n" + tail(log));
        }
        int rc = p.exitValue();
        String text = Files.readString(log);
        System.out.println(text);
        // 77: a prerequisite is missing (not root, QEMU not installable): a skip here, a failure under CI
        Prerequisites.require(rc != 77, () -> "VM prerequisites missing: " + lastLine(text));
        assertThat(rc).as("native-fixtures/vm/run exit code\n%s", tail(log)).isZero();
        JsonNode fixture = JSON.readTree(out.resolve("guest/fixture.json").toFile());
        child = fixture.path("pids").path("child").asInt();
        tid = fixture.path("tids").path("stuck").asInt();
        assertThat(child).isPositive();
        assertThat(tid).isPositive();
    }

    @Test
    void scanFindsTheZombieLeaderWithItsStuckThread() throws IOException {
        JsonNode scan = JSON.readTree(out.resolve("scan.json").toFile());
        assertThat(scan.path("schema").asText()).isEqualTo("limbo/v1");
        JsonNode f = finding(scan, "zombie-leader-stuck-thread", child);
        assertThat(f).as("zombie-leader-stuck-thread on pid %d in %s", child, scan).isNotNull();
        assertThat(f.path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(ints(f.path("tids"))).containsExactly(tid);
        assertThat(guestExit("scan")).as("limbo scan exit code (2: worst finding CRITICAL)").isEqualTo(2);
    }

    @Test
    void evidenceShowsTheThreadInMemoryReadOfModuleMemory() throws IOException {
        JsonNode f = finding(JSON.readTree(out.resolve("scan.json").toFile()), "zombie-leader-stuck-thread", child);
        assertThat(f).isNotNull();
        List<String> stackLines = StreamSupport.stream(f.path("evidence").spliterator(), false)
                .filter(e -> e.path("path").asText().endsWith("/task/" + tid + "/stack"))
                .map(e -> e.path("line").asText())
                .collect(Collectors.toList());
        assertThat(stackLines).anySatisfy(l -> assertThat(l).contains("memory_read").endsWith("[memory]"));
    }

    @Test
    void classificationNamesTheDriverModule() throws IOException {
        JsonNode f = finding(JSON.readTree(out.resolve("scan.json").toFile()), "zombie-leader-stuck-thread", child);
        assertThat(f).isNotNull();
        JsonNode waits = f.path("waitsOn");
        assertThat(waits.path("module").asText()).as("waitsOn of %s", f).isEqualTo("memory");
        assertThat(waits.path("function").asText()).isEqualTo("memory_read");
        assertThat(waits.path("kind").asText()).isEqualTo("driver-module");
    }

    @Test
    void explainTellsTheStoryOfTheChild() throws IOException {
        String explain = Files.readString(out.resolve("explain.txt"));
        assertThat(explain).contains(String.valueOf(child)).contains(String.valueOf(tid)).contains("memory_read");
        assertThat(guestExit("explain")).as("limbo explain exit code").isEqualTo(2);
    }

    @Test
    void scanAfterReleaseHasNoFindingOnTheChild() throws IOException {
        JsonNode after = JSON.readTree(out.resolve("scan-after.json").toFile());
        assertThat(after.path("schema").asText()).isEqualTo("limbo/v1");
        assertThat(after.path("findings")).noneMatch(n -> n.path("pid").asInt() == child);
        assertThat(guestExit("scan-after")).as("limbo scan exit code after release").isNotEqualTo(3);
    }

    private static int guestExit(String step) throws IOException {
        return Integer.parseInt(Files.readString(out.resolve("guest/" + step + ".rc")).trim());
    }

    private static JsonNode finding(JsonNode scan, String rule, int pid) {
        for (JsonNode n : scan.path("findings"))
            if (rule.equals(n.path("rule").asText()) && n.path("pid").asInt() == pid) return n;
        return null;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> r = new ArrayList<>();
        array.forEach(n -> r.add(n.asInt()));
        return r;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** This JVM's classpath (Surefire's manifest-only booter jar expanded), as absolute host paths. */
    static String runtimeClasspath() throws IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            Path p = Path.of(e).toAbsolutePath();
            if (p.getFileName().toString().startsWith("surefirebooter") && p.toString().endsWith(".jar")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    Manifest m = jar.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (cp != null)
                        for (String u : cp.trim().split("\\s+")) entries.add(Path.of(URI.create(u)).toString());
                }
            } else {
                entries.add(p.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
