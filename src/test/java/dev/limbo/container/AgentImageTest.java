package dev.limbo.container;

import static dev.limbo.container.ContainerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.limbo.testing.Prerequisites.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * The agent image as a DaemonSet runs it: host pid namespace, every capability dropped but
 * SYS_PTRACE and SYS_ADMIN, read-only root filesystem. It must see and attribute a zombie that
 * lives in another container. Needs target/limbo.jar (`./mvnw -B -DskipTests package`); in a
 * plain `mvn verify` the tests run before the jar exists, and this one skips (under CI it fails:
 * .ci/setup.d/30-docker.sh packages the jar and builds the image before the tests).
 */
@Tag("container")
// containers start, stop and are waited for (the agent run alone may take 120 s): more than the default 3 min
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentImageTest {
    private static final String AGENT_IMAGE = System.getenv().getOrDefault("LIMBO_AGENT_IMAGE", "limbo/limbo:latest");
    private static String skip;
    private GenericContainer<?> victim;
    private String agentId;

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // image builds: 10 min each at most
    static void images() throws Exception {
        skip = missingPrerequisite();
        if (skip == null && !Files.exists(repo().resolve("target/limbo.jar"))) {
            skip = "target/limbo.jar is not built (./mvnw -B -DskipTests package): the agent image is made from it";
        }
        if (skip == null) buildImages("base", "limbo");
    }

    @BeforeEach
    void prerequisites() {
        require(skip == null, skip);
    }

    @AfterEach
    void remove() throws Exception {
        if (agentId != null) {
            try {
                docker().removeContainerCmd(agentId).withForce(true).exec();
            } catch (RuntimeException gone) {
                // already removed
            }
            assertNothingLeft(agentId);
        }
        if (victim != null) {
            String id = victim.getContainerId();
            stopAndRemove(victim, 0);
            if (id != null) assertNothingLeft(id);
        }
    }

    @Test
    void agentInTheHostPidNamespaceAttributesAnotherContainersZombie() throws Exception {
        victim = new GenericContainer<>(DockerImageName.parse(BASE_IMAGE))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withCommand("sh", "-c", "sh -c 'sleep 0.2 &'; exec sleep 600");
        victim.start();
        String victimId = victim.getContainerId();
        int init = docker().inspectContainerCmd(victimId).exec().getState().getPidLong().intValue();
        await("a zombie under the victim container's PID 1", Duration.ofSeconds(20),
                () -> tasksOf(victimId).stream().anyMatch(t -> t.state() == 'Z' && t.ppid() == init));
        HostTask zombie = tasksOf(victimId).stream().filter(t -> t.state() == 'Z').findFirst().orElseThrow();

        HostConfig hc = HostConfig.newHostConfig()
                .withPidMode("host")
                .withNetworkMode("host")
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.SYS_PTRACE, Capability.SYS_ADMIN)
                .withSecurityOpts(List.of("apparmor=unconfined"))
                .withReadonlyRootfs(true);
        agentId = docker().createContainerCmd(AGENT_IMAGE).withHostConfig(hc)
                .withCmd("scan", "--format", "json").exec().getId();
        docker().startContainerCmd(agentId).exec();
        int exit = docker().waitContainerCmd(agentId).exec(new WaitContainerResultCallback())
                .awaitStatusCode(120, TimeUnit.SECONDS);
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        docker().logContainerCmd(agentId).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame f) {
                (f.getStreamType() == StreamType.STDERR ? err : out).append(new String(f.getPayload(), StandardCharsets.UTF_8));
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);

        Run scan = new Run(exit, out.toString(), err.toString());
        assertThat(exit).as("agent exit code; stderr: %s", err).isGreaterThanOrEqualTo(1).isLessThan(3);
        List<JsonNode> found = findings(scan.json(), "zombie-init-not-reaping", zombie.pid());
        assertThat(found).as("zombie-init-not-reaping for host pid %d, seen from the agent: %s", zombie.pid(), out)
                .hasSize(1);
        assertThat(found.get(0).path("container").path("id").asText()).isEqualTo(victimId);
        assertThat(intList(found.get(0).path("nsPids"))).isEqualTo(zombie.nsTgid());
    }
}
