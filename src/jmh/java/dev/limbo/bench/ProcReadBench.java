package dev.limbo.bench;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one read of a small /proc file and of one directory listing, by Java API: which
 * way of reading a task's {@code stat} is cheapest on the scan's hot path. Reads this JVM's own
 * files ({@code /proc/self/...}), so it needs no fixture.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ProcReadBench {
    private String statPath;
    private Path statNio;
    private final byte[] buf = new byte[1024];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(1024);
    private final ByteBuffer heap = ByteBuffer.allocate(1024);

    @Setup
    public void setup() {
        long pid = ProcessHandle.current().pid();
        statPath = "/proc/" + pid + "/task/" + pid + "/stat";
        statNio = Path.of(statPath);
    }

    @Benchmark
    public int statFileInputStreamReusedBuffer() throws IOException {
        try (FileInputStream in = new FileInputStream(statPath)) {
            return in.read(buf);
        }
    }

    @Benchmark
    public int statRandomAccessFileReusedBuffer() throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(statPath, "r")) {
            return in.read(buf);
        }
    }

    @Benchmark
    public int statFileChannelDirectBuffer() throws IOException {
        direct.clear();
        try (FileChannel ch = FileChannel.open(statNio, StandardOpenOption.READ)) {
            return ch.read(direct);
        }
    }

    @Benchmark
    public int statFileChannelHeapBuffer() throws IOException {
        heap.clear();
        try (FileChannel ch = FileChannel.open(statNio, StandardOpenOption.READ)) {
            return ch.read(heap);
        }
    }

    @Benchmark
    public int statFilesReadAllBytes() throws IOException {
        return Files.readAllBytes(statNio).length;
    }

    @Benchmark
    public int statFilesReadString() throws IOException {
        return Files.readString(statNio).length();
    }

    @Benchmark
    public int listProcFileList() {
        String[] names = new File("/proc").list();
        return names == null ? 0 : names.length;
    }

    @Benchmark
    public int listProcDirectoryStream() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : ds) {
                if (p.getFileName().toString().charAt(0) <= '9') {
                    n++;
                }
            }
        }
        return n;
    }
}
