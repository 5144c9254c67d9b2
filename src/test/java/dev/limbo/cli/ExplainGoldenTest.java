package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.Fixtures;
import dev.limbo.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Golden text of {@code limbo explain 22889} on the founding case, per language. The procfs root
 * is written as {@code <ROOT>} in the golden files. To regenerate after a reviewed change:
 * {@code ./mvnw -B -q test -Dtest=ExplainGoldenTest -Dlimbo.updateGolden=true} (writes
 * src/test/resources/golden/), then read the diff before committing it.
 */
class ExplainGoldenTest {

    static String explain(String lang) {
        String root = Fixtures.caseRoot("seed/proc").toString();
        Limbo r = Limbo.run("explain", "22889", "--proc-root", root, "--lang", lang);
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(2);
        return r.out().replace(root, "<ROOT>");
    }

    static Path golden(String lang) {
        String repo = System.getProperty("limbo.repo", ".");
        return Path.of(repo, "src/test/resources/golden/explain-seed." + lang + ".txt");
    }

    static void check(String lang) throws IOException {
        String actual = explain(lang);
        Path g = golden(lang);
        if (Boolean.getBoolean("limbo.updateGolden")) {
            Files.createDirectories(g.getParent());
            Files.writeString(g, actual, StandardCharsets.UTF_8);
        }
        if (!Files.exists(g)) {
            Path out = Path.of(System.getProperty("limbo.repo", "."), "target/golden-actual/explain-seed." + lang + ".txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual, StandardCharsets.UTF_8);
            throw Prerequisites.missing("no golden file " + g + " yet; the current output is in " + out
                    + " (review it, then rerun with -Dlimbo.updateGolden=true)");
        }
        assertThat(actual).isEqualTo(Files.readString(g, StandardCharsets.UTF_8));
    }

    @Test
    void english() throws IOException {
        check("en");
    }

    @Test
    void chinese() throws IOException {
        Prerequisites.require(ExplainGoldenTest.class.getResource("/dev/limbo/messages_zh.properties") != null,
                "the Chinese bundle dev/limbo/messages_zh.properties has not landed yet");
        check("zh");
    }

    /** What the story must contain whatever the wording (seed-case/README.md). */
    @Test
    void englishTellsTheFoundingStory() {
        String text = explain("en");
        // one story: the founding case in full, hung-task (and the others) a line each under it
        assertThat(text).contains("the same story, also:", "- WARNING hung-task pid 22889 tids 22976: ",
                "- CRITICAL stuck-in-exit pid 22889 tids 22976: ");
        assertThat(text.lines().filter(l -> l.matches("^(CRITICAL|WARNING|INFO)  .*"))).hasSize(1);
        assertThat(text).contains(
                "22889 (qemu-kvm)", "Z zombie", "22976 safe_timer", "D disk sleep", "traced by 6076",
                // why
                "exit_notify()", "thread_group_empty()", "autoreap", "EXIT_ZOMBIE", "never sent SIGCHLD",
                "vhost_net_release", "exit_aio", "do_exit",
                // what releases it
                "release_task()", "do_notify_parent", "wait_task_zombie()", "delay_group_leader",
                "tracer 6076 must first reap it",
                // what does not help
                "SIGKILL is already pending", "ShdPnd [SIGKILL, SIGTERM]", "Killing or restarting the parent, PID 1",
                // also true
                "stuck-in-exit", "traced-zombie", "vhost",
                "One sample only");
        // the tree comes first, then the findings, then the raw evidence
        assertThat(text.indexOf("└─ 22889")).isLessThan(text.indexOf("CRITICAL  zombie-leader-stuck-thread"));
        assertThat(text.indexOf("CRITICAL  zombie-leader-stuck-thread")).isLessThan(text.indexOf("--- <ROOT>/22889/status"));
    }
}
