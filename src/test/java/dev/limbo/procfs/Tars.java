package dev.limbo.procfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tar.gz archives entry by entry with any header at all (hard links, devices, FIFOs,
 * absolute names, "..", sizes that lie), for tests that hand limbo hostile snapshots. Big
 * archives are made of concatenated gzip members: one member of zeros, compressed once and
 * repeated, is how a few MB expand to GB (a gzip bomb) without the test compressing GB.
 */
public final class Tars implements AutoCloseable {
    public static final int BLOCK = 512;
    private final OutputStream out;

    public Tars(Path file) throws IOException {
        this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    /** One ustar header block. Names over 100 bytes get a GNU 'L' entry first. */
    public static byte[] header(String name, char type, long size, String link) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (nameBytes.length > 100) {
            byte[] data = java.util.Arrays.copyOf(nameBytes, nameBytes.length + 1);
            b.writeBytes(header("././@LongLink", 'L', data.length, ""));
            b.writeBytes(data);
            b.writeBytes(new byte[pad(data.length)]);
        }
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, nameBytes);
        put(h, 100, 8, octal(0644, 7));
        put(h, 108, 8, octal(0, 7));
        put(h, 116, 8, octal(0, 7));
        put(h, 124, 12, octal(size, 11));
        put(h, 136, 12, octal(0, 11));
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        if (type == '3' || type == '4') {
            put(h, 329, 8, octal(1, 7)); // major 1, minor 5: /dev/zero
            put(h, 337, 8, octal(5, 7));
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, 8, (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(h);
        return b.toByteArray();
    }

    /** A whole entry (header, data, padding) as tar bytes. */
    public static byte[] entry(String name, char type, byte[] data, String link) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header(name, type, data.length, link));
        b.writeBytes(data);
        b.writeBytes(new byte[pad(data.length)]);
        return b.toByteArray();
    }

    public static byte[] file(String name, String text) {
        return entry(name, '0', text.getBytes(StandardCharsets.UTF_8), "");
    }

    public static byte[] symlink(String name, String target) {
        return entry(name, '2', new byte[0], target);
    }

    /** Appends tar bytes as one gzip member. */
    public Tars member(byte[] tar) throws IOException {
        out.write(gzip(tar));
        return this;
    }

    /** Appends already compressed bytes (a member made once, written many times). */
    public Tars raw(byte[] gz) throws IOException {
        out.write(gz);
        return this;
    }

    /** Ends the tar (two zero blocks). */
    public Tars end() throws IOException {
        return member(new byte[2 * BLOCK]);
    }

    public static byte[] gzip(byte[] data) {
        return gzip(data, Deflater.BEST_SPEED);
    }

    public static byte[] gzip(byte[] data, int level) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b, 1 << 16) {
            {
                def.setLevel(level);
            }
        }) {
            g.write(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A gzip member of n zero bytes, compressed as well as gzip can (about 1 KB per MiB). */
    public static byte[] zeros(int n) {
        return gzip(new byte[n], Deflater.BEST_COMPRESSION);
    }

    public static int pad(long size) {
        long r = size % BLOCK;
        return (int) (r == 0 ? 0 : BLOCK - r);
    }

    private static byte[] octal(long v, int digits) {
        return (String.format("%0" + digits + "o", v) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    /** A 3 MB gzip bomb: one file that claims 3 GB, followed by 3 GB of zeros. */
    public static Path bombOneFile(Path f) throws IOException {
        byte[] mib = zeros(1 << 20);
        try (Tars t = new Tars(f)) {
            t.member(header("samples/0/1/stat", '0', 3L << 30, ""));
            for (int i = 0; i < 3072; i++) {
                t.raw(mib);
            }
        }
        return f;
    }

    /** A 3 MB gzip bomb: 3072 files of 1 MiB of zeros (each within the per-file cap). */
    public static Path bombManyFiles(Path f) throws IOException {
        byte[] mib = zeros(1 << 20);
        try (Tars t = new Tars(f)) {
            for (int i = 0; i < 3072; i++) {
                t.member(header("samples/0/" + i + "/stat", '0', 1 << 20, ""));
                t.raw(mib);
            }
            t.end();
        }
        return f;
    }

    /** A 3 MB gzip bomb: a pax header (an entry the reader skips) of 3 GB. */
    public static Path bombSkipped(Path f) throws IOException {
        byte[] mib = zeros(1 << 20);
        try (Tars t = new Tars(f)) {
            t.member(header("pax", 'x', 3L << 30, ""));
            for (int i = 0; i < 3072; i++) {
                t.raw(mib);
            }
            t.end();
        }
        return f;
    }

    /**
     * n entries samples/0/PID/stat (n a multiple of 1000), after an uptime; the first
     * {@code distinct} have their own names, the rest repeat one block of 1000 (so that a test
     * need not compress a GB to make 10^6 entries; an attacker's archive may do the same).
     */
    public static Path manyStats(Path f, int n, int distinct) throws IOException {
        try (Tars t = new Tars(f)) {
            t.member(entry("samples/0/uptime", '0', "100.0 100.0\n".getBytes(StandardCharsets.US_ASCII), ""));
            byte[] repeated = null;
            for (int chunk = 0; chunk < n / 1000; chunk++) {
                if (chunk * 1000 >= distinct && repeated != null) {
                    t.raw(repeated);
                    continue;
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int i = 0; i < 1000; i++) {
                    int pid = chunk * 1000 + i + 1;
                    b.writeBytes(file("samples/0/" + pid + "/stat", pid + " (p) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n"));
                }
                byte[] gz = gzip(b.toByteArray());
                if (chunk * 1000 + 1000 >= distinct) {
                    repeated = gz;
                }
                t.raw(gz);
            }
            t.end();
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
