package dev.limbo.cli;

import static dev.limbo.agent.AgentTestSupport.limbo;
import static dev.limbo.agent.AgentTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.agent.AgentTestSupport;
import dev.limbo.agent.AgentTestSupport.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limbo watch} through the CLI: --once, a timed run serving HTTP, events, bad arguments. */
class WatchCommandTest {
    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void onceOnTheFoundingCasePrintsTheFindingsWithTheirAge() {
        Run r = limbo("watch", "--once", "--proc-root", seed().toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).startsWith("limbo CRITICAL: 2 critical, 1 warning, 0 info")
                .contains("CRITICAL  zombie-leader-stuck-thread  pid 22889 (qemu-kvm)  tids 22976")
                .contains("  stuck for ");
    }

    @Test
    void onceAsJson() throws Exception {
        Run r = limbo("watch", "--once", "--format", "json", "--proc-root", seed().toString());
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertThat(n.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(n.get("findings").get(0).get("rule").asText()).isEqualTo("zombie-leader-stuck-thread");
        assertThat(n.get("findings").get(0).has("stuckSeconds")).isTrue();
        assertThat(n.get("agent").get("round").asInt()).isEqualTo(2);
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        Run listen = limbo("watch", "--listen", "127.0.0.1:http", "--proc-root", seed().toString());
        assertThat(listen.code()).isEqualTo(3);
        assertThat(listen.err()).isEqualTo("limbo: --listen '127.0.0.1:http': the port must be a number from 0 to 65535\n");
        Run interval = limbo("watch", "--interval", "10ms", "--proc-root", seed().toString());
        assertThat(interval.code()).isEqualTo(3);
        assertThat(interval.err()).startsWith("limbo: --interval must be at least 100ms");
        Run rules = limbo("watch", "--once", "--rules=-nope", "--proc-root", seed().toString());
        assertThat(rules.code()).isEqualTo(3);
        assertThat(rules.err()).startsWith("limbo: --rules: unknown rule 'nope'");
    }

    @Test
    void aPortInUseIsAOneLineError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run r = limbo("watch", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--proc-root", seed().toString(), "--duration", "1s");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).startsWith("limbo: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }

    @Test
    void aTimedRunServesTheEndpointsAndWritesEvents() throws Exception {
        Path events = tmp.resolve("events.ndjson");
        // Port 0: the server binds a free port itself and says which (no race with another process).
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> limbo("watch", "--proc-root", seed().toString(),
                "--interval", "200ms", "--duration", "4s", "--listen", "127.0.0.1:0", "--events", events.toString()));
        int port = boundPort(events, run);
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> health = waitFor(base + "/healthz", 200);
        assertThat(health.body()).isEqualTo("ok\n");

        HttpResponse<String> metrics = get(base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body())
                .contains("limbo_findings{rule=\"zombie-leader-stuck-thread\",severity=\"CRITICAL\"} 1")
                .contains("limbo_tasks{state=\"zombie\"} 1")
                .contains("limbo_stuck_seconds{comm=\"qemu-kvm\",pid=\"22889\",rule=\"stuck-in-exit\"}")
                .contains("limbo_scans_total ")
                .contains("limbo_proc_read_timeouts_total 0");

        HttpResponse<String> om = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(om.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(om.body()).endsWith("# EOF\n");

        HttpResponse<String> findings = get(base + "/findings");
        assertThat(findings.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode n = new ObjectMapper().readTree(findings.body());
        assertThat(n.get("schema").asText()).isEqualTo("limbo/v1");
        assertThat(n.get("findings")).hasSize(3);

        assertThat(get(base + "/").body()).startsWith("limbo watch on ").contains("zombie-leader-stuck-thread");
        assertThat(get(base + "/nope").statusCode()).isEqualTo(404);
        for (String method : List.of("POST", "PUT", "DELETE", "HEAD")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        }

        Run done = run.get(30, TimeUnit.SECONDS);
        assertThat(done.code()).isZero();
        assertThat(done.err()).contains("limbo watch: serving http://127.0.0.1:" + port + "/");
        List<JsonNode> lines = Files.readAllLines(events).stream().map(WatchCommandTest::json).toList();
        assertThat(lines.get(0).get("event").asText()).isEqualTo("started");
        assertThat(lines.get(0).get("listen").asText()).isEqualTo("127.0.0.1:" + port);
        assertThat(lines.subList(1, 4)).extracting(l -> l.get("event").asText() + " " + l.get("rule").asText())
                .containsExactly("appeared zombie-leader-stuck-thread", "appeared stuck-in-exit", "appeared traced-zombie");
        assertThat(lines.get(lines.size() - 1).get("event").asText()).isEqualTo("stopped");
        // The server is gone once the run ends.
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                get(base + "/healthz");
                return "answered";
            } catch (Exception e) {
                return "refused";
            }
        }).get(10, TimeUnit.SECONDS)).isEqualTo("refused");
    }

    static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> waitFor(String url, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(url);
                if (r.statusCode() == status) {
                    return r;
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + status + " from " + url, last);
    }

    /** The port watch bound for {@code --listen 127.0.0.1:0}, from its "started" event. */
    static int boundPort(Path events, CompletableFuture<Run> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                throw new AssertionError("watch ended before it started serving: " + run.get());
            }
            if (Files.exists(events)) {
                for (String line : Files.readAllLines(events)) {
                    if (!line.endsWith("}")) {
                        continue; // still being written
                    }
                    JsonNode n = json(line);
                    if (n.path("event").asText().equals("started")) {
                        String listen = n.get("listen").asText();
                        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
                        assertThat(port).as("bound port").isPositive();
                        return port;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no started event in " + events + " after 30 s");
    }
}
