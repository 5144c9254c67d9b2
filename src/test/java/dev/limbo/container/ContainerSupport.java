package dev.limbo.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import dev.limbo.cli.Main;
import dev.limbo.testing.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * What the container tests share: the engine check (skip with a reason where none is reachable;
 * under CI, {@code LIMBO_CI=1}, a failure: see {@link dev.limbo.testing.Prerequisites}),
 * the local images, privileged mode on machines whose capability bounding set is short, reading
 * the host's /proc independently of limbo, running limbo in-process, and leaving nothing behind.
 */
final class ContainerSupport {
    static final String BASE_IMAGE = System.getenv().getOrDefault("LIMBO_BASE_IMAGE", "limbo/debian:bookworm");
    static final String FIXTURES_IMAGE = System.getenv().getOrDefault("LIMBO_FIXTURES_IMAGE", "limbo/fixtures:latest");
    static final ObjectMapper JSON = new ObjectMapper();

    private ContainerSupport() {}

    static Path repo() {
        return Paths.get(System.getProperty("limbo.repo", ".")).toAbsolutePath().normalize();
    }

    /** Why the container tests cannot run here, or null when they can (Linux, root, an engine answers). */
    static String missingPrerequisite() {
        if (!Files.isDirectory(Paths.get("/proc/self/task"))) return "needs Linux /proc";
        if (!isRoot()) return "needs root: limbo reads other processes' /proc (status, stack) on the host";
        // isDockerAvailable() answers false for every failure, an engine/client API mismatch as
        // much as no engine at all: ask for the client to get the real cause into the message.
        String cause;
        try {
            DockerClientFactory.instance().client();
            return null;
        } catch (RuntimeException e) {
            cause = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        String host = System.getenv().getOrDefault("DOCKER_HOST", "the default socket (DOCKER_HOST unset)");
        return "no usable Docker engine at " + host + " (" + cause + ")"
                + ": start one with `docker/engine start` and export what it prints (CI: .ci/setup.d/30-docker.sh)";
    }

    /** Skips (with the reason; fails under CI) unless the prerequisites hold. */
    static void assumeEngine() {
        String why = missingPrerequisite();
        Prerequisites.require(why == null, why);
    }

    static boolean isRoot() {
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.split("\\s+")[1].equals("0");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    static boolean haveImage(String name) {
        try {
            docker().inspectImageCmd(name).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Builds (or refreshes, from the build cache) images with docker/build-images; fails with its output. */
    static void buildImages(String... which) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo().resolve("docker/build-images").toString());
        cmd.addAll(List.of(which));
        Path log = Files.createTempFile("limbo-build-images", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(repo().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("docker/build-images " + String.join(" ", which) + " took over 10 minutes");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("docker/build-images " + String.join(" ", which) + " failed:\n"
                        + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * True privileged mode where the machine allows it. Docker 20.10 asks for every capability it
     * knows and runc fails ("unable to apply caps") where the bounding set lacks one (this
     * machine: CAP_SYS_RESOURCE). docker/engine's runtime wrapper handles that for the private
     * engine; on another engine the same effect comes from adding all capabilities but those,
     * plus /dev/fuse and no seccomp filter.
     */
    static void privileged(GenericContainer<?> c) {
        List<Capability> missing = missingCapabilities();
        if (hasRuntime("limbo-runc")) {
            c.withPrivilegedMode(true).withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withRuntime("limbo-runc"));
        } else if (missing.isEmpty()) {
            c.withPrivilegedMode(true);
        } else {
            c.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                    .withCapAdd(Capability.ALL).withCapDrop(missing.toArray(new Capability[0]))
                    .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                    .withDevices(com.github.dockerjava.api.model.Device.parse("/dev/fuse")));
        }
    }

    static boolean hasRuntime(String name) {
        try {
            var runtimes = docker().infoCmd().exec().getRuntimes();
            return runtimes != null && runtimes.containsKey(name);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Capabilities Docker would grant that this machine's bounding set does not hold. */
    static List<Capability> missingCapabilities() {
        String[] names = { "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
                "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN",
                "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
                "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
                "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
                "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ" };
        long bnd = -1;
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (l.startsWith("CapBnd:")) bnd = Long.parseUnsignedLong(l.substring(7).trim(), 16);
            }
        } catch (IOException e) {
            return List.of();
        }
        List<Capability> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((bnd >>> i & 1) == 0) out.add(Capability.valueOf(names[i]));
        }
        return out;
    }

    /** A task as the host's /proc shows it, read here independently of limbo. */
    record HostTask(int pid, int tid, char state, int ppid, List<Integer> nsTgid, List<Integer> nsPid, String cgroup) {
        int innermostTgid() {
            return nsTgid.get(nsTgid.size() - 1);
        }

        int innermostPid() {
            return nsPid.get(nsPid.size() - 1);
        }
    }

    static HostTask readTask(int pid, int tid) {
        Path dir = Paths.get("/proc", String.valueOf(pid), "task", String.valueOf(tid));
        try {
            char state = '?';
            int ppid = -1;
            List<Integer> nsTgid = List.of(), nsPid = List.of();
            for (String l : Files.readAllLines(dir.resolve("status"))) {
                if (l.startsWith("State:")) state = l.substring(6).trim().charAt(0);
                else if (l.startsWith("PPid:")) ppid = Integer.parseInt(l.substring(5).trim());
                else if (l.startsWith("NStgid:")) nsTgid = ints(l.substring(7));
                else if (l.startsWith("NSpid:")) nsPid = ints(l.substring(6));
            }
            String cgroup = Files.readString(Paths.get("/proc", String.valueOf(pid), "cgroup"));
            return new HostTask(pid, tid, state, ppid, nsTgid, nsPid, cgroup);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<Integer> ints(String s) {
        List<Integer> out = new ArrayList<>();
        for (String p : s.trim().split("\\s+")) out.add(Integer.parseInt(p));
        return out;
    }

    /** Every task (thread) on the host whose cgroup names the container. */
    static List<HostTask> tasksOf(String containerId) {
        List<HostTask> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                int pid = Integer.parseInt(name);
                try (Stream<Path> tasks = Files.list(p.resolve("task"))) {
                    for (Path t : (Iterable<Path>) tasks::iterator) {
                        HostTask task = readTask(pid, Integer.parseInt(t.getFileName().toString()));
                        if (task != null && task.cgroup().contains(containerId)) out.add(task);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process went away while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The host task of the container whose innermost pid (tid) is nsTid, in the process with innermost pid nsTgid. */
    static HostTask hostTask(String containerId, int nsTgid, int nsTid) {
        return tasksOf(containerId).stream()
                .filter(t -> t.innermostTgid() == nsTgid && t.innermostPid() == nsTid)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no host task for in-container pid " + nsTgid + "/" + nsTid
                        + " of container " + containerId));
    }

    /** Result of one in-process limbo run. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("limbo did not print JSON (exit " + exit + "): " + e.getMessage()
                        + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
        }
    }

    static Run limbo(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            rc = Main.execute(o, e, args);
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The findings of a JSON scan with this rule and pid. */
    static List<JsonNode> findings(JsonNode scan, String rule, int pid) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : scan.path("findings")) {
            if (rule.equals(f.path("rule").asText()) && f.path("pid").asInt() == pid) out.add(f);
        }
        return out;
    }

    static List<Integer> intList(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asInt());
        return out;
    }

    static void await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(50);
        }
    }

    /**
     * Stops the container gracefully (SIGTERM: a fixture under guard releases and reaps), then
     * removes it; returns its exit code (-1 when unknown). Never throws: teardown must go on.
     */
    static long stopAndRemove(GenericContainer<?> c) {
        return stopAndRemove(c, 20);
    }

    /** As above, waiting at most graceSeconds after SIGTERM (0: SIGKILL at once, for a PID 1 that ignores SIGTERM). */
    static long stopAndRemove(GenericContainer<?> c, int graceSeconds) {
        long exit = -1;
        String id = null;
        try {
            id = c.getContainerId();
            if (id != null) {
                docker().stopContainerCmd(id).withTimeout(graceSeconds).exec();
                InspectContainerResponse r = docker().inspectContainerCmd(id).exec();
                Long code = r.getState().getExitCodeLong();
                exit = code == null ? -1 : code;
            }
        } catch (RuntimeException ignored) {
            // already gone or not started: removal below still runs
        } finally {
            try {
                c.stop();
            } catch (RuntimeException ignored) {
                // nothing more we can do
            }
            if (id != null) {
                try {
                    docker().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
                } catch (RuntimeException alreadyRemoved) {
                    // expected: c.stop() removed it
                }
            }
        }
        return exit;
    }

    /** Nothing of the container is left on the host: no container, no task in its cgroup. */
    static void assertNothingLeft(String id) throws InterruptedException {
        await("container " + id + " to be removed", Duration.ofSeconds(20), () -> {
            try {
                docker().inspectContainerCmd(id).exec();
                return false;
            } catch (RuntimeException gone) {
                return true;
            }
        });
        await("every task of container " + id + " to be reaped", Duration.ofSeconds(20), () -> tasksOf(id).isEmpty());
    }
}
