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
 * The agent image as deploy/kubernetes/limbo-daemonset.yaml runs it: host pid namespace, its
 * command, uid 0, every capability dropped but those the DaemonSet adds (read from the file),
 * read-only root filesystem with /tmp a tmpfs (the DaemonSet's emptyDir). It must see and
 * attribute a zombie that lives in another container. The image holds the release tarball
 * (`./mvnw -B -Prelease -DskipTests package`; CI: .ci/setup.d/20-release.sh).
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
        if (skip == null && !Files.exists(repo().resolve("target/dist/SHA256SUMS"))) {
            assertThat(System.getenv("LIMBO_CI")).as("target/dist must be built before the tests in CI").isNull();
            skip = "target/dist is not built (./mvnw -B -Prelease -DskipTests package): the agent image is made from it";
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

        DaemonSet ds = DaemonSet.read();
        HostConfig hc = HostConfig.newHostConfig()
                .withPidMode("host")
                .withNetworkMode("host")
                .withCapDrop(Capability.ALL)
                .withCapAdd(ds.capabilities().toArray(new Capability[0]))
                .withSecurityOpts(List.of("apparmor=unconfined"))
                .withTmpFs(java.util.Map.of("/tmp", "rw,size=16m"))
                .withReadonlyRootfs(true);
        // the DaemonSet's executable, as the user it runs as; `scan` instead of `watch` for one answer
        agentId = docker().createContainerCmd(AGENT_IMAGE).withHostConfig(hc).withUser(ds.user())
                .withEntrypoint(ds.command().get(0)).withCmd("scan", "--format", "json").exec().getId();
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

    @Test
    void theDaemonSetsOwnCommandServesMetricsFromAReadOnlyRoot() throws Exception {
        DaemonSet ds = DaemonSet.read();
        assertThat(ds.command()).containsExactly("/opt/limbo/bin/limbo", "watch");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> args = new java.util.ArrayList<>(ds.args());
        args.set(args.indexOf(":9977"), "127.0.0.1:" + port);   // host networking here: a free port
        HostConfig hc = HostConfig.newHostConfig()
                .withPidMode("host")
                .withNetworkMode("host")
                .withCapDrop(Capability.ALL)
                .withCapAdd(ds.capabilities().toArray(new Capability[0]))
                .withSecurityOpts(List.of("apparmor=unconfined"))
                .withTmpFs(java.util.Map.of("/tmp", "rw,size=16m"))
                .withReadonlyRootfs(true);
        agentId = docker().createContainerCmd(AGENT_IMAGE).withHostConfig(hc).withUser(ds.user())
                .withEntrypoint(ds.command().toArray(new String[0])).withCmd(args).exec().getId();
        docker().startContainerCmd(agentId).exec();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI metricsUri = java.net.URI.create("http://127.0.0.1:" + port + "/metrics");
        String[] body = {""};
        await("the agent's /metrics", Duration.ofSeconds(90), () -> {
            try {
                var r = http.send(java.net.http.HttpRequest.newBuilder(metricsUri).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200 && r.body().contains("limbo_tasks{state=");   // after the first round
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(body[0]).contains("limbo_build_info{version=\"").contains("limbo_tasks{state=\"zombie\"}");
        var labels = docker().inspectImageCmd(AGENT_IMAGE).exec().getConfig().getLabels();
        assertThat(labels).containsKeys("org.opencontainers.image.version", "org.opencontainers.image.source",
                "org.opencontainers.image.revision");
        assertThat(docker().inspectImageCmd(AGENT_IMAGE).exec().getConfig().getUser()).isEqualTo("65534:65534");
    }

    /** What the test needs of deploy/kubernetes/limbo-daemonset.yaml (its one container). */
    record DaemonSet(List<String> command, List<String> args, List<Capability> capabilities, String user) {
        static DaemonSet read() throws java.io.IOException {
            String y = Files.readString(repo().resolve("deploy/kubernetes/limbo-daemonset.yaml"));
            List<String> caps = flow(y, "add");
            java.util.regex.Matcher user = java.util.regex.Pattern.compile("(?m)^\\s*runAsUser:\\s*(\\d+)").matcher(y);
            assertThat(user.find()).as("runAsUser in the DaemonSet").isTrue();
            return new DaemonSet(flow(y, "command"), flow(y, "args"), caps.stream().map(Capability::valueOf).toList(), user.group(1));
        }

        /** A one-line flow sequence {@code key: ["a", "b"]}. */
        private static List<String> flow(String yaml, String key) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*" + key + ":\\s*\\[(.*)]").matcher(yaml);
            assertThat(m.find()).as("%s: [...] in the DaemonSet", key).isTrue();
            return java.util.Arrays.stream(m.group(1).split(",")).map(v -> v.strip().replaceAll("^\"|\"$", "")).toList();
        }
    }
}
