package dev.limbo.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's own never-hang guarantee: a test that blocks forever in {@code open()} of a FIFO
 * (as a regression in limbo's bounded /proc reads would) fails in bounded time instead of
 * hanging the build. Runs {@link HangsOnAFifo} in a child JVM with this project's
 * junit-platform.properties, the default timeout shortened to 5 s by a system property.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HarnessTimeoutTest {
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void theSuiteDeclaresDefaultTimeoutsInASeparateThread() throws IOException {
        Properties p = new Properties();
        try (InputStream in = HarnessTimeoutTest.class.getResourceAsStream("/junit-platform.properties")) {
            assertThat(in).as("junit-platform.properties on the test classpath").isNotNull();
            p.load(in);
        }
        assertThat(p.getProperty("junit.jupiter.execution.timeout.thread.mode.default")).isEqualTo("SEPARATE_THREAD");
        assertThat(p.getProperty("junit.jupiter.execution.timeout.mode")).isEqualTo("enabled");
        String dflt = p.getProperty("junit.jupiter.execution.timeout.default", "");
        assertThat(dflt).as("a default timeout of a few minutes").matches("[1-9][0-9]? m");
    }

    @Test
    void aTestBlockedInOpenOfAFifoFailsInBoundedTime() throws Exception {
        Child c = start(List.of());
        try {
            Duration opened = c.awaitOpening();
            assertThat(c.process.waitFor(TEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS))
                    .as("the child JVM finished within the timeout plus 30 s; output:\n%s", c.output()).isTrue();
            Duration took = c.since(opened);
            System.out.printf("[HarnessTimeoutTest] blocked test failed %.1f s after it opened the FIFO%n", took.toMillis() / 1000.0);
            assertThat(c.process.exitValue()).as("a failed run; output:\n%s", c.output()).isEqualTo(1);
            assertThat(c.output()).contains("opensAFifoNobodyWrites").contains("timed out after 5 seconds");
            assertThat(took).isGreaterThanOrEqualTo(TEST_TIMEOUT.minusMillis(100));
        } finally {
            c.kill();
        }
    }

    /** The premise: a timeout in the test's own thread only interrupts it, and open() ignores that. */
    @Test
    void inTheTestsOwnThreadTheSameTestWouldHang() throws Exception {
        Child c = start(List.of("-Djunit.jupiter.execution.timeout.thread.mode.default=SAME_THREAD"));
        try {
            c.awaitOpening();
            boolean ended = c.process.waitFor(TEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(ended).as("SAME_THREAD: still blocked 10 s after its 5 s timeout; output:\n%s", c.output()).isFalse();
        } finally {
            c.kill();
        }
    }

    private record Child(Process process, Path out, Path fifo, long startedNanos) {
        Duration awaitOpening() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (output().contains(HangsOnAFifo.OPENING)) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the child JVM exited before the test ran:\n" + output());
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the child JVM did not reach the test in 60 s:\n" + output());
        }

        Duration since(Duration opened) {
            return Duration.ofNanos(System.nanoTime() - startedNanos).minus(opened);
        }

        String output() throws IOException {
            return Files.readString(out);
        }

        void kill() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(fifo);
        }
    }

    private Child start(List<String> extra) throws Exception {
        Path fifo = tmp.resolve("nobody-writes");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo " + fifo).isTrue();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-D" + HangsOnAFifo.FIFO + "=" + fifo);
        cmd.add("-Djunit.jupiter.execution.timeout.default=" + TEST_TIMEOUT.toSeconds() + " s");
        cmd.addAll(extra);
        cmd.add(RunTests.class.getName());
        cmd.add(HangsOnAFifo.class.getName());
        Path out = tmp.resolve("child.out");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new Child(p, out, fifo, t0);
    }
}
