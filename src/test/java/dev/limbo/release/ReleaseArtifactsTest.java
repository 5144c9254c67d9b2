package dev.limbo.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release artifacts of target/dist (`./mvnw -B -Prelease -DskipTests package`; CI builds them
 * in .ci/setup.d/20-release.sh before the tests): checksums, the .rpm's metadata and file list
 * (rpm -qip, -qlp) and an install into an rpm database of its own, the .deb's control data, the
 * tarball's layout. The installs under systemd and without Java are ReleaseInstallTest (container).
 */
class ReleaseArtifactsTest {
    @TempDir
    Path tmp;

    static Path dist() {
        return Path.of(System.getProperty("limbo.repo", ".")).resolve("target/dist").toAbsolutePath();
    }

    @BeforeAll
    static void built() {
        if (System.getenv("LIMBO_CI") != null) {
            assertThat(dist().resolve("SHA256SUMS")).as("CI builds target/dist before the tests").exists();
        }
        assumeTrue(Files.exists(dist().resolve("SHA256SUMS")), "target/dist not built (./mvnw -B -Prelease -DskipTests package)");
    }

    record Out(int code, String out) {
    }

    static Out run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Path one(String glob) throws IOException {
        try (Stream<Path> s = Files.list(dist())) {
            List<Path> found = s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).toList();
            assertThat(found).as(glob).hasSize(1);
            return found.get(0);
        }
    }

    @Test
    void checksumsCoverEveryArtifact() throws Exception {
        Out r = run(dist(), "sha256sum", "-c", "SHA256SUMS");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains(".tar.gz: OK").contains(".deb: OK").contains(".rpm: OK");
    }

    @Test
    void rpmMetadataFilesAndInstall() throws Exception {
        assumeTrue(new java.io.File("/usr/bin/rpm").canExecute() || System.getenv("LIMBO_CI") == null, "rpm missing");
        Path rpm = one("limbo-*.x86_64.rpm");
        Out info = run(dist(), "rpm", "-qip", rpm.toString());
        assertThat(info.code()).as(info.out()).isZero();
        assertThat(info.out()).contains("Name        : limbo").contains("Architecture: x86_64");
        Out requires = run(dist(), "rpm", "-qp", "--requires", rpm.toString());
        // nothing but glibc (and rpm's own features, and /bin/sh for the scriptlets)
        assertThat(requires.out().lines().filter(l -> !l.startsWith("rpmlib(") && !l.equals("/bin/sh")).toList())
                .singleElement().asString().matches("glibc >= 2\\.\\d+");
        Out files = run(dist(), "rpm", "-qlp", rpm.toString());
        assertThat(files.out().lines().toList()).contains("/opt/limbo/bin/limbo", "/opt/limbo/lib/limbo.jar",
                "/opt/limbo/runtime/bin/java", "/usr/bin/limbo", "/usr/lib/systemd/system/limbo-watch.service",
                "/usr/lib/systemd/system/limbo-check.timer", "/usr/share/man/man1/limbo-check.1.gz",
                "/usr/share/bash-completion/completions/limbo", "/etc/sysconfig/limbo", "/opt/limbo/schema/limbo-v1.schema.json");
        // an install into a root and rpm database of its own (no glibc there: --nodeps; no scriptlets)
        Path root = Files.createDirectories(tmp.resolve("root"));
        Out init = run(tmp, "rpm", "--root", root.toString(), "--initdb");
        assertThat(init.code()).as(init.out()).isZero();
        Out install = run(tmp, "rpm", "--root", root.toString(), "-i", "--nodeps", "--noscripts", rpm.toString());
        assertThat(install.code()).as(install.out()).isZero();
        Out q = run(tmp, "rpm", "--root", root.toString(), "-q", "limbo");
        assertThat(q.out()).startsWith("limbo-");
        assertThat(root.resolve("opt/limbo/bin/limbo")).isExecutable();
        assertThat(Files.readString(root.resolve("etc/sysconfig/limbo"))).contains("/var/lib/node_exporter/textfile_collector");
        Out v = run(tmp, root.resolve("opt/limbo/bin/limbo").toString(), "--version");
        assertThat(v.out()).startsWith("limbo ");
    }

    @Test
    void debControlAndContents() throws Exception {
        Path deb = one("limbo_*_amd64.deb");
        Out control = run(dist(), "dpkg-deb", "-f", deb.toString(), "Depends");
        assertThat(control.out().strip()).matches("libc6 \\(>= 2\\.\\d+\\)");
        Out contents = run(dist(), "dpkg-deb", "-c", deb.toString());
        assertThat(contents.out()).contains("./opt/limbo/bin/limbo").contains("./usr/bin/limbo -> /opt/limbo/bin/limbo")
                .contains("./lib/systemd/system/limbo-check.service").contains("./usr/share/man/man1/limbo.1.gz")
                .contains("./etc/default/limbo").contains("root/root");
    }

    @Test
    void tarballLayout() throws Exception {
        Path tgz = one("limbo-*-linux-x86_64.tar.gz");
        String top = tgz.getFileName().toString().replace(".tar.gz", "");
        Out list = run(dist(), "tar", "-tzvf", tgz.toString());
        assertThat(list.out()).contains(top + "/bin/limbo").contains(top + "/lib/limbo.jar")
                .contains(top + "/runtime/lib/server/classes.jsa").contains(top + "/share/man/man1/limbo-watch.1")
                .contains(top + "/share/bash-completion/completions/limbo").contains(top + "/runtime/lib/libstdc++.so.6")
                .doesNotContain("classes_nocoops.jsa").doesNotContain("java.desktop");
        Out modules = run(tmp, "sh", "-c", "tar -xzf " + tgz + " && " + top + "/runtime/bin/java --list-modules");
        assertThat(modules.out().lines().map(l -> l.replaceAll("@.*", "")).toList())
                .containsExactlyInAnyOrder("java.base", "jdk.httpserver", "jdk.unsupported");
        // the jar carries JNA's Linux stubs only (issue 15, item 13)
        Out jar = run(tmp, "unzip", "-l", tmp.resolve(top + "/lib/limbo.jar").toString());
        assertThat(jar.out()).contains("com/sun/jna/linux-x86-64/").contains("com/sun/jna/linux-aarch64/")
                .doesNotContain("com/sun/jna/win32-").doesNotContain("com/sun/jna/darwin-").doesNotContain("com/sun/jna/freebsd-");
    }
}
