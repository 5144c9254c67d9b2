package dev.limbo.agent;

import dev.limbo.monitor.RuleFilter;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.sampling.ProcSource;
import dev.limbo.testing.Prerequisites;
import dev.limbo.rules.RuleOptions;
import dev.limbo.rules.Texts;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's {@code prometheus}, installed by .ci/setup.d/50-prometheus.sh)
 * scrapes the agent every second on loopback while a zombie made by the test is held; the
 * Prometheus HTTP API must return {@code limbo_findings} for the zombie's rule. The alerting
 * rules shipped in deploy/prometheus are loaded too and must evaluate without error.
 */
@Tag("live")
class PrometheusLiveTest {
    /** {@code $LIMBO_PROMETHEUS_BIN} (set by .ci/setup.d/50-prometheus.sh), else {@code prometheus} on PATH. */
    static Path prometheusBinary() {
        String env = System.getenv("LIMBO_PROMETHEUS_BIN");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return Path.of(env);
        }
        return onPath("prometheus");
    }

    /** A tool of the Prometheus package (promtool): beside the prometheus binary found above, else on PATH. */
    static Path onPathOrBeside(String tool) {
        Path prometheus = prometheusBinary();
        if (prometheus != null && prometheus.getParent() != null && Files.isExecutable(prometheus.getParent().resolve(tool))) {
            return prometheus.getParent().resolve(tool);
        }
        return onPath(tool);
    }

    static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static Path repo() {
        return Path.of(System.getProperty("limbo.repo", System.getProperty("user.dir")));
    }

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void prometheusScrapesLimboFindingsOfAHeldZombie() throws Exception {
        Path bin = prometheusBinary();
        Prerequisites.require(bin != null, "the prometheus binary is not installed (apt-get install prometheus; CI: .ci/setup.d/50-prometheus.sh)");
        Path rules = repo().resolve("deploy/prometheus/limbo-alerts.yml");

        Agent.Config cfg = new Agent.Config(500, -1, 0, RuleFilter.all(), new RuleOptions(10, true), Texts.of("en"), 500);
        Agent agent = new Agent(ProcSource.live(), cfg, e -> { }, Agent.Clock.SYSTEM);
        Path tmp = Files.createTempDirectory("limbo-prometheus-");
        Process prom = null;
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop = null;
        Thread reaper = null;
        try (AgentTestSupport.Zombie z = new AgentTestSupport.Zombie();
                AgentServer server = AgentServer.start(new InetSocketAddress("127.0.0.1", 0), agent, new AgentMetrics(agent), Texts.of("en"))) {
            loop = new Thread(() -> {
                while (!stop.get()) {
                    agent.round();
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "agent-loop");
            loop.setDaemon(true);
            loop.start();

            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    + "rule_files:\n  - " + rules.toAbsolutePath() + "\n"
                    + "scrape_configs:\n  - job_name: limbo\n    static_configs:\n      - targets: ['127.0.0.1:" + server.address().getPort() + "']\n");
            // Prometheus cannot say which port it bound for :0, so take a free one and retry
            // when another process took it in between (the log says "address already in use").
            int promPort = -1;
            for (int attempt = 1; prom == null; attempt++) {
                promPort = AgentTestSupport.freePort();
                Process started = new ProcessBuilder(bin.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + tmp.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
                if (answers("http://127.0.0.1:" + promPort + "/-/ready", started, Duration.ofSeconds(60))) {
                    prom = started;
                } else {
                    started.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
                    assertThat(attempt < 3 && log(tmp).contains("address already in use"))
                            .as("prometheus did not come up on port %d; log: %s", promPort, log(tmp)).isTrue();
                }
            }
            Process p = prom;
            reaper = new Thread(() -> p.destroyForcibly());
            Runtime.getRuntime().addShutdownHook(reaper);

            String api = "http://127.0.0.1:" + promPort + "/api/v1/";
            String q = "limbo_findings{rule=\"unreaped-zombie\"}";
            JsonNode result = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                assertThat(prom.isAlive()).as("prometheus exited: " + log(tmp)).isTrue();
                JsonNode r = query(api, q);
                if (r != null && r.get("data").get("result").size() > 0) {
                    result = r;
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(result).as("limbo_findings never reached Prometheus; log: " + log(tmp)).isNotNull();
            JsonNode sample = result.get("data").get("result").get(0);
            assertThat(sample.get("metric").get("rule").asText()).isEqualTo("unreaped-zombie");
            assertThat(sample.get("metric").get("severity").asText()).isEqualTo("WARNING");
            assertThat(sample.get("metric").get("job").asText()).isEqualTo("limbo");
            assertThat(Double.parseDouble(sample.get("value").get(1).asText())).isGreaterThanOrEqualTo(1);

            // The held zombie itself, by pid.
            JsonNode stuck = query(api, "limbo_stuck_seconds{rule=\"unreaped-zombie\",pid=\"" + z.pid + "\"}");
            assertThat(stuck.get("data").get("result")).hasSize(1);
            assertThat(stuck.get("data").get("result").get(0).get("metric").get("comm").asText()).isEqualTo("sleep");

            // The shipped alerting rules loaded and were really evaluated (a rule that never ran
            // reports health "unknown" and a zero lastEvaluation), without error.
            JsonNode rulesNow = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                rulesNow = json.readTree(get(api + "rules")).get("data").get("groups");
                if (allEvaluated(rulesNow)) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(rulesNow).hasSize(1);
            assertThat(rulesNow.get(0).get("rules")).as("rules loaded from %s", rules).hasSizeGreaterThanOrEqualTo(5);
            for (JsonNode rule : rulesNow.get(0).get("rules")) {
                String name = rule.get("name").asText();
                assertThat(rule.get("health").asText()).as(name + ": " + rule.path("lastError").asText()).isEqualTo("ok");
                assertThat(rule.path("lastEvaluation").asText()).as("%s last evaluated", name).doesNotStartWith("0001-");
            }
            // ...and matched what the agent exports: the held zombie makes the WARNING alert
            // pending (for: 30m), labelled with the zombie's rule.
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            JsonNode warning = null;
            while (warning == null && System.nanoTime() < deadline) {
                for (JsonNode a : json.readTree(get(api + "alerts")).get("data").get("alerts")) {
                    if (a.get("labels").path("alertname").asText().equals("LimboWarningFinding")
                            && a.get("labels").path("rule").asText().equals("unreaped-zombie")) {
                        warning = a;
                    }
                }
                Thread.sleep(500);
            }
            assertThat(warning).as("LimboWarningFinding{rule=unreaped-zombie} among the alerts").isNotNull();
            assertThat(warning.get("state").asText()).isEqualTo("pending");
            assertThat(warning.get("labels").get("severity").asText()).isEqualTo("warning");
        } finally {
            stop.set(true);
            if (loop != null) {
                loop.interrupt();
                loop.join(10_000);
            }
            if (prom != null) {
                prom.destroy();
                if (!prom.waitFor(20, TimeUnit.SECONDS)) {
                    prom.destroyForcibly();
                    prom.waitFor(20, TimeUnit.SECONDS);
                }
            }
            if (reaper != null) {
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
            AgentTestSupport.deleteTree(tmp);
        }
    }

    /** Every rule of every group has been evaluated at least once. */
    static boolean allEvaluated(JsonNode groups) {
        if (groups == null || groups.size() == 0) {
            return false;
        }
        for (JsonNode g : groups) {
            for (JsonNode r : g.get("rules")) {
                if (r.path("lastEvaluation").asText("0001-").startsWith("0001-") || !r.path("health").asText().equals("ok")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Polls url until it answers 200 (true), the process exits or the time is up (false). */
    boolean answers(String url, Process p, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    JsonNode query(String api, String promql) {
        try {
            return json.readTree(get(api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return null; // not up yet
        }
    }

    String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    static String log(Path tmp) {
        try {
            return Files.readString(tmp.resolve("prometheus.log"));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
