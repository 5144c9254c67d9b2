package dev.limbo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.model.Observation;
import dev.limbo.procfs.Fixtures;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import dev.limbo.rules.Diagnoser;
import dev.limbo.rules.Finding;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Severity;
import dev.limbo.rules.Texts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportTest {

    static Report report(String c) throws Exception {
        Observation obs = ProcSource.open(Fixtures.caseRoot(c).toString()).observe(new ReadPool(2, 10_000), 1, 0, Set.of());
        List<Finding> findings = new Diagnoser(RuleOptions.DEFAULTS, Texts.of("en")).diagnose(obs);
        return Reports.of(obs, findings, "/saved/" + c, 500);
    }

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void jsonFollowsSpecOrderWithAdditionsAfter() throws Exception {
        JsonNode root = new ObjectMapper().readTree(JsonReport.render(report("seed/proc")));
        assertThat(fields(root)).containsExactly("schema", "host", "summary", "findings");
        assertThat(fields(root.get("host"))).containsExactly("hostname", "kernel", "procRoot", "samples", "intervalMs", "version");
        assertThat(fields(root.get("summary"))).containsExactly("processes", "tasks", "zombies", "dstate", "findings");
        assertThat(fields(root.get("summary").get("findings"))).containsExactly("CRITICAL", "WARNING", "INFO");
        List<String> f = fields(root.get("findings").get(0));
        assertThat(f.subList(0, 10)).containsExactly("rule", "severity", "pid", "tids", "title", "evidence", "causes",
                "releasedWhen", "doesNotHelp", "remedies");
        assertThat(fields(root.get("findings").get(0).get("evidence").get(0))).containsExactly("path", "line");
        assertThat(fields(root.get("findings").get(0).get("remedies").get(0))).containsExactly("action", "risk");
        assertThat(root.get("host").get("procRoot").asText()).isEqualTo("/saved/seed/proc");
    }

    @Test
    void containerAndNamespaceAdditions() throws Exception {
        JsonNode f = new ObjectMapper().readTree(JsonReport.render(report("init-not-reaping"))).get("findings").get(0);
        assertThat(f.get("container").get("runtime").asText()).isEqualTo("docker");
        assertThat(f.get("container").get("id").asText()).hasSize(64);
        assertThat(f.get("nsPids").toString()).isEqualTo("[7010,12]");
    }

    @Test
    void worstSeverityAndExitCode() throws Exception {
        Report seed = report("seed/proc");
        assertThat(seed.worst()).isEqualTo(Severity.CRITICAL);
        assertThat(seed.exitCode()).isEqualTo(2);
        // zombie-leader-stuck-thread and stuck-in-exit; traced-zombie and hung-task (one saved
        // sample: progress could not be judged, so WARNING): findings are counted, not stories
        assertThat(seed.summary().critical()).isEqualTo(2);
        assertThat(seed.summary().warning()).isEqualTo(2);
        Report unreaped = report("unreaped");
        assertThat(unreaped.exitCode()).isEqualTo(1);
        Report info = report("pthread-exit");
        assertThat(info.worst()).isEqualTo(Severity.INFO);
        assertThat(info.exitCode()).isZero();
        Report none = report("kthreads-idle");
        assertThat(none.worst()).isNull();
        assertThat(none.exitCode()).isZero();
        assertThat(none.summary().processes()).isEqualTo(2);
    }

    @Test
    void findingsAreOrderedWorstFirst() throws Exception {
        List<Finding> f = report("seed/proc").findings();
        for (int i = 1; i < f.size(); i++) {
            assertThat(f.get(i).severity().ordinal()).isGreaterThanOrEqualTo(f.get(i - 1).severity().ordinal());
        }
    }

    @Test
    void textQuotesEvidenceVerbatim() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TextReport.render(report("unreaped"), Texts.of("en"), new PrintStream(b, true, StandardCharsets.UTF_8), false);
        String text = b.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().findFirst().orElseThrow()).contains("WARNING");
        assertThat(text).contains("WARNING  unreaped-zombie", "/unreaped/19519/status: State:\tZ (zombie)");
    }
}
