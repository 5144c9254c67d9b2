package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.procfs.Fixtures;
import dev.limbo.report.BuildInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What users of command-line tools and monitoring plugins expect (issue 15, items 1, 9, 10). */
class ConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String seed() {
        return Fixtures.caseRoot("seed/proc").toString();
    }

    @Test
    void versionComesFromTheBuildAndEveryCommandShowsIt() throws Exception {
        String v = BuildInfo.version();
        // the build wrote git describe (or the pom version): never the placeholder, never "dev"
        assertThat(v).isNotBlank().doesNotContain("${").isNotEqualTo("dev").matches("[0-9][0-9A-Za-z.+~-]*");
        assertThat(Limbo.run("--version").out()).isEqualTo("limbo " + v + "\n");
        for (String cmd : List.of("check", "scan", "watch", "rules", "explain", "snapshot")) {
            Limbo r = Limbo.run(cmd, "-V");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).isEqualTo("limbo " + v + "\n");
        }
        JsonNode scan = JSON.readTree(Limbo.run("scan", "--proc-root", seed(), "--format", "json").out());
        assertThat(scan.get("host").get("version").asText()).isEqualTo(v);
    }

    @Test
    void bareLimboListsTheCommandsWithWholeSummaries() {
        Limbo r = Limbo.run();
        assertThat(r.code()).isZero();
        for (String cmd : List.of("scan", "explain", "snapshot", "rules", "check", "watch", "generate-completion")) {
            assertThat(r.out()).contains("  " + cmd + " ");
        }
        // each summary is a whole sentence (a header), not the first wrapped line of a description
        String joined = r.out().replaceAll("\\s+", " ");
        assertThat(joined).contains("watch Agent: tracks stuck tasks, emits events, serves Prometheus metrics.")
                .contains("check Health check for cron and monitoring systems (plugin conventions).");
    }

    @Test
    void helpShowsTheDefaultsThatRun() {
        String watch = Limbo.run("watch", "--help").out().replaceAll("\\s+", " ");
        assertThat(watch).contains("--interval=DURATION time between samples: 500ms, 1s, 2m, 1h or seconds (default 5s)")
                .doesNotContainPattern("--interval=DURATION [^-]*default 500ms");
        assertThat(WatchCommand.DEFAULT_INTERVAL_MS).isEqualTo(5000);
        String scan = Limbo.run("scan", "--help").out().replaceAll("\\s+", " ");
        assertThat(scan).contains("(default 500ms)");
    }

    @Test
    void mistypedNamesGetSuggestions() {
        Limbo r = Limbo.run("chek");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("Did you mean: limbo check");
    }

    @Test
    void langDefaultsFromTheLocaleEnvironment() {
        assertThat(CommonOptions.defaultLang(Map.of())).isEqualTo("en");
        assertThat(CommonOptions.defaultLang(Map.of("LANG", "zh_CN.UTF-8"))).isEqualTo("zh");
        assertThat(CommonOptions.defaultLang(Map.of("LANG", "zh_TW.UTF-8", "LC_MESSAGES", "en_US.UTF-8"))).isEqualTo("en");
        assertThat(CommonOptions.defaultLang(Map.of("LANG", "en_US.UTF-8", "LC_ALL", "zh_CN.GB18030"))).isEqualTo("zh");
        assertThat(CommonOptions.defaultLang(Map.of("LC_ALL", "", "LANG", "zh_SG"))).isEqualTo("zh");
        assertThat(CommonOptions.defaultLang(Map.of("LANG", "C.UTF-8"))).isEqualTo("en");
    }

    @Test
    void rulesInChineseIsTheChinesePage() {
        Limbo zh = Limbo.run("rules", "hung-task", "--lang", "zh");
        assertThat(zh.code()).isZero();
        assertThat(zh.out()).startsWith("# hung-task (CRITICAL)\n\n处于不可中断睡眠").contains("## 为什么卡住")
                .contains("## 哪些做法无济于事").contains("kill -9：").doesNotContain("{0}");
        Limbo remedies = Limbo.run("rules", "unreaped-zombie", "--lang", "zh");
        assertThat(remedies.out()).contains("## 处置办法").contains("风险: ");
        Limbo en = Limbo.run("rules", "hung-task", "--lang", "en");
        assertThat(en.out()).doesNotContain("为什么卡住");
    }

    @Test
    void rulesAsJson() throws Exception {
        JsonNode all = JSON.readTree(Limbo.run("rules", "--format", "json").out());
        assertThat(all.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(all.get("rules").size()).isGreaterThanOrEqualTo(6);
        JsonNode one = JSON.readTree(Limbo.run("rules", "stuck-in-exit", "--format", "json", "--lang", "zh").out());
        assertThat(one.get("rules")).hasSize(1);
        assertThat(one.get("rules").get(0).get("page").asText()).contains("## 为什么卡住");
        assertThat(Limbo.run("rules", "--format", "xml").code()).isEqualTo(3);
    }

    @Test
    void everyExit3OfCheckPrintsUnknownOnStdout() {
        for (String[] args : List.of(new String[] {"check", "--bogus"}, new String[] {"check", "-w"},
                new String[] {"check", "--timeout", "abc"}, new String[] {"check", "--format", "xml", "--proc-root", seed()},
                new String[] {"check", "extra-arg"})) {
            Limbo r = Limbo.exact(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(3);
            assertThat(r.out()).as(String.join(" ", args)).startsWith("limbo UNKNOWN - ").endsWith("\n");
            assertThat(r.out().lines().count()).isEqualTo(1);
        }
    }

    @Test
    void completionCoversEveryCommandAndOption() {
        Limbo r = Limbo.run("generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_limbo")
                .contains("--proc-root").contains("--hung-after").contains("--textfile").contains("--full-every");
        for (String cmd : List.of("scan", "explain", "snapshot", "rules", "check", "watch")) {
            assertThat(r.out()).contains("_picocli_limbo_" + cmd);
        }
    }
}
