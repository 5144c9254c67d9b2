package dev.limbo.agent;

import dev.limbo.rules.Texts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;

/**
 * The agent's HTTP endpoints (GET only, anything else is 405):
 * {@code /metrics} (Prometheus exposition, OpenMetrics when asked), {@code /findings} (JSON
 * {@code limbo/v1} with per-finding {@code since}/{@code stuckSeconds}), {@code /healthz}
 * (200 while rounds are fresh, 503 before the first round or when the last is older than three
 * intervals plus 30 s), {@code /} (text quick view). Served by {@link HttpEndpoint}: stalled,
 * flooding or garbage clients are bounded, and {@code /healthz} is answered on the I/O thread so
 * that a liveness probe never waits behind them.
 */
public final class AgentServer implements AutoCloseable {
    private final HttpEndpoint endpoint;
    private final Agent agent;
    private final AgentMetrics metrics;
    private final Texts texts;

    private AgentServer(HttpEndpoint endpoint, Agent agent, AgentMetrics metrics, Texts texts) {
        this.endpoint = endpoint;
        this.agent = agent;
        this.metrics = metrics;
        this.texts = texts;
    }

    public static AgentServer start(InetSocketAddress address, Agent agent, AgentMetrics metrics, Texts texts) throws IOException {
        AgentServer[] self = new AgentServer[1];
        HttpEndpoint endpoint = HttpEndpoint.start(address, HttpEndpoint.Limits.DEFAULT, Set.of("/healthz"),
                r -> self[0].health(), r -> self[0].page(r));
        self[0] = new AgentServer(endpoint, agent, metrics, texts);
        return self[0];
    }

    /**
     * Parses {@code --listen}: {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} (all
     * interfaces), {@code PORT} (loopback), or {@code off}/{@code none} (null: no HTTP).
     */
    public static InetSocketAddress parseListen(String spec) {
        String s = spec.strip();
        if (s.equals("off") || s.equals("none")) {
            return null;
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("--listen '" + spec + "': write [ADDRESS]:PORT for IPv6");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (host.isEmpty() || host.contains("[") || host.contains("]")) {
                throw new IllegalArgumentException("--listen '" + spec + "': write [ADDRESS]:PORT for IPv6");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = "127.0.0.1";
                port = s;
            } else {
                if (s.indexOf(':') != colon) {
                    throw new IllegalArgumentException("--listen '" + spec + "': write [ADDRESS]:PORT for IPv6");
                }
                host = colon == 0 ? "0.0.0.0" : s.substring(0, colon);
                port = s.substring(colon + 1);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("--listen '" + spec + "': the port must be a number from 0 to 65535");
        }
        return new InetSocketAddress(host, p);
    }

    public InetSocketAddress address() {
        return endpoint.address();
    }

    /** Cheap and non-blocking: answered on the I/O thread. */
    private HttpEndpoint.Response health() {
        Agent.State s = agent.state();
        if (s == null) {
            return HttpEndpoint.Response.text(503, "starting\n");
        }
        double age = (System.nanoTime() - s.monotonicNanos()) / 1e9;
        double limit = 3 * agent.config().intervalMs() / 1000.0 + 30;
        if (age > limit) {
            return HttpEndpoint.Response.text(503, "stale: last scan round " + Math.round(age) + "s ago\n");
        }
        return HttpEndpoint.Response.text(200, "ok\n");
    }

    private HttpEndpoint.Response page(HttpEndpoint.Request r) {
        Agent.State s = agent.state();
        switch (r.path()) {
            case "/metrics": {
                ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
                String type;
                try {
                    type = metrics.write(r.accept(), buf);
                } catch (IOException e) {
                    return HttpEndpoint.Response.text(500, "internal error: " + e + "\n");
                }
                return new HttpEndpoint.Response(200, type, buf.toByteArray(), Map.of());
            }
            case "/findings":
                if (s == null) {
                    return HttpEndpoint.Response.text(503, "starting: no scan round has finished yet\n");
                }
                return new HttpEndpoint.Response(200, "application/json",
                        (dev.limbo.report.JsonReport.pretty(Views.json(s, agent.config().intervalMs())) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
            case "/": {
                StringBuilder b = new StringBuilder();
                b.append("limbo watch on " + dev.limbo.report.Printable.of(agent.procRoot())).append("\n\n");
                if (s == null) {
                    b.append("starting\n");
                } else {
                    b.append(Views.text(s, texts));
                }
                b.append('\n').append("Endpoints: /metrics (Prometheus), /findings (JSON limbo/v1), /healthz").append('\n');
                return HttpEndpoint.Response.text(200, b.toString());
            }
            default:
                return HttpEndpoint.Response.text(404, "not found; try /metrics, /findings, /healthz\n");
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
