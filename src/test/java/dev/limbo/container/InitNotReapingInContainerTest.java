package dev.limbo.container;

import static dev.limbo.container.ContainerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.limbo.testing.Prerequisites.require;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A container started without an init: its PID 1 is `sleep` (a shell exec'd it), which never
 * calls wait(). A grandchild orphaned inside the container is reparented to that PID 1 and stays
 * a zombie when it exits: `zombie-init-not-reaping`, attributed to the container from the host.
 * The same container with `--init` (tini reaps) gives no such finding.
 */
@Tag("container")
// containers start, stop and are waited for (the agent run alone may take 120 s): more than the default 3 min
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InitNotReapingInContainerTest {
    /** PID 1 (sh) starts a shell that backgrounds `sleep 0.2` and exits (the orphan goes to PID 1), then becomes `sleep`. */
    private static final String[] NO_REAPER = { "sh", "-c", "sh -c 'sleep 0.2 &'; exec sleep 600" };

    private GenericContainer<?> container;
    /** A cgroup parent the test made (kubelet-style); removed after the container, in every hierarchy. */
    private String cgroupParent;

    private static String skip;

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // image builds: 10 min each at most
    static void images() throws Exception {
        skip = missingPrerequisite();
        if (skip == null) buildImages("base");
    }

    @BeforeEach
    void prerequisites() {
        require(skip == null, skip);
    }

    @AfterEach
    void remove() throws Exception {
        if (container == null) return;
        String id = container.getContainerId();
        stopAndRemove(container, 0); // PID 1 is `sleep` (or tini): SIGKILL, nothing to release
        container = null;
        if (id != null) assertNothingLeft(id);
        if (cgroupParent != null) removeCgroupParent(cgroupParent);
    }

    /** Docker leaves a --cgroup-parent's directories behind: remove them (empty by now), deepest first. */
    private static void removeCgroupParent(String parent) throws java.io.IOException {
        List<java.nio.file.Path> hierarchies;
        try (var s = java.nio.file.Files.list(java.nio.file.Paths.get("/sys/fs/cgroup"))) {
            hierarchies = s.toList();
        }
        String[] parts = parent.replaceFirst("^/", "").split("/");
        for (var h : hierarchies) {
            for (int n = parts.length; n > 0; n--) {
                var dir = h.resolve(String.join("/", java.util.Arrays.copyOf(parts, n)));
                if (java.nio.file.Files.isDirectory(dir)) {
                    try {
                        java.nio.file.Files.delete(dir); // rmdir of an empty cgroup
                    } catch (java.io.IOException busy) {
                        // not empty (another user of the same parent): leave it
                    }
                }
            }
        }
    }

    private GenericContainer<?> start(boolean withInit) {
        return start(withInit, null);
    }

    private GenericContainer<?> start(boolean withInit, String parent) {
        container = new GenericContainer<>(DockerImageName.parse(BASE_IMAGE))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withCommand(NO_REAPER)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.getHostConfig().withInit(withInit);
                    if (parent != null) cmd.getHostConfig().withCgroupParent(parent);
                });
        container.start();
        return container;
    }

    private static int initHostPid(String id) {
        return docker().inspectContainerCmd(id).exec().getState().getPidLong().intValue();
    }

    @Test
    void zombieUnderAPid1ThatDoesNotReapIsAttributedToItsContainer() throws Exception {
        String id = start(false).getContainerId();
        int init = initHostPid(id);
        await("the orphan to exit and stay a zombie under the container's PID 1", Duration.ofSeconds(20),
                () -> tasksOf(id).stream().anyMatch(t -> t.state() == 'Z' && t.ppid() == init));
        HostTask zombie = tasksOf(id).stream().filter(t -> t.state() == 'Z' && t.ppid() == init).findFirst().orElseThrow();
        HostTask pid1 = readTask(init, init);
        assertThat(pid1).isNotNull();
        assertThat(pid1.innermostTgid()).as("the parent is PID 1 of the container's pid namespace").isEqualTo(1);

        Run scan = limbo("scan", "--format", "json");
        JsonNode json = scan.json();
        assertThat(scan.exit()).as("exit code; stderr: %s", scan.err()).isGreaterThanOrEqualTo(1);
        List<JsonNode> found = findings(json, "zombie-init-not-reaping", zombie.pid());
        assertThat(found).as("zombie-init-not-reaping for host pid %d in %s", zombie.pid(), scan.out()).hasSize(1);
        JsonNode f = found.get(0);
        assertThat(f.path("severity").asText()).isEqualTo("WARNING");
        assertThat(f.path("container").path("runtime").asText()).as("container.runtime in %s", f).isEqualTo("docker");
        assertThat(f.path("container").path("id").asText()).as("container.id in %s", f).isEqualTo(id);
        List<Integer> nsPids = intList(f.path("nsPids"));
        assertThat(nsPids).as("nsPids in %s", f).isEqualTo(zombie.nsTgid());
        assertThat(nsPids.get(0)).isEqualTo(zombie.pid());
        assertThat(nsPids.get(nsPids.size() - 1)).isEqualTo(zombie.innermostTgid());
    }

    /**
     * The same case in a Kubernetes pod's cgroup, as the kubelet lays it out with the cgroupfs
     * driver (`/kubepods/burstable/pod<uid>/<container id>`), made here with --cgroup-parent: the
     * finding still names the container.
     */
    @Test
    void aPodsContainerIsAttributedFromItsKubepodsCgroup() throws Exception {
        String podUid = java.util.UUID.randomUUID().toString();
        cgroupParent = "/kubepods/burstable/pod" + podUid;
        String id = start(false, cgroupParent).getContainerId();
        int init = initHostPid(id);
        await("a zombie under the pod container's PID 1", Duration.ofSeconds(20),
                () -> tasksOf(id).stream().anyMatch(t -> t.state() == 'Z' && t.ppid() == init));
        HostTask zombie = tasksOf(id).stream().filter(t -> t.state() == 'Z' && t.ppid() == init).findFirst().orElseThrow();
        assertThat(zombie.cgroup()).as("the cgroup path really is kubelet-style")
                .contains("/kubepods/burstable/pod" + podUid + "/" + id);

        Run scan = limbo("scan", "--format", "json");
        List<JsonNode> found = findings(scan.json(), "zombie-init-not-reaping", zombie.pid());
        assertThat(found).as("zombie-init-not-reaping for host pid %d in %s", zombie.pid(), scan.out()).hasSize(1);
        JsonNode c = found.get(0).path("container");
        assertThat(c.path("id").asText()).as("container.id in %s", found.get(0)).isEqualTo(id);
        assertThat(c.path("runtime").asText()).as("container.runtime in %s", found.get(0)).isNotBlank();
        assertThat(intList(found.get(0).path("nsPids"))).isEqualTo(zombie.nsTgid());
    }

    @Test
    void theSameContainerWithAnInitGivesNoFinding() throws Exception {
        String id = start(true).getContainerId();
        int init = initHostPid(id);
        HostTask pid1 = readTask(init, init);
        assertThat(pid1).isNotNull();
        // wait until the orphan has come and gone: only PID 1 (the init) and `sleep 600` are left
        await("the orphan to be reaped by the init", Duration.ofSeconds(20), () -> {
            List<HostTask> tasks = tasksOf(id);
            return tasks.size() == 2 && tasks.stream().noneMatch(t -> t.state() == 'Z');
        });

        Run scan = limbo("scan", "--format", "json");
        for (JsonNode f : scan.json().path("findings")) {
            assertThat(f.path("container").path("id").asText()).as("finding %s", f).isNotEqualTo(id);
        }
    }
}
