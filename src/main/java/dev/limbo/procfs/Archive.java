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
 * (fd links), ustar headers with GNU long names. Extraction refuses paths that escape the target.
 */
public final class Archive {
    private static final int BLOCK = 512;

    private Archive() {
    }

    /** Thrown for an archive that is not a readable tar.gz. */
    public static final class CorruptArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptArchiveException(String message) {
            super(message);
        }
    }

    public static void extract(Path archive, Path target) throws IOException {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 65536))) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            String longLink = null;
            while (true) {
                if (!readFully(in, header)) {
                    return;
                }
                if (isZero(header)) {
                    return;
                }
                verifyChecksum(header);
                String name = longName != null ? longName : name(header);
                String link = longLink != null ? longLink : string(header, 157, 100);
                longName = null;
                longLink = null;
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                if (type == 'L' || type == 'K') {
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
                Path dest = target.resolve(name).normalize();
                if (!dest.startsWith(target.normalize())) {
                    throw new CorruptArchiveException("entry escapes the archive root: " + name);
                }
                switch (type) {
                    case '5':
                        Files.createDirectories(dest);
                        skip(in, size);
                        break;
                    case '2':
                        Files.createDirectories(dest.getParent());
                        Files.deleteIfExists(dest);
                        Files.createSymbolicLink(dest, Path.of(link));
                        skip(in, size);
                        break;
                    case '0':
                    case '\0':
                        Files.createDirectories(dest.getParent());
                        Files.write(dest, readData(in, size));
                        break;
                    default:
                        skip(in, size);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new CorruptArchiveException("not a gzip archive: " + e.getMessage());
        } catch (EOFException e) {
            throw new CorruptArchiveException("truncated archive");
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
        if (size < 0 || size > 64L << 20) {
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
