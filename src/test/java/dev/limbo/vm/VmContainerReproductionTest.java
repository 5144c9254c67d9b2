package dev.limbo.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The founding case's kernel module, built and loaded from a privileged container, diagnosed by
 * limbo from the host side of a QEMU guest.
 *
 * <p>Runs {@code native-fixtures/vm/run container} once: in the guest, Debian's docker.io runs the
 * fixtures image privileged with the guest's {@code /lib/modules}, {@code /usr/src} and kbuild tools
 * mounted; its {@code seed} command builds the {@code memory} module, loads it and starts the seed
 * program (leader Z, reader thread D in {@code memory_read}). limbo runs on the guest's host side
 * (this build's classpath, as in {@link VmReproductionTest}); the module's wait is released there;
 * the container must then unload the module and leave nothing. The guest finds the host pids of the
 * container's tasks by itself (cgroup + NStgid), so the assertions below compare limbo's answer with
 * an independent one.
 */
@Tag("vm")
class VmContainerReproductionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path out;
    private static Path guest;
    private static int child;
    private static int tid;
    private static int childInside;
    private static int tidInside;
    private static String containerId;
    private static JsonNode fixtureInside;

    @BeforeAll
    static void runVm() throws Exception {
        Assumptions.assumeTrue(isRoot(), "the VM reproduction needs root (it installs packages and boots QEMU)");
        Path repo = Path.of(System.getProperty("limbo.repo", ".")).toAbsolutePath().normalize();
        out = repo.resolve("target/vm-container");
        guest = out.resolve("guest");
        Files.createDirectories(out);
        Path log = out.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--pdeathsig", "KILL", // dies with this JVM
                repo.resolve("native-fixtures/vm/run").toString(), "container")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LIMBO_VM_CLASSPATH", VmReproductionTest.runtimeClasspath());
        pb.environment().put("LIMBO_VM_VERIFY", "0"); // the tests below check limbo's output one by one
        Process p = pb.start();
        if (!p.waitFor(50, TimeUnit.MINUTES)) {
            p.destroy(); // SIGTERM: run's trap stops QEMU
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            throw new AssertionError("native-fixtures/vm/run container did not finish in 50 minutes\n" + tail(log));
        }
        int rc = p.exitValue();
        String text = Files.readString(log);
        System.out.println(text);
        Assumptions.assumeFalse(rc == 77, () -> "VM prerequisites missing: " + lastLine(text));
        assertThat(rc).as("native-fixtures/vm/run container exit code\n%s", tail(log)).isZero();
        JsonNode fixture = JSON.readTree(guest.resolve("fixture.json").toFile());
        child = fixture.path("pids").path("child").asInt();
        tid = fixture.path("tids").path("stuck").asInt();
        childInside = fixture.path("pids").path("childInContainer").asInt();
        tidInside = fixture.path("tids").path("stuckInContainer").asInt();
        containerId = fixture.path("container").asText();
        fixtureInside = JSON.readTree(guest.resolve("fixture-container.json").toFile());
        assertThat(child).isPositive();
        assertThat(tid).isPositive();
        assertThat(containerId).as("container id").matches("[0-9a-f]{64}");
    }

    @Test
    void theContainerReportedThePidsTheGuestFoundThroughItsNamespace() {
        // what seed-memory-reader printed inside the container: its own pid namespace's numbers
        assertThat(fixtureInside.path("fixture").asText()).isEqualTo("seed-memory-reader");
        assertThat(fixtureInside.path("pids").path("child").asInt()).isEqualTo(childInside);
        assertThat(fixtureInside.path("tids").path("stuck").asInt()).isEqualTo(tidInside);
        assertThat(child).as("host pid differs from the in-container pid").isNotEqualTo(childInside);
    }

    @Test
    void scanFindsTheZombieLeaderWithItsStuckThreadInTheContainer() throws IOException {
        JsonNode scan = JSON.readTree(out.resolve("scan.json").toFile());
        assertThat(scan.path("schema").asText()).isEqualTo("limbo/v1");
        JsonNode f = finding(scan, "zombie-leader-stuck-thread", child);
        assertThat(f).as("zombie-leader-stuck-thread on pid %d in %s", child, scan).isNotNull();
        assertThat(f.path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(ints(f.path("tids"))).containsExactly(tid);
        assertThat(guestExit("scan")).as("limbo scan exit code (2: worst finding CRITICAL)").isEqualTo(2);
    }

    @Test
    void findingNamesTheContainerAndThePidInside() throws IOException {
        JsonNode f = finding(JSON.readTree(out.resolve("scan.json").toFile()), "zombie-leader-stuck-thread", child);
        assertThat(f).isNotNull();
        assertThat(f.path("container").path("runtime").asText()).as("container in %s", f).isEqualTo("docker");
        assertThat(f.path("container").path("id").asText()).isEqualTo(containerId);
        List<Integer> nsPids = ints(f.path("nsPids"));
        assertThat(nsPids).as("nsPids in %s", f).hasSizeGreaterThanOrEqualTo(2);
        assertThat(nsPids.get(0)).as("host pid first").isEqualTo(child);
        assertThat(nsPids.get(nsPids.size() - 1)).as("in-container pid last").isEqualTo(childInside);
    }

    @Test
    void evidenceShowsTheThreadInMemoryReadOfTheModuleLoadedFromTheContainer() throws IOException {
        JsonNode f = finding(JSON.readTree(out.resolve("scan.json").toFile()), "zombie-leader-stuck-thread", child);
        assertThat(f).isNotNull();
        List<String> stackLines = StreamSupport.stream(f.path("evidence").spliterator(), false)
                .filter(e -> e.path("path").asText().endsWith("/task/" + tid + "/stack"))
                .map(e -> e.path("line").asText())
                .collect(Collectors.toList());
        assertThat(stackLines).anySatisfy(l -> assertThat(l).contains("memory_read").endsWith("[memory]"));
        JsonNode waits = f.path("waitsOn");
        assertThat(waits.path("module").asText()).as("waitsOn of %s", f).isEqualTo("memory");
        assertThat(waits.path("function").asText()).isEqualTo("memory_read");
        assertThat(waits.path("kind").asText()).isEqualTo("driver-module");
        // the guest saw the module loaded while the container ran, from its own /proc/modules
        assertThat(Files.readString(out.resolve("evidence.txt"))).containsPattern("(?m)^memory \\d+ [1-9]");
    }

    @Test
    void explainNamesTheContainerAndThePidInside() throws IOException {
        String explain = Files.readString(out.resolve("explain.txt"));
        assertThat(explain).contains("zombie-leader-stuck-thread").contains(String.valueOf(child))
                .contains(String.valueOf(tid)).contains("memory_read");
        String shortId = containerId.substring(0, 12);
        assertThat(explain).as("explain names the container").contains(shortId);
        boolean told = explain.lines().anyMatch(l -> l.matches(".*\\b" + childInside + "\\b.*")
                && (l.contains(shortId) || l.toLowerCase().matches(".*(container|namespace|inside).*")));
        assertThat(told).as("explain tells the in-container pid %d:\n%s", childInside, explain).isTrue();
        assertThat(guestExit("explain")).as("limbo explain exit code").isEqualTo(2);
    }

    @Test
    void releasedThroughTheModuleThenNothingLeft() throws IOException {
        JsonNode after = JSON.readTree(out.resolve("scan-after.json").toFile());
        assertThat(after.path("schema").asText()).isEqualTo("limbo/v1");
        assertThat(after.path("findings")).noneMatch(n -> n.path("pid").asInt() == child);
        assertThat(after.path("findings")).noneMatch(n -> containerId.equals(n.path("container").path("id").asText()));
        assertThat(guestExit("scan-after")).as("limbo scan exit code after release").isNotEqualTo(3);
        // the fixture stopped cleanly (seed unloads the module it loaded), the container was removed
        assertThat(Files.readString(guest.resolve("container.rc")).trim()).isEqualTo("0");
        assertThat(Files.readAllLines(out.resolve("after.txt"))).contains(
                "module memory loaded: 0", "containers: 0", "tasks in the container's cgroup: none",
                "child " + child + " present: no");
    }

    private static int guestExit(String step) throws IOException {
        return Integer.parseInt(Files.readString(guest.resolve(step + ".rc")).trim());
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

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
