package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.agent.AgentTestSupport;
import dev.limbo.procfs.Fixtures;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code bin/limbo}, as a user runs it: in a fresh copy of the build (pom, wrapper,
 * sources, no target/) it builds the jar on first use and again when a source is newer, passes
 * arguments (with spaces) and exit codes 0-3 through unchanged, and works from another working
 * directory and through a symlink. Two real Maven builds: slow (a minute or two), but this is the
 * command the README tells people to run.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LauncherBuildTest {
    static final Path REPO = Path.of(System.getProperty("limbo.repo", ".")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    Run launch(Path launcher, Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt"), err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LIMBO_NO_CDS", "1"); // no training run over the live /proc: faster, same jar
        pb.environment().put("TMPDIR", tmp.toString()); // the build log goes there
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("bin/limbo " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void buildsWhenNeededPassesArgumentsAndExitCodesThroughAndWorksFromAnywhere() throws Exception {
        Path build = tmp.resolve("checkout");
        for (String part : List.of("pom.xml", "mvnw", ".mvn", "bin", "src/main", "docs/rules")) {
            copy(REPO.resolve(part), build.resolve(part));
        }
        assertThat(build.resolve("target")).doesNotExist();
        Path launcher = build.resolve("bin/limbo");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path example = Fixtures.caseRoot("seed/proc");

        // no jar: built first, then run
        Run first = launch(launcher, elsewhere, "scan", "--proc-root", example.toString());
        assertThat(first.err()).as("stderr").contains("limbo: building " + build.resolve("target/limbo.jar"));
        assertThat(first.code()).as("exit code of the founding case; stderr: %s", first.err()).isEqualTo(2);
        assertThat(first.out()).startsWith("limbo CRITICAL").contains("zombie-leader-stuck-thread");
        Path jar = build.resolve("target/limbo.jar");
        assertThat(jar).isRegularFile();

        // up to date: no build; arguments with spaces arrive whole
        Path spaced = tmp.resolve("a dir with spaces/proc");
        AgentTestSupport.copyTree(example, spaced);
        Run json = launch(launcher, elsewhere, "scan", "--proc-root", spaced.toString(), "--format", "json");
        assertThat(json.err()).doesNotContain("building");
        assertThat(json.code()).isEqualTo(2);
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.path("host").path("procRoot").asText()).isEqualTo(spaced.toString());
        assertThat(n.path("findings").get(0).path("pid").asInt()).isEqualTo(22889);

        // every exit code comes through: 0 (nothing), 1 (WARNING), 3 (bad input, one line)
        assertThat(launch(launcher, elsewhere, "scan", "--proc-root", Fixtures.caseRoot("unreaped-then-reaped").toString()).code())
                .as("no findings").isZero();
        assertThat(launch(launcher, elsewhere, "scan", "--proc-root", Fixtures.caseRoot("unreaped").toString()).code())
                .as("unreaped-zombie WARNING").isEqualTo(1);
        Run bad = launch(launcher, elsewhere, "scan", "--proc-root", tmp.resolve("missing").toString());
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err().lines().toList()).as("stderr").containsExactly("limbo: procfs root not found: " + tmp.resolve("missing"));
        assertThat(bad.out()).isEmpty();

        // through a symlink, from yet another directory
        Path link = Files.createSymbolicLink(tmp.resolve("limbo-link"), launcher);
        Run viaLink = launch(link, Path.of("/"), "rules");
        assertThat(viaLink.code()).as("rules via a symlink; stderr: %s", viaLink.err()).isZero();
        assertThat(viaLink.out()).contains("zombie-leader-stuck-thread");

        // a source newer than the jar: rebuilt before it runs
        Path source = build.resolve("src/main/java/dev/limbo/cli/Main.java");
        FileTime built = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(source, FileTime.fromMillis(built.toMillis() + 2_000));
        Thread.sleep(2_100); // the new jar's mtime is then later than the first one's for sure
        Run stale = launch(launcher, elsewhere, "scan", "--proc-root", example.toString());
        assertThat(stale.err()).contains("limbo: building");
        assertThat(stale.code()).isEqualTo(2);
        assertThat(Files.getLastModifiedTime(jar)).as("the jar was rewritten").isGreaterThan(built);
        assertThat(launch(launcher, elsewhere, "rules").err()).as("up to date again").doesNotContain("building");
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
