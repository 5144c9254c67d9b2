package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Random, truncated and garbage input: every parser returns a value, null or an empty result,
 * and never throws (that is their documented contract: absent evidence, not an error).
 */
class ParserPropertiesTest {

    /** Every parser at once; throws only if one of them does. */
    static void parseAll(String text) {
        StatParser.parse(text);
        TaskStatus st = StatusParser.parse(text);
        if (st != null) {
            st.contextSwitches();
            st.nsLevels();
        }
        StackParser.parse(text);
        SyscallInfo sc = SyscallParser.parse(text);
        if (sc != null) {
            sc.x86_64Name();
        }
        WchanParser.parse(text);
        CommParser.parse(text);
        CgroupParser.parse(text);
        MountInfoParser.parse(text);
        FdInfoParser.mountId(text);
        HostFactsParser.uptime(text);
        HostFactsParser.integer(text);
        HostFactsParser.statField(text, "btime");
        HostFactsParser.firstLine(text);
        SignalSet.parse(text);
        dev.limbo.cli.DurationConverter.parseMillis(text);
    }

    @Property(tries = 200)
    void anyStringNeverThrows(@ForAll String text) {
        assertThatCode(() -> parseAll(text)).doesNotThrowAnyException();
    }

    @Property(tries = 200)
    void procLikeGarbageNeverThrows(@ForAll("procish") String text) {
        assertThatCode(() -> parseAll(text)).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<String> procish() {
        return Arbitraries.strings().withChars("0123456789abcdefx()[]<>:+/-_ \t\nDSZRIT#\\")
                .ofMaxLength(300);
    }

    /** Every real and hand-made file, cut at every length. */
    @Example
    void everyPrefixOfEverySavedFileNeverThrows() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Stream.concat(Files.walk(Fixtures.path("procfs")), Files.walk(Fixtures.path("cases/seed")))) {
            files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        }
        assertThat(files).hasSizeGreaterThan(50);
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.ISO_8859_1);
            int step = Math.max(1, text.length() / 60);
            for (int n = 0; n <= text.length(); n += step) {
                String prefix = text.substring(0, n);
                assertThatCode(() -> parseAll(prefix)).as("%s cut at %d", f, n).doesNotThrowAnyException();
            }
        }
    }

    @Example
    void truncatedStatIsNullOrConsistent() {
        String line = Fixtures.real("comm-nested", "stat");
        for (int cut = 0; cut <= line.length(); cut++) {
            String prefix = line.substring(0, cut);
            TaskStat s = StatParser.parse(prefix);
            if (s != null) {
                assertThat(s.pid()).isEqualTo(19521);
                // the comm is whatever lies between the first '(' and the last ')' of what was read
                assertThat(prefix).contains("(" + s.comm() + ")");
            }
        }
    }

    @Provide
    Arbitrary<String> comms() {
        // Any byte but NUL may be in a comm (PR_SET_NAME); 15 bytes, 63 for kernel threads on new kernels.
        return Arbitraries.strings().withChars(" ()[]){}(xyzABC019-_/.:\t\n\r\\'\"é")
                .ofMinLength(0).ofMaxLength(63);
    }

    @Property(tries = 200)
    void statCommRoundTrips(@ForAll("comms") String comm,
                            @ForAll @IntRange(min = 1, max = 4194304) int pid,
                            @ForAll @IntRange(min = 0, max = 4194304) int ppid,
                            @ForAll("states") char state) {
        String line = pid + " (" + comm + ") " + state + " " + ppid
                + " 18182 3757 0 -1 4194304 49 0 0 0 24 0 0 0 20 0 1 0 91893 2400256 216 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 1 2 3 4 5 6 7 0\n";
        TaskStat s = StatParser.parse(line);
        assertThat(s).isNotNull();
        assertThat(s.pid()).isEqualTo(pid);
        assertThat(s.comm()).isEqualTo(comm);
        assertThat(s.state()).isEqualTo(TaskState.of(state));
        assertThat(s.ppid()).isEqualTo(ppid);
        assertThat(s.startTimeTicks()).isEqualTo(91893);
        assertThat(s.exitSignal()).isEqualTo(17);
    }

    @Provide
    Arbitrary<Character> states() {
        return Arbitraries.of('R', 'S', 'D', 'T', 't', 'X', 'x', 'Z', 'P', 'I', 'K', 'W');
    }

    @Property(tries = 100)
    void signalMaskRoundTrips(@ForAll long low, @ForAll long high, @ForAll boolean mips) {
        long hi = mips ? high : 0;
        String hex = (mips ? String.format("%016x", hi) : "") + String.format("%016x", low);
        SignalSet s = SignalSet.parse(hex);
        assertThat(s.low()).isEqualTo(low);
        assertThat(s.high()).isEqualTo(hi);
        for (int sig = 1; sig <= 128; sig++) {
            long word = sig <= 64 ? low : hi;
            boolean bit = ((word >>> ((sig - 1) % 64)) & 1) != 0;
            assertThat(s.contains(sig)).as("signal %d of %s", sig, hex).isEqualTo(bit);
        }
        assertThat(s.signals()).hasSize(Long.bitCount(low) + Long.bitCount(hi));
    }

    @Property(tries = 100)
    void stackFramesRoundTrip(@ForAll("symbols") String fn, @ForAll @LongRange(min = 0, max = 0xffff) long off,
                              @ForAll @LongRange(min = 1, max = 0xffff) long size, @ForAll boolean oldForm,
                              @ForAll boolean withModule) {
        String addr = oldForm ? "ffffffff8168a8e9" : "0";
        String line = "[<" + addr + ">] " + fn + "+0x" + Long.toHexString(off) + "/0x" + Long.toHexString(size)
                + (withModule ? " [vhost_net]" : "");
        String sentinel = oldForm ? "[<ffffffffffffffff>] 0xffffffffffffffff" : "[<0>] 0xffffffffffffffff";
        KernelStack st = StackParser.parse(line + "\n" + sentinel + "\n");
        assertThat(st.frames()).hasSize(1);
        StackFrame f = st.frames().get(0);
        assertThat(f.function()).isEqualTo(fn);
        assertThat(f.offset()).isEqualTo(off);
        assertThat(f.size()).isEqualTo(size);
        assertThat(f.module()).isEqualTo(withModule ? "vhost_net" : null);
        assertThat(f.address()).isEqualTo(addr);
        assertThat(f.line()).isEqualTo(line);
    }

    @Provide
    Arbitrary<String> symbols() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_0123456789.").ofMinLength(1).ofMaxLength(40)
                .filter(s -> !s.startsWith("0x"));
    }

    @Property(tries = 100)
    void statusKeepsEveryLineVerbatim(@ForAll @StringLength(max = 40) @net.jqwik.api.constraints.AlphaChars String value) {
        String text = "Name:\t" + value + "\nState:\tD (disk sleep)\nTracerPid:\t0\n";
        TaskStatus s = StatusParser.parse(text);
        assertThat(s.line("Name")).isEqualTo("Name:\t" + value);
        assertThat(s.line("State")).isEqualTo("State:\tD (disk sleep)");
        assertThat(s.state()).isEqualTo(TaskState.DISK_SLEEP);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
