package dev.limbo.live;

import static dev.limbo.fixtures.FixtureChecks.assertReleasedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.cli.Main;
import dev.limbo.fixtures.Fixture;
import dev.limbo.fixtures.NativeFixtures;
import dev.limbo.fixtures.Subreaper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real processes named with prctl(PR_SET_NAME) to terminal escape sequences, a carriage return
 * that forges "fake OK", and a newline (weird-comm): every text limbo prints shows them escaped,
 * and the JSON keeps them exact.
 */
@Tag("live")
@Timeout(180)
class HostileCommsLiveTest {
    @BeforeAll
    static void live() {
        NativeFixtures.assumeLive();
        Subreaper.enable();
    }

    @AfterAll
    static void reapStrays() {
        Subreaper.reapStrays(java.time.Duration.ofMillis(500));
    }

    record Text(int code, String out, String err) {
    }

    static Text run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, args);
        }
        return new Text(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertPrintable(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            assertThat(control).as("%s: raw U+%04X at %d", what, (int) c, i).isFalse();
        }
    }

    @Test
    void escapeSequencesInProcessNamesReachNoTerminal() {
        Fixture f = Fixture.start("weird-comm");
        try (f) {
            List<Integer> procs = f.pids("procs");
            List<String> comms = new ArrayList<>();
            f.json().path("comms").forEach(n -> comms.add(n.asText()));
            assertThat(comms).contains("\u001b]0;PWN\u0007\u001b[31mX", "\r\u001b[2Kfake OK", "line\nbreak");
            long t0 = System.nanoTime();
            for (int i = 0; i < procs.size(); i++) {
                int p = procs.get(i);
                String comm = comms.get(i);
                Text text = run("explain", Integer.toString(p));
                assertThat(text.code()).as("explain %d: %s", p, text.err()).isZero();
                assertPrintable("explain " + p, text.out());
                assertThat(text.out()).as("explain %d header", p).startsWith("limbo explain " + p + " ("
                        + dev.limbo.report.Printable.of(comm) + ")");
                // JSON: exact, and escaped by the JSON writer.
                Limbo json = Limbo.explain(p);
                assertThat(json.json.path("target").path("comm").asText()).isEqualTo(comm);
                assertThat(Limbo.summary(json.findingsAbout(Set.of(p)))).isEmpty();
            }
            assertThat(run("explain", Integer.toString(procs.get(comms.indexOf("\r\u001b[2Kfake OK")))).out())
                    .contains("\\r\\x1b[2Kfake OK");
            assertThat(run("explain", Integer.toString(procs.get(comms.indexOf("line\nbreak")))).out())
                    .contains("line\\nbreak").doesNotContain("line\nbreak");
            for (String[] args : List.of(new String[] {"scan"}, new String[] {"check", "-v"},
                    new String[] {"watch", "--once"})) {
                Text t = run(args);
                assertThat(t.err()).as(String.join(" ", args)).doesNotContain("Exception");
                assertPrintable(String.join(" ", args), t.out());
                assertPrintable(String.join(" ", args) + " stderr", t.err());
            }
            System.out.printf("hostile-comms live: %d processes, explain/scan/check/watch in %d ms%n", procs.size(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        assertReleasedCleanly(f);
    }
}
