package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's example works from a clone of this repository alone: the command it shows runs on
 * {@code examples/seed-case/proc}, and every line of the sample output it quotes (abridged lines
 * end in "...") is what limbo prints now.
 */
class ReadmeExampleTest {
    static final Path REPO = Path.of(System.getProperty("limbo.repo", ".")).toAbsolutePath().normalize();
    static final String EXAMPLE = "examples/seed-case/proc";

    @Test
    void theFoundingCaseExampleIsInTheRepository() {
        assertThat(REPO.resolve(EXAMPLE).resolve("22889/status")).isRegularFile();
        assertThat(REPO.resolve("examples/seed-case/README.md")).isRegularFile();
    }

    @Test
    void theScanSampleIsWhatLimboPrints() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        String intro = "(real output, `bin/limbo scan --proc-root " + EXAMPLE + "`, abridged):";
        assertThat(readme).contains(intro);
        List<String> sample = fenced(readme.substring(readme.indexOf(intro)));
        assertThat(sample).hasSizeGreaterThan(5);

        String root = REPO.resolve(EXAMPLE).toString();
        Limbo r = Limbo.run("scan", "--proc-root", root);
        assertThat(r.code()).isEqualTo(2);
        List<String> actual = r.out().replace(root, EXAMPLE).lines().toList();
        for (String line : sample) {
            String want = line.stripTrailing();
            if (want.strip().equals("...")) {
                continue;
            }
            if (want.endsWith("...")) {
                want = want.substring(0, want.length() - 3).stripTrailing();
                if (want.endsWith(",")) {
                    want = want.substring(0, want.length() - 1);
                }
            }
            String prefix = want;
            assertThat(actual).as("README sample line %s in limbo's output", line).anyMatch(l -> l.startsWith(prefix));
        }
    }

    @Test
    void theExplainExampleRuns() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        assertThat(readme).contains("`bin/limbo explain 22889 --proc-root " + EXAMPLE + "`");
        Limbo r = Limbo.run("explain", "22889", "--proc-root", REPO.resolve(EXAMPLE).toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("22889 (qemu-kvm)", "autoreap", "SIGKILL is already pending");
    }

    /** The lines of the first ``` block in text. */
    static List<String> fenced(String text) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : text.lines().toList()) {
            if (l.startsWith("```")) {
                if (in) {
                    return out;
                }
                in = true;
            } else if (in) {
                out.add(l);
            }
        }
        throw new AssertionError("no closed ``` block after the README's example");
    }
}
