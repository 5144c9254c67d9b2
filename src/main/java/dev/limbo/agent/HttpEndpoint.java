package dev.limbo.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server for GET endpoints that hostile clients cannot stop. One I/O thread
 * reads request heads and writes responses without blocking, so a client that sends half a
 * request (slowloris) or never reads its answer holds no worker. Every request head has a
 * deadline and a size and header-count cap; every response has a write deadline; open
 * connections are capped (a new one pushes out the oldest still sending its head). Costly pages
 * go to a small bounded worker pool (full: 503 at once); cheap ones, such as the health check,
 * are answered on the I/O thread, so they never queue behind the costly ones. One request per
 * connection ({@code Connection: close}).
 */
final class HttpEndpoint implements AutoCloseable {

    /** A parsed request head: method, decoded path, and the Accept header (or null). */
    record Request(String method, String path, String accept) {
    }

    record Response(int code, String type, byte[] body, Map<String, String> headers) {
        static Response text(int code, String body) {
            return new Response(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    interface Handler {
        Response handle(Request r);
    }

    /** The bounds; {@link #DEFAULT} is what the agent uses. */
    record Limits(int maxConnections, int maxHeadBytes, int maxHeaderLines, long headTimeoutMs, long writeTimeoutMs,
            int workers, int queue) {
        static final Limits DEFAULT = new Limits(256, 8192, 64, 5_000, 10_000, 2, 32);
    }

    private enum Phase { READING, WORKING, WRITING, DRAINING }

    /** After the answer is sent, unread request bytes are read and dropped this long (no RST). */
    private static final long DRAIN_MS = 1_000;

    private final class Conn {
        final SocketChannel ch;
        final SelectionKey key;
        final ByteBuffer in;
        ByteBuffer out;
        Phase phase = Phase.READING;
        long deadline;

        Conn(SocketChannel ch, SelectionKey key, long now) {
            this.ch = ch;
            this.key = key;
            this.in = ByteBuffer.allocate(limits.maxHeadBytes());
            this.deadline = now + limits.headTimeoutMs() * 1_000_000L;
        }
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Limits limits;
    private final Handler cheap;
    private final Set<String> cheapPaths;
    private final Handler costly;
    private final ThreadPoolExecutor workers;
    private final Thread io;
    /** Insertion order is age: the first READING entry is the oldest pending head. */
    private final Set<Conn> conns = new LinkedHashSet<>();
    private final Queue<Map.Entry<Conn, Response>> done = new ConcurrentLinkedQueue<>();
    private volatile boolean open = true;

    private HttpEndpoint(ServerSocketChannel server, Selector selector, Limits limits, Set<String> cheapPaths, Handler cheap,
            Handler costly) {
        this.server = server;
        this.selector = selector;
        this.limits = limits;
        this.cheapPaths = cheapPaths;
        this.cheap = cheap;
        this.costly = costly;
        this.workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), r -> {
                    Thread t = new Thread(r, "limbo-http");
                    t.setDaemon(true);
                    return t;
                });
        this.io = new Thread(this::loop, "limbo-http-io");
        this.io.setDaemon(true);
    }

    /**
     * Binds and starts serving. Requests for {@code cheapPaths} are answered by {@code cheap} on
     * the I/O thread (it must not block); all others by {@code costly} on a worker.
     */
    static HttpEndpoint start(InetSocketAddress address, Limits limits, Set<String> cheapPaths, Handler cheap,
            Handler costly) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        Selector sel = null;
        try {
            ch.bind(address, 512);
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
        HttpEndpoint h = new HttpEndpoint(ch, sel, limits, cheapPaths, cheap, costly);
        h.io.start();
        return h;
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Open connections right now (for tests). */
    int connections() {
        return conns.size();
    }

    private void loop() {
        try {
            while (open) {
                selector.select(100);
                if (!open) {
                    break;
                }
                Map.Entry<Conn, Response> d;
                while ((d = done.poll()) != null) {
                    respond(d.getKey(), d.getValue());
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        accept();
                    } else if (k.attachment() instanceof Conn c) {
                        try {
                            if (k.isReadable()) {
                                readable(c);
                            }
                            if (k.isValid() && k.isWritable()) {
                                writable(c);
                            }
                        } catch (IOException | RuntimeException e) {
                            close(c);
                        }
                    }
                }
                expire(System.nanoTime());
            }
        } catch (IOException | ClosedSelectorException e) {
            // closing
        } finally {
            for (Conn c : new ArrayList<>(conns)) {
                close(c);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            if (conns.size() >= limits.maxConnections() && !evictOldestReading()) {
                ch.close(); // every slot is busy answering: refuse this one
                continue;
            }
            ch.configureBlocking(false);
            SelectionKey k = ch.register(selector, SelectionKey.OP_READ);
            Conn c = new Conn(ch, k, System.nanoTime());
            k.attach(c);
            conns.add(c);
        }
    }

    private boolean evictOldestReading() {
        for (Conn c : conns) {
            if (c.phase == Phase.READING || c.phase == Phase.DRAINING) {
                close(c);
                return true;
            }
        }
        return false;
    }

    private void readable(Conn c) throws IOException {
        if (c.phase == Phase.DRAINING) {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int n;
            while ((n = c.ch.read(sink)) > 0) {
                sink.clear();
            }
            if (n < 0) {
                close(c);
            }
            return;
        }
        if (c.phase != Phase.READING) {
            return; // a worker has the request; further bytes wait in the socket
        }
        int n = c.ch.read(c.in);
        if (n < 0) {
            close(c);
            return;
        }
        int end = headEnd(c.in);
        if (end < 0) {
            if (!c.in.hasRemaining()) {
                respond(c, Response.text(431, "request head too large (limit " + limits.maxHeadBytes() + " bytes)\n"));
            }
            return;
        }
        Request r;
        try {
            r = parse(new String(c.in.array(), 0, end, StandardCharsets.ISO_8859_1));
        } catch (BadRequest e) {
            respond(c, Response.text(e.code, e.getMessage() + "\n"));
            return;
        }
        if (!"GET".equals(r.method())) {
            Response no = new Response(405, "text/plain; charset=utf-8",
                    "HEAD".equals(r.method()) ? new byte[0] : "method not allowed: only GET is served\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", "GET"));
            respond(c, no);
            return;
        }
        if (cheapPaths.contains(r.path())) {
            respond(c, safely(cheap, r));
            return;
        }
        c.phase = Phase.WORKING;
        c.key.interestOps(0);
        try {
            workers.execute(() -> {
                done.add(Map.entry(c, safely(costly, r)));
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            Response busy = new Response(503, "text/plain; charset=utf-8", "busy: too many requests in progress\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Retry-After", "1"));
            respond(c, busy);
        }
    }

    private static Response safely(Handler h, Request r) {
        try {
            return h.handle(r);
        } catch (RuntimeException e) {
            return Response.text(500, "internal error: " + e + "\n");
        }
    }

    /** Offset just past the blank line ending the head, or -1 if not there yet. */
    private static int headEnd(ByteBuffer in) {
        byte[] a = in.array();
        int n = in.position();
        for (int i = 0; i < n; i++) {
            if (a[i] == '\n') {
                if (i + 1 < n && a[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < n && a[i + 1] == '\r' && a[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        BadRequest(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private Request parse(String head) throws BadRequest {
        String[] lines = head.split("\r?\n");
        if (lines.length - 1 > limits.maxHeaderLines()) {
            throw new BadRequest(431, "too many header lines (limit " + limits.maxHeaderLines() + ")");
        }
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || !parts[2].matches("HTTP/1\\.[01]")
                || !parts[1].startsWith("/")) {
            throw new BadRequest(400, "bad request line");
        }
        String path;
        try {
            path = new URI(parts[1]).getPath();
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "bad request target");
        }
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "bad header line");
            }
            if (l.substring(0, colon).equalsIgnoreCase("Accept")) {
                accept = l.substring(colon + 1).strip();
            }
        }
        return new Request(parts[0], path == null ? "/" : path, accept);
    }

    private void respond(Conn c, Response r) {
        if (!c.ch.isOpen()) {
            return;
        }
        StringBuilder h = new StringBuilder();
        h.append("HTTP/1.1 ").append(r.code()).append(' ').append(reason(r.code())).append("\r\n");
        h.append("Content-Type: ").append(r.type()).append("\r\n");
        h.append("Content-Length: ").append(r.body().length).append("\r\n");
        for (Map.Entry<String, String> e : new LinkedHashMap<>(r.headers()).entrySet()) {
            h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        h.append("Connection: close\r\n\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + r.body().length);
        out.put(head).put(r.body()).flip();
        c.out = out;
        c.phase = Phase.WRITING;
        c.deadline = System.nanoTime() + limits.writeTimeoutMs() * 1_000_000L;
        try {
            writable(c);
        } catch (IOException | RuntimeException e) {
            close(c);
        }
    }

    private void writable(Conn c) throws IOException {
        if (c.phase != Phase.WRITING) {
            return;
        }
        c.ch.write(c.out);
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        // Sent: half-close, then drop whatever the client still sends until it closes.
        c.ch.shutdownOutput();
        c.phase = Phase.DRAINING;
        c.deadline = System.nanoTime() + DRAIN_MS * 1_000_000L;
        c.key.interestOps(SelectionKey.OP_READ);
    }

    private void expire(long now) {
        List<Conn> late = new ArrayList<>();
        for (Conn c : conns) {
            if (c.phase != Phase.WORKING && now - c.deadline > 0) {
                late.add(c);
            }
        }
        for (Conn c : late) {
            if (c.phase == Phase.READING && c.in.position() > 0) {
                respond(c, Response.text(408, "request head not received in time\n"));
                if (c.phase == Phase.WRITING) {
                    close(c); // could not even send the 408 at once: give up
                }
            } else {
                close(c);
            }
        }
    }

    private void close(Conn c) {
        conns.remove(c);
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            io.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdownNow();
    }
}
