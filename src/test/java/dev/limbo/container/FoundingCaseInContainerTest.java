package dev.limbo.container;

import static dev.limbo.container.ContainerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.limbo.testing.Prerequisites.require;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The founding case reproduced inside a privileged container (FUSE fixture `fuse-stuck`: leader Z,
 * sibling thread D in request_wait_answer), diagnosed by limbo running on the host: the finding
 * names the container (id from the task's cgroup) and the pids as the host and the container see
 * them (NStgid).
 */
@Tag("container")
// holds FUSE mounts and D tasks: a timeout in a separate thread, which an uninterruptible wait cannot block
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FoundingCaseInContainerTest {
    private GenericContainer<?> fixture;

    /** What the fixture printed (in-container pids) and the same tasks as the host sees them. */
    private record Case(String containerId, int nsVictim, int nsStuck, HostTask leader, HostTask stuck) {}

    private static String skip;

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // image builds: 10 min each at most
    static void images() throws Exception {
        skip = missingPrerequisite();
        if (skip == null && !Files.exists(Paths.get("/dev/fuse"))) skip = "needs /dev/fuse on the host (FUSE reproduction)";
        if (skip == null && !Files.exists(repo().resolve("native-fixtures/src/fuse-stuck.c"))) {
            skip = "native-fixtures/src/fuse-stuck.c is not in this checkout";
        }
        if (skip == null) buildImages("fixtures");
    }

    @BeforeEach
    void prerequisites() {
        require(skip == null, skip);
    }

    @AfterEach
    void release() throws Exception {
        if (fixture == null) return;
        String id = fixture.getContainerId();
        stopAndRemove(fixture);
        fixture = null;
        if (id != null) assertNothingLeft(id);
    }

    private Case reproduce(String mode) throws Exception {
        fixture = new GenericContainer<>(DockerImageName.parse(FIXTURES_IMAGE))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withCommand("fuse-stuck", "--mode", mode, "--hold", "600")
                // the fixture holds until its stdin reaches EOF: keep it open
                .withCreateContainerCmdModifier(cmd -> cmd.withStdinOpen(true))
                .waitingFor(Wait.forLogMessage(".*\"fixture\".*\\n", 1).withStartupTimeout(Duration.ofSeconds(60)));
        privileged(fixture);
        fixture.start();
        String line = fixture.getLogs(OutputFrame.OutputType.STDOUT).lines()
                .filter(l -> l.startsWith("{\"fixture\"")).findFirst().orElseThrow();
        JsonNode fx = JSON.readTree(line);
        int nsVictim = fx.path("pids").path("victim").asInt();
        int nsStuck = fx.path("tids").path("stuck").asInt();
        assertThat(nsVictim).as("fixture line %s", line).isPositive();
        assertThat(nsStuck).as("fixture line %s", line).isPositive();
        String id = fixture.getContainerId();
        HostTask leader = hostTask(id, nsVictim, nsVictim);
        HostTask stuck = hostTask(id, nsVictim, nsStuck);
        // the situation really is the founding case, as the host sees it (read here, not by limbo)
        assertThat(leader.state()).as("leader state").isEqualTo('Z');
        assertThat(stuck.state()).as("thread state").isEqualTo('D');
        assertThat(leader.pid()).as("host pid differs from the in-container pid").isNotEqualTo(nsVictim);
        assertThat(leader.nsTgid()).hasSizeGreaterThanOrEqualTo(2);
        return new Case(id, nsVictim, nsStuck, leader, stuck);
    }

    /**
     * Every variant of the FUSE fixture: the thread blocked in read(), inside its own do_exit()
     * closing the file (flush), and in __fput() from task work at exit (writeback, the founding
     * case's path).
     */
    @ParameterizedTest(name = "fuse-stuck --mode {0}")
    @ValueSource(strings = { "read", "flush", "writeback" })
    void scanOnTheHostNamesTheContainerAndItsPids(String mode) throws Exception {
        Case c = reproduce(mode);

        Run scan = limbo("scan", "--format", "json");
        JsonNode json = scan.json();
        assertThat(scan.exit()).as("exit code (CRITICAL finding); stderr: %s", scan.err()).isEqualTo(2);
        List<JsonNode> found = findings(json, "zombie-leader-stuck-thread", c.leader().pid());
        assertThat(found).as("zombie-leader-stuck-thread for host pid %d in %s", c.leader().pid(), scan.out())
                .hasSize(1);
        JsonNode f = found.get(0);
        assertThat(f.path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(intList(f.path("tids"))).as("tids (host ids)").contains(c.stuck().tid());

        JsonNode container = f.path("container");
        assertThat(container.path("runtime").asText()).as("container.runtime in %s", f).isEqualTo("docker");
        assertThat(container.path("id").asText()).as("container.id in %s", f).isEqualTo(c.containerId());

        List<Integer> nsPids = intList(f.path("nsPids"));
        assertThat(nsPids).as("nsPids in %s", f).hasSizeGreaterThanOrEqualTo(2);
        assertThat(nsPids.get(0)).as("nsPids: host pid first").isEqualTo(c.leader().pid());
        assertThat(nsPids.get(nsPids.size() - 1)).as("nsPids: in-container pid last").isEqualTo(c.nsVictim());
        assertThat(nsPids).as("nsPids is the leader's NStgid").isEqualTo(c.leader().nsTgid());

        // the fixture's other processes are not stuck: no finding at WARNING or above for them
        for (HostTask t : tasksOf(c.containerId())) {
            if (t.pid() == c.leader().pid() || t.pid() != t.tid()) continue;
            for (JsonNode other : json.path("findings")) {
                if (other.path("pid").asInt() == t.pid()) {
                    assertThat(other.path("severity").asText()).as("finding on %s: %s", t, other).isEqualTo("INFO");
                }
            }
        }

        assertThat(stopAndRemove(fixture)).as("fixture exit code after release").isZero();
        assertNothingLeft(c.containerId());
        fixture = null;
        Run after = limbo("scan", "--format", "json");
        assertThat(findings(after.json(), "zombie-leader-stuck-thread", c.leader().pid())).as("after release").isEmpty();
    }

    @Test
    void explainOnTheHostTellsWhichContainerAndTheInnerPid() throws Exception {
        Case c = reproduce("read");
        String shortId = c.containerId().substring(0, 12);

        Run explain = limbo("explain", String.valueOf(c.leader().pid()));
        assertThat(explain.exit()).as("exit code; stderr: %s", explain.err()).isEqualTo(2);
        String text = explain.out();
        assertThat(text).as("explain names the rule").contains("zombie-leader-stuck-thread");
        assertThat(text).as("explain names the container (short id is enough)").contains(shortId);
        // the in-container pid appears on a line that is about the container or the pid namespace
        Pattern innerPid = Pattern.compile("\\b" + c.nsVictim() + "\\b");
        boolean told = text.lines().anyMatch(l -> innerPid.matcher(l).find()
                && (l.contains(shortId) || l.toLowerCase().matches(".*(container|namespace|nspid|nstgid|inside).*")));
        assertThat(told).as("explain tells the in-container pid %d:\n%s", c.nsVictim(), text).isTrue();
        assertThat(text).as("explain names the host pid").contains(String.valueOf(c.leader().pid()));
    }
}
