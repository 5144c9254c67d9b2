package dev.limbo.agent;

import static dev.limbo.agent.AgentTestSupport.limbo;
import static dev.limbo.agent.AgentTestSupport.seed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile HTTP clients against a real {@code limbo watch --listen} (in-process, on loopback, over
 * the founding-case tree): half-sent requests (slowloris), floods, garbage and oversized heads.
 * Throughout, {@code /healthz} must answer within {@link #HEALTH_BOUND_MS}. Each case is bounded
 * in count and time; the numbers are printed for the hardening report.
 */
@Timeout(120)
class HostileHttpClientsTest {
    /** Generous: CI and shared 2-core machines run other suites alongside (load averages of 20+ seen). */
    static final long HEALTH_BOUND_MS = 5_000;

    int port;
    Thread watch;
    final AtomicReference<AgentTestSupport.Run> result = new AtomicReference<>();
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startWatch() throws Exception {
        port = AgentTestSupport.freePort();
        watch = new Thread(() -> result.set(limbo("watch", "--proc-root", seed().toString(), "--interval", "200ms",
                "--duration", "100s", "--listen", "127.0.0.1:" + port, "--events", "/dev/null")), "watch-under-test");
        watch.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (get("/healthz", 2_000).startsWith("HTTP/1.1 200")) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("watch answered /healthz").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterEach
    void stopWatch() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        watch.interrupt();
        watch.join(15_000);
        assertThat(watch.isAlive()).as("watch stopped").isFalse();
        assertThat(result.get().code()).as("watch exit; stderr %s", result.get().err()).isZero();
        assertThat(result.get().err()).doesNotContain("Exception");
    }

    /** One raw request; returns the whole response (the server closes after answering). */
    String get(String path, int timeoutMs) throws IOException {
        return exchange(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), timeoutMs);
    }

    String exchange(byte[] request, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** /healthz answers 200 within the bound; returns how long it took. */
    long healthWithinBound() throws IOException {
        long t0 = System.nanoTime();
        String r = get("/healthz", (int) HEALTH_BOUND_MS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r).startsWith("HTTP/1.1 200").endsWith("ok\n");
        assertThat(ms).isLessThan(HEALTH_BOUND_MS);
        return ms;
    }

    Socket stalled(String firstBytes) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        s.getOutputStream().write(firstBytes.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        sockets.add(s);
        return s;
    }

    static long usedHeapMb() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    @Test
    void halfSentRequestsDoNotStopHealthChecks() throws Exception {
        long t0 = System.nanoTime();
        // The case: two connections that send "G" and nothing more; then many more than
        // the server keeps (256), some dribbling a byte at a time.
        for (int i = 0; i < 300; i++) {
            stalled(i % 2 == 0 ? "G" : "GET /findings HTTP/1.1\r\nX-Slow: ");
        }
        long worst = 0;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < sockets.size(); i += 10) {
                try {
                    sockets.get(i).getOutputStream().write('a');
                } catch (IOException e) {
                    // evicted or timed out by the server: that is what it should do
                }
            }
            worst = Math.max(worst, healthWithinBound());
            assertThat(get("/metrics", 5_000)).startsWith("HTTP/1.1 200");
            Thread.sleep(100);
        }
        System.out.printf("hostile-http slowloris: 300 stalled connections, worst /healthz %d ms, heap %d MB, %d ms total%n",
                worst, usedHeapMb(), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aStalledHeadIsClosedByItsDeadline() throws Exception {
        Socket s = stalled("GET /healthz HTTP/1.1\r\n");
        s.setSoTimeout(15_000);
        long t0 = System.nanoTime();
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(answer).startsWith("HTTP/1.1 408");
        assertThat(ms).as("closed after the 5 s head deadline").isBetween(3_000L, 8_000L);
        Socket silent = stalled("");
        silent.setSoTimeout(15_000);
        assertThat(silent.getInputStream().read()).as("a silent connection is closed").isEqualTo(-1);
    }

    @Test
    void aFloodIsBoundedAndHealthStaysUp() throws Exception {
        int clients = 16;
        int each = 60;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<int[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    int ok = 0;
                    int busy = 0;
                    for (int i = 0; i < each; i++) {
                        String r = get(i % 2 == 0 ? "/findings" : "/", 10_000);
                        if (r.startsWith("HTTP/1.1 200")) {
                            ok++;
                        } else if (r.startsWith("HTTP/1.1 503")) {
                            busy++;
                        } else {
                            throw new AssertionError("unexpected answer under flood: " + r.lines().findFirst().orElse(""));
                        }
                    }
                    return new int[] {ok, busy};
                }));
            }
            long worst = 0;
            while (fs.stream().anyMatch(f -> !f.isDone())) {
                worst = Math.max(worst, healthWithinBound());
                Thread.sleep(50);
            }
            int ok = 0;
            int busy = 0;
            for (Future<int[]> f : fs) {
                int[] r = f.get(60, TimeUnit.SECONDS);
                ok += r[0];
                busy += r[1];
            }
            assertThat(ok + busy).isEqualTo(clients * each);
            assertThat(ok).as("most pages are served").isPositive();
            System.out.printf("hostile-http flood: %d requests from %d clients, %d served, %d busy (503), worst /healthz %d ms,"
                    + " heap %d MB, %d ms total%n", clients * each, clients, ok, busy, worst, usedHeapMb(),
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void garbageGetsAClearStatusAndNothingBreaks() throws Exception {
        long t0 = System.nanoTime();
        assertThat(exchange("BLAH\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /healthz HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET healthz HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /%zz HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 400");
        // Oversized head: 64 KiB of one header.
        String big = "GET / HTTP/1.1\r\nX: " + "a".repeat(64 * 1024) + "\r\n\r\n";
        assertThat(exchangeTolerant(big.getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 431");
        // Too many headers, each small.
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("H").append(i).append(": v\r\n");
        }
        assertThat(exchange(many.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1), 5_000)).startsWith("HTTP/1.1 431");
        // Random binary junk, including NULs and a blank line somewhere.
        Random rnd = new Random(12);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(2048)];
            rnd.nextBytes(junk);
            if (i % 2 == 0) {
                junk[junk.length / 2] = '\n';
                if (junk.length / 2 + 1 < junk.length) {
                    junk[junk.length / 2 + 1] = '\n';
                }
            }
            String r = exchangeTolerant(junk);
            assertThat(r).as("junk %d", i).matches("(?s)(|HTTP/1\\.1 (400|408|431) .*)");
        }
        // A body on a POST is read and dropped: the 405 arrives whole.
        assertThat(exchange("POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.ISO_8859_1), 5_000))
                .startsWith("HTTP/1.1 405").contains("Allow: GET");
        healthWithinBound();
        System.out.printf("hostile-http garbage: 207 malformed requests, heap %d MB, %d ms total%n", usedHeapMb(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Like {@link #exchange} but the server may answer (and close) before all was sent. */
    String exchangeTolerant(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            try {
                o.write(request);
                o.flush();
                s.shutdownOutput(); // all sent: an incomplete head ends here, not at the deadline
            } catch (IOException e) {
                // closed by the server after its answer
            }
            InputStream in = s.getInputStream();
            StringBuilder b = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                // reset after the answer
            }
            return b.toString();
        }
    }
}
