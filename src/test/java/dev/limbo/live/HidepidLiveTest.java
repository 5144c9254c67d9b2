package dev.limbo.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.agent.AgentTestSupport;
import dev.limbo.fixtures.NativeFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A procfs mounted hidepid=2 (and hidepid=invisible) in a private mount namespace ({@code unshare
 * -m}: the mount dies with it), read by limbo as uid 65534 ({@code setpriv}): check says UNKNOWN
 * with the reason, scan notes it in text and JSON. The same mount without hidepid, or read as
 * root, is not flagged. limbo runs as a real separate process from a world-readable copy of its
 * classpath.
 */
@Tag("live")
@Timeout(300)
class HidepidLiveTest {
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        NativeFixtures.assumeLive();
        assumeTrue(NativeFixtures.onPath("unshare") && NativeFixtures.onPath("setpriv"), "needs util-linux unshare and setpriv");
        dir = Files.createTempDirectory("limbo-hidepid-");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        Path cp = Files.createDirectories(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                Path to = cp.resolve(i++ + "-" + p.getFileName());
                Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                entries.add(to.toString());
            } else if (Files.isDirectory(p) && !p.endsWith("test-classes")) {
                Path to = cp.resolve(i++ + "-classes");
                AgentTestSupport.copyTree(p, to);
                entries.add(to.toString());
            }
        }
        Files.writeString(dir.resolve("classpath"), String.join(":", entries));
        new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        Files.createDirectories(dir.resolve("proc"));
    }

    @AfterEach
    void tearDown() {
        AgentTestSupport.deleteTree(dir);
    }

    record Result(int code, String out, String err) {
    }

    /** Mounts a procfs with {@code options} at dir/proc in a private mount namespace, runs limbo there. */
    Result limbo(String options, boolean asNobody, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder("mount --make-rprivate / && mount -t proc -o " + options + " proc \"$D/proc\" && exec ");
        if (asNobody) {
            cmd.append("setpriv --reuid=65534 --regid=65534 --clear-groups ");
        }
        cmd.append(java).append(" -Xmx128m -cp \"$(cat \"$D/classpath\")\" dev.limbo.cli.Main");
        for (String a : args) {
            cmd.append(' ').append(a);
        }
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c", cmd.toString());
        pb.environment().put("D", dir.toString());
        pb.directory(dir.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("limbo did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aHidepidProcfsMakesANonRootCheckUnknownAndScanSaysSo() throws Exception {
        String root = dir.resolve("proc").toString();
        long t0 = System.nanoTime();
        for (String opt : List.of("hidepid=2", "hidepid=invisible")) {
            Result check = limbo(opt, true, "check", "--proc-root", root);
            assertThat(check.out()).as("%s check: %s", opt, check.err()).startsWith("limbo UNKNOWN - cannot see every process: ")
                    .contains("hidepid=");
            assertThat(check.code()).isEqualTo(3);

            Result scan = limbo(opt, true, "scan", "--proc-root", root);
            assertThat(scan.out()).as("%s scan: %s", opt, scan.err()).contains("Note: not every process is visible: ");
            Result json = limbo(opt, true, "scan", "--format", "json", "--proc-root", root);
            assertThat(new ObjectMapper().readTree(json.out()).path("restrictedView").asText()).as("%s json", opt).contains("hidepid=");
        }
        // Controls: the same mount read as root, and a plain mount read as nobody, are not flagged.
        Result asRoot = limbo("hidepid=2", false, "check", "--proc-root", root);
        assertThat(asRoot.out()).as("root: %s", asRoot.err()).doesNotContain("cannot see every process");
        Result plain = limbo("rw", true, "check", "--proc-root", root);
        assertThat(plain.out()).as("plain: %s", plain.err()).doesNotContain("cannot see every process");
        System.out.printf("hidepid live: 8 limbo runs in private mount namespaces in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
