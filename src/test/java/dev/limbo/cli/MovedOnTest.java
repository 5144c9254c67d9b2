package dev.limbo.cli;

import static dev.limbo.agent.AgentTestSupport.limbo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.agent.AgentTestSupport.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a busy host hands limbo: a task whose stat caught it in D for an instant, but whose status,
 * read a moment later, says it runs again (the "hung in D" with {@code State: R} as its
 * own evidence), or whose details are gone. No hung-task finding; check says OK.
 */
class MovedOnTest {
    @TempDir
    Path tmp;

    @Test
    void aTaskWhoseStatusNoLongerSaysDIsNotHung() throws Exception {
        Path root = new HostileNamesTestTrees(tmp).tree("r", "worker".getBytes(StandardCharsets.US_ASCII));
        for (String dir : new String[] {"100", "100/task/100"}) {
            Path status = root.resolve(dir + "/status");
            Files.writeString(status, Files.readString(status).replace("State:\tD (disk sleep)", "State:\tR (running)"));
        }
        Run scan = limbo("scan", "--proc-root", root.toString());
        assertThat(scan.out()).doesNotContain("hung-task");
        assertThat(scan.code()).isZero();
        Run check = limbo("check", "--proc-root", root.toString());
        assertThat(check.out()).startsWith("limbo OK - no findings");
        assertThat(check.code()).isZero();
    }

    @Test
    void theSameTaskStillInDIsHung() throws Exception {
        Path root = new HostileNamesTestTrees(tmp).tree("d", "worker".getBytes(StandardCharsets.US_ASCII));
        Run scan = limbo("scan", "--proc-root", root.toString());
        assertThat(scan.out()).contains("hung-task");
        assertThat(scan.code()).isBetween(1, 2);
    }

    /** The hostile-names tree builder, for another directory. */
    static final class HostileNamesTestTrees extends HostileNamesTest {
        HostileNamesTestTrees(Path dir) {
            this.tmp = dir;
        }
    }
}
