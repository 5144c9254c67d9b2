package dev.limbo.procfs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A minimal tar.gz reader and writer for snapshots: regular files, directories and symlinks
 * (fd links), ustar headers with GNU long names. The reader never extracts: it reads the archive
 * into memory ({@link ArchiveTree}), within {@link Limits}, so nothing is written, nothing is left
 * behind and no link is ever followed.
 */
public final class Archive {
    private static final int BLOCK = 512;

    private Archive() {
    }

    /** Thrown for an archive that is not a readable tar.gz. */
    public static class CorruptArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptArchiveException(String message) {
            super(message);
        }
    }

    /**
     * Thrown for an entry a snapshot never holds and that a reader must not act on: a hard link,
     * a device, a FIFO, an absolute name or one with {@code ..}.
     */
    public static final class RefusedEntryException extends CorruptArchiveException {
        private static final long serialVersionUID = 1L;

        public RefusedEntryException(String message) {
            super(message);
        }
    }

    /** Thrown when an archive exceeds one of its {@link Limits}. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        public TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * Bounds on what reading one archive may cost. {@code streamBytes}: the uncompressed tar
     * stream, headers and skipped data included (stops gzip bombs); {@code entries}: entries of
     * any kind; {@code fileBytes}: one file's size; {@code memoryBytes}: what the kept entries
     * cost in memory (names, data, link text and a fixed charge per entry); {@code nameBytes} and
     * {@code depth}: one path.
     */
    public record Limits(long streamBytes, int entries, int fileBytes, long memoryBytes, int nameBytes, int depth) {
        /**
         * Measured: {@code limbo snapshot} of a host with 1,130 processes (1,700 tasks) wrote 1,894
         * entries, 516 KB of file data (largest file 2 KB) and a 1.9 MB tar stream. These caps are
         * about 150 times that (a host with ~200,000 tasks); a file is at most 1 MiB because that
         * is all {@link ProcRoot} ever reads of one.
         */
        public static final Limits DEFAULT = new Limits(512L << 20, 300_000, 1 << 20, 160L << 20, 4096, 32);
    }

    /** What reading an entry costs in memory besides its name and data (map nodes, headers). */
    static final int ENTRY_OVERHEAD = 160;

    /** Reads a tar.gz into memory, within {@link Limits#DEFAULT}. Nothing is written to disk. */
    public static ArchiveTree read(Path archive) throws IOException {
        return read(archive, Limits.DEFAULT);
    }

    public static ArchiveTree read(Path archive, Limits limits) throws IOException {
        try (InputStream raw = Files.newInputStream(archive)) {
            return read(raw, limits);
        }
    }

    /**
     * Reads a tar.gz stream into an {@link ArchiveTree}: regular files (data), directories and
     * symlinks (their link text only: a link is never followed, it is data like any other).
     * Hard links, devices, FIFOs, absolute names and {@code ..} are refused; other entry types
     * (pax headers, GNU extensions) are skipped. Every cost is bounded by {@code limits}.
     */
    public static ArchiveTree read(InputStream raw, Limits limits) throws IOException {
        ArchiveTree tree = new ArchiveTree();
        try (InputStream in = new BoundedStream(new BufferedInputStream(new GZIPInputStream(raw, 65536), 65536), limits.streamBytes())) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            String longLink = null;
            int entries = 0;
            long memory = 0;
            while (true) {
                if (!readFully(in, header) || isZero(header)) {
                    return tree;
                }
                if (++entries > limits.entries()) {
                    throw new TooLargeException("more than " + limits.entries() + " entries");
                }
                verifyChecksum(header);
                String name = longName != null ? longName : name(header);
                String link = longLink != null ? longLink : string(header, 157, 100);
                longName = null;
                longLink = null;
                long size = octal(header, 124, 12);
                if (size < 0) {
                    throw new CorruptArchiveException("negative entry size");
                }
                char type = (char) header[156];
                if (type == 'L' || type == 'K') {
                    if (size > limits.nameBytes()) {
                        throw new TooLargeException("a name longer than " + limits.nameBytes() + " bytes");
                    }
                    byte[] data = readData(in, size);
                    String s = new String(data, StandardCharsets.UTF_8);
                    int nul = s.indexOf('\0');
                    s = nul >= 0 ? s.substring(0, nul) : s;
                    if (type == 'L') {
                        longName = s;
                    } else {
                        longLink = s;
                    }
                    continue;
                }
                switch (type) {
                    case '1': throw refused("hard link", name);
                    case '3': throw refused("character device", name);
                    case '4': throw refused("block device", name);
                    case '6': throw refused("FIFO", name);
                    default:
                        break;
                }
                boolean kept = type == '0' || type == '\0' || type == '7' || type == '5' || type == '2';
                if (!kept) {
                    skip(in, size); // pax headers, GNU extensions: no data limbo uses
                    continue;
                }
                String path = normalize(name, limits);
                if (type != '5' && size > limits.fileBytes()) {
                    throw new TooLargeException("entry " + printable(name) + " is " + size + " bytes (at most "
                            + limits.fileBytes() + ")");
                }
                memory += ENTRY_OVERHEAD + 2L * path.length() + (type == '2' ? 2L * link.length() : type == '5' ? 0 : size);
                if (memory > limits.memoryBytes()) {
                    throw new TooLargeException("more than " + (limits.memoryBytes() >> 20) + " MiB of entries");
                }
                if (path.isEmpty()) {
                    skip(in, size); // the archive's own root ("./")
                    continue;
                }
                switch (type) {
                    case '5':
                        tree.directory(path);
                        skip(in, size);
                        break;
                    case '2':
                        if (link.length() > limits.nameBytes()) {
                            throw new TooLargeException("a link longer than " + limits.nameBytes() + " bytes");
                        }
                        tree.link(path, link);
                        skip(in, size);
                        break;
                    default:
                        tree.file(path, readData(in, size));
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new CorruptArchiveException("not a gzip archive: " + e.getMessage());
        } catch (EOFException e) {
            throw new CorruptArchiveException("truncated archive");
        }
    }

    private static RefusedEntryException refused(String what, String name) {
        return new RefusedEntryException(what + " entry " + printable(name)
                + " refused (a snapshot holds only files, directories and symlinks)");
    }

    /**
     * An entry name as a path relative to the archive root: no empty or "." parts. Absolute names
     * and ".." are refused; so are names longer or deeper than the limits.
     */
    static String normalize(String name, Limits limits) throws IOException {
        if (name.getBytes(StandardCharsets.UTF_8).length > limits.nameBytes()) {
            throw new TooLargeException("a name longer than " + limits.nameBytes() + " bytes");
        }
        if (name.startsWith("/")) {
            throw new RefusedEntryException("absolute name " + printable(name) + " refused");
        }
        StringBuilder b = new StringBuilder(name.length());
        int depth = 0;
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new RefusedEntryException("name with '..' " + printable(name) + " refused");
            }
            if (++depth > limits.depth()) {
                throw new TooLargeException("a path deeper than " + limits.depth() + " levels");
            }
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(part);
        }
        return b.toString();
    }

    /** A name from an archive as it may be printed: control characters escaped, at most 120 chars. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return "'" + (b.length() < 120 ? b : b + "...") + "'";
    }

    /** Counts what comes out of the decompressor and stops at the limit (a gzip bomb). */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private final long limit;
        private long count;

        BoundedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        private void add(long n) throws TooLargeException {
            count += n;
            if (count > limit) {
                throw new TooLargeException("more than " + (limit >> 20) + " MiB uncompressed");
            }
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                add(1);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read, not skip: skipped bytes are decompressed all the same and must count
            byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }

    private static String name(byte[] h) {
        String name = string(h, 0, 100);
        String prefix = string(h, 345, 155);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static void verifyChecksum(byte[] h) throws CorruptArchiveException {
        long stored = octal(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (stored != sum) {
            throw new CorruptArchiveException("bad tar header checksum");
        }
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new CorruptArchiveException("implausible entry size " + size);
        }
        byte[] data = new byte[(int) size];
        if (!readFully(in, data) && size > 0) {
            throw new EOFException();
        }
        skipExactly(in, pad(size));
        return data;
    }

    /** Skips an entry's data of n bytes and its padding to the next block. */
    private static void skip(InputStream in, long n) throws IOException {
        skipExactly(in, n + pad(n));
    }

    private static void skipExactly(InputStream in, long n) throws IOException {
        long total = n;
        while (total > 0) {
            long s = in.skip(total);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                s = 1;
            }
            total -= s;
        }
    }

    private static long pad(long size) {
        long r = size % BLOCK;
        return r == 0 ? 0 : BLOCK - r;
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int r = in.read(buf, off, buf.length - off);
            if (r < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException();
            }
            off += r;
        }
        return true;
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws CorruptArchiveException {
        String s = string(h, off, len).strip();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new CorruptArchiveException("bad tar header");
        }
    }

    /** Writes entries into a tar.gz. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final long mtime = System.currentTimeMillis() / 1000;

        public Writer(OutputStream raw) throws IOException {
            this.out = new BufferedOutputStream(new GZIPOutputStream(raw, 65536), 65536);
        }

        public void directory(String name) throws IOException {
            header(name.endsWith("/") ? name : name + "/", '5', 0, "", 0700);
        }

        public void file(String name, byte[] data) throws IOException {
            header(name, '0', data.length, "", 0600);
            out.write(data);
            out.write(new byte[(int) pad(data.length)]);
        }

        public void symlink(String name, String target) throws IOException {
            header(name, '2', 0, target, 0777);
        }

        private void header(String name, char type, long size, String link, int mode) throws IOException {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 100) {
                longEntry('L', nameBytes);
            }
            if (linkBytes.length > 100) {
                longEntry('K', linkBytes);
            }
            byte[] h = new byte[BLOCK];
            put(h, 0, 100, nameBytes);
            put(h, 100, 8, octal(mode, 7));
            put(h, 108, 8, octal(0, 7));
            put(h, 116, 8, octal(0, 7));
            put(h, 124, 12, octal(size, 11));
            put(h, 136, 12, octal(mtime, 11));
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            h[156] = (byte) type;
            put(h, 157, 100, linkBytes);
            put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
            put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, 8, (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII));
            out.write(h);
        }

        private void longEntry(char type, byte[] value) throws IOException {
            byte[] data = new byte[value.length + 1];
            System.arraycopy(value, 0, data, 0, value.length);
            header("././@LongLink", type, data.length, "", 0);
            out.write(data);
            out.write(new byte[(int) pad(data.length)]);
        }

        private static byte[] octal(long v, int digits) {
            return (String.format("%0" + digits + "o", v) + "\0").getBytes(StandardCharsets.US_ASCII);
        }

        private static void put(byte[] h, int off, int len, byte[] v) {
            System.arraycopy(v, 0, h, off, Math.min(len, v.length));
        }

        @Override
        public void close() throws IOException {
            out.write(new byte[BLOCK * 2]);
            out.close();
        }
    }
}
