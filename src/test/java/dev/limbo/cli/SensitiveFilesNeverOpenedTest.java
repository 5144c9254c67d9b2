package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.agent.AgentTestSupport;
import dev.limbo.procfs.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * limbo never opens environ, maps or mem (README, SPEC): on the founding case with a FIFO at each
 * of those names in every process and thread directory, every command finishes with the same
 * findings as on the plain tree, and afterwards no FIFO has a reader (a non-blocking open for
 * writing fails with ENXIO only when nobody opened the FIFO for reading, even a reader still
 * blocked in open()). A regression that opened one would block in open(): the timeout (in a
 * separate thread) makes that a failure, not a hung build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SensitiveFilesNeverOpenedTest {
    static final List<String> NEVER = List.of("environ", "maps", "mem");

    @TempDir
    Path tmp;

    @Test
    void environMapsAndMemAreNeverOpened() throws Exception {
        Path plain = Fixtures.caseRoot("seed/proc");
        Path root = tmp.resolve("proc");
        AgentTestSupport.copyTree(plain, root);
        List<Path> fifos = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : dirs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+")).toList()) {
                for (String name : NEVER) {
                    fifos.add(d.resolve(name));
                }
            }
        }
        assertThat(fifos).hasSizeGreaterThanOrEqualTo(NEVER.size() * 3); // 22889, task/22889, task/22976
        for (Path f : fifos) {
            run("mkfifo", f.toString());
        }
        try {
            String[][] commands = {
                {"scan"}, {"scan", "--format", "json"}, {"explain", "22889"}, {"explain", "22976", "--format", "json"},
                {"check", "-v"}, {"scan", "--lang", "zh"},
            };
            for (String[] c : commands) {
                Limbo onPlain = Limbo.run(with(c, plain));
                long t0 = System.nanoTime();
                Limbo onFifos = Limbo.run(with(c, root));
                double seconds = (System.nanoTime() - t0) / 1e9;
                String what = String.join(" ", c);
                assertThat(onFifos.code()).as("exit code of %s", what).isEqualTo(onPlain.code()).isEqualTo(2);
                assertThat(onFifos.out().replace(root.toString(), "<ROOT>")).as("output of %s", what)
                        .isEqualTo(onPlain.out().replace(plain.toString(), "<ROOT>"));
                assertThat(seconds).as("%s took", what).isLessThan(30);
            }
        } finally {
            List<Path> opened = new ArrayList<>();
            for (Path f : fifos) {
                // dd opens O_WRONLY|O_NONBLOCK: fails (ENXIO) unless a reader has the FIFO open;
                // where one has, it also lets that reader go (EOF).
                Process dd = new ProcessBuilder("dd", "if=/dev/null", "of=" + f, "oflag=nonblock", "status=none")
                        .redirectErrorStream(true).start();
                assertThat(dd.waitFor(10, TimeUnit.SECONDS)).isTrue();
                if (dd.exitValue() == 0) {
                    opened.add(f);
                }
            }
            assertThat(opened).as("FIFOs that limbo opened for reading").isEmpty();
        }
    }

    static String[] with(String[] command, Path root) {
        List<String> a = new ArrayList<>(List.of(command));
        a.add("--proc-root");
        a.add(root.toString());
        return a.toArray(new String[0]);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
    }
}
