package dev.limbo.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.limbo.rules.Texts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP endpoints (JDK HTTP server; GET only, anything else is 405):
 * {@code /metrics} (Prometheus exposition, OpenMetrics when asked), {@code /findings} (JSON
 * {@code limbo/v1} with per-finding {@code since}/{@code stuckSeconds}), {@code /healthz}
 * (200 while rounds are fresh, 503 before the first round or when the last is older than three
 * intervals plus 30 s), {@code /} (text quick view).
 */
public final class AgentServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Agent agent;
    private final AgentMetrics metrics;
    private final Texts texts;

    private AgentServer(HttpServer server, ExecutorService executor, Agent agent, AgentMetrics metrics, Texts texts) {
        this.server = server;
        this.executor = executor;
        this.agent = agent;
        this.metrics = metrics;
        this.texts = texts;
    }

    public static AgentServer start(InetSocketAddress address, Agent agent, AgentMetrics metrics, Texts texts) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "limbo-http");
            t.setDaemon(true);
            return t;
        });
        AgentServer s = new AgentServer(server, executor, agent, metrics, texts);
        server.createContext("/", s::handle);
        server.setExecutor(executor);
        server.start();
        return s;
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
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, "text/plain; charset=utf-8", "method not allowed: only GET is served\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            Agent.State s = agent.state();
            switch (path) {
                case "/metrics": {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
                    String type = metrics.write(ex.getRequestHeaders().getFirst("Accept"), buf);
                    send(ex, 200, type, buf.toByteArray());
                    break;
                }
                case "/findings": {
                    if (s == null) {
                        send(ex, 503, "text/plain; charset=utf-8", "starting: no scan round has finished yet\n");
                    } else {
                        send(ex, 200, "application/json", Views.json(s, agent.config().intervalMs()).toPrettyString() + "\n");
                    }
                    break;
                }
                case "/healthz": {
                    if (s == null) {
                        send(ex, 503, "text/plain; charset=utf-8", "starting\n");
                        break;
                    }
                    double age = (System.nanoTime() - s.monotonicNanos()) / 1e9;
                    double limit = 3 * agent.config().intervalMs() / 1000.0 + 30;
                    if (age > limit) {
                        send(ex, 503, "text/plain; charset=utf-8", "stale: last scan round " + Math.round(age) + "s ago\n");
                    } else {
                        send(ex, 200, "text/plain; charset=utf-8", "ok\n");
                    }
                    break;
                }
                case "/": {
                    StringBuilder b = new StringBuilder();
                    b.append("limbo watch on " + agent.procRoot()).append("\n\n");
                    if (s == null) {
                        b.append("starting\n");
                    } else {
                        b.append(Views.text(s, texts));
                    }
                    b.append('\n').append("Endpoints: /metrics (Prometheus), /findings (JSON limbo/v1), /healthz").append('\n');
                    send(ex, 200, "text/plain; charset=utf-8", b.toString());
                    break;
                }
                default:
                    send(ex, 404, "text/plain; charset=utf-8", "not found; try /metrics, /findings, /healthz\n");
            }
        } catch (IOException | RuntimeException e) {
            try {
                send(ex, 500, "text/plain; charset=utf-8", "internal error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the client went away
            }
        } finally {
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
