package dev.limbo.agent;

import dev.limbo.monitor.RuleFilter;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.sampling.ProcSource;
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
import org.junit.jupiter.api.Assumptions;
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
    static Path prometheusBinary() {
        String env = System.getenv("LIMBO_PROMETHEUS_BIN");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return Path.of(env);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
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
        Assumptions.assumeTrue(bin != null, "the prometheus binary is not installed (apt-get install prometheus; CI: .ci/setup.d/50-prometheus.sh)");
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

            int promPort = AgentTestSupport.freePort();
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    + "rule_files:\n  - " + rules.toAbsolutePath() + "\n"
                    + "scrape_configs:\n  - job_name: limbo\n    static_configs:\n      - targets: ['127.0.0.1:" + server.address().getPort() + "']\n");
            prom = new ProcessBuilder(bin.toString(), "--config.file=" + config, "--storage.tsdb.path=" + tmp.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
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

            // The shipped alerting rules loaded and evaluate.
            JsonNode groups = json.readTree(get(api + "rules")).get("data").get("groups");
            assertThat(groups).hasSize(1);
            for (JsonNode rule : groups.get(0).get("rules")) {
                assertThat(rule.get("health").asText()).as(rule.get("name").asText() + ": " + rule.path("lastError").asText())
                        .isIn("ok", "unknown");
            }
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
