package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.procfs.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The founding case (examples/seed-case, the project's one copy of it): scan --format json
 * gives zombie-leader-stuck-thread, CRITICAL, pid 22889, tids [22976], with the evidence verbatim.
 */
class FoundingCaseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String seedCopy() {
        return Fixtures.caseRoot("seed/proc").toString();
    }

    static JsonNode scan(String root) throws Exception {
        Limbo r = Limbo.run("scan", "--proc-root", root, "--format", "json");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(2);
        return JSON.readTree(r.out());
    }

    static JsonNode finding(JsonNode report, String rule) {
        for (JsonNode f : report.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f;
            }
        }
        throw new AssertionError("no " + rule + " in " + report.get("findings"));
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static void assertFoundingCase(JsonNode report, String root) {
        assertThat(report.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(report.get("host").get("procRoot").asText()).isEqualTo(root);
        assertThat(report.get("host").get("samples").asInt()).isEqualTo(1);
        JsonNode summary = report.get("summary");
        assertThat(summary.get("processes").asInt()).isEqualTo(1);
        assertThat(summary.get("tasks").asInt()).isEqualTo(2);
        assertThat(summary.get("zombies").asInt()).isEqualTo(1);
        assertThat(summary.get("dstate").asInt()).isEqualTo(1);
        assertThat(summary.get("findings").get("CRITICAL").asInt()).isEqualTo(2);

        JsonNode f = report.get("findings").get(0);
        assertThat(f.get("rule").asText()).isEqualTo("zombie-leader-stuck-thread");
        assertThat(f.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(f.get("pid").asInt()).isEqualTo(22889);
        assertThat(f.get("tids")).hasSize(1);
        assertThat(f.get("tids").get(0).asInt()).isEqualTo(22976);
        assertThat(f.get("title").asText()).isNotBlank();
        boolean zombieLine = false;
        for (JsonNode e : f.get("evidence")) {
            if (e.get("path").asText().endsWith("/22889/status") && e.get("line").asText().equals("State:\tZ (zombie)")) {
                zombieLine = true;
            }
            assertThat(e.get("path").asText()).startsWith(root + "/");
        }
        assertThat(zombieLine).as("evidence quotes State:\\tZ (zombie) from /proc/22889/status").isTrue();
        String causes = String.join("\n", texts(f.get("causes")));
        assertThat(causes).contains("exit_notify", "autoreap", "thread_group_empty", "delay_group_leader");
        String released = f.get("releasedWhen").asText();
        assertThat(causes + released).contains("release_task", "do_notify_parent", "wait_task_zombie");
        String noHelp = String.join("\n", texts(f.get("doesNotHelp")));
        assertThat(noHelp).contains("SIGKILL is already pending", "ShdPnd", "parent");
        assertThat(f.get("remedies").size()).isGreaterThan(0);
        for (JsonNode r : f.get("remedies")) {
            assertThat(r.get("action").asText()).isNotBlank();
            assertThat(r.get("risk").asText()).isNotBlank();
        }

        JsonNode exit = finding(report, "stuck-in-exit");
        assertThat(exit.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(exit.get("tids").get(0).asInt()).isEqualTo(22976);
        JsonNode traced = finding(report, "traced-zombie");
        assertThat(traced.get("tids").get(0).asInt()).isEqualTo(22976);
        assertThat(traced.toString()).contains("6076");
        // hung-task beside it (SPEC "Findings are facts"): a D thread, not killable (exit_aio waits
        // uninterruptibly), one saved sample (progress unknown: WARNING)
        JsonNode hung = finding(report, "hung-task");
        assertThat(hung.get("severity").asText()).isEqualTo("WARNING");
        assertThat(hung.get("tids").get(0).asInt()).isEqualTo(22976);
        assertThat(hung.get("waitsOn").get("killable").asBoolean()).isFalse();
        // one story: every finding links to the founding-case finding's story
        String story = f.get("story").asText();
        assertThat(story).isEqualTo("22889/22976");
        for (JsonNode x : report.get("findings")) {
            assertThat(x.get("story").asText()).as(x.get("rule").asText()).isEqualTo(story);
        }
    }

    @Test
    void scanJsonOnTheCopy() throws Exception {
        assertFoundingCase(scan(seedCopy()), seedCopy());
    }

    @Test
    void explainJsonByPidAndByTid() throws Exception {
        for (String id : new String[] {"22889", "22976"}) {
            Limbo r = Limbo.run("explain", id, "--proc-root", seedCopy(), "--format", "json");
            assertThat(r.code()).as(id).isEqualTo(2);
            JsonNode n = JSON.readTree(r.out());
            assertThat(n.get("target").get("asked").asInt()).isEqualTo(Integer.parseInt(id));
            assertThat(n.get("target").get("pid").asInt()).isEqualTo(22889);
            assertThat(n.get("target").get("threads")).hasSize(2);
            JsonNode safeTimer = n.get("target").get("threads").get(1);
            assertThat(safeTimer.get("state").asText()).isEqualTo("D");
            assertThat(safeTimer.get("tracerPid").asInt()).isEqualTo(6076);
            assertThat(safeTimer.get("waitsOn").get("kind").asText()).isEqualTo("vhost-aio");
            assertThat(n.get("findings").get(0).get("rule").asText()).isEqualTo("zombie-leader-stuck-thread");
        }
    }

    @Test
    void scanTextLeadsWithTheVerdict() {
        Limbo r = Limbo.run("scan", "--proc-root", seedCopy());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out().lines().findFirst().orElse("")).contains("CRITICAL");
        assertThat(r.out()).contains("zombie-leader-stuck-thread", "State:\tZ (zombie)");
        // told as one story: the founding case in full, the others one line each under it
        assertThat(r.out().lines().filter(l -> l.startsWith("CRITICAL") || l.startsWith("WARNING"))).hasSize(1);
        assertThat(r.out()).contains("the same story, also:", "    - CRITICAL stuck-in-exit pid 22889 tids 22976:",
                "    - WARNING hung-task pid 22889 tids 22976:", "    - WARNING traced-zombie pid 22889 tids 22976:");
    }
}
