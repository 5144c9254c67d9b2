package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of every /proc parser, for a time budget ({@link FuzzBudget}): real files of each kind
 * (src/test/resources: procfs/, cases/, trees/), mutated at random (cut, bytes replaced by any
 * character including control characters and non-ASCII, ranges deleted, inserted or repeated).
 * A parser returns a value, null or an empty result; it never throws.
 */
class ParserFuzzTest {
    /** Every saved file by its name (stat, status, stack, ...), read once. */
    static final Map<String, List<String>> SAMPLES = load();

    static Map<String, List<String>> load() {
        Map<String, List<String>> out = new TreeMap<>();
        for (String dir : new String[] {"procfs", "cases", "trees"}) {
            try (Stream<Path> s = Files.walk(Fixtures.path(dir))) {
                for (Path p : s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                    String name = p.getFileName().toString();
                    if (Files.size(p) < 64 * 1024 && !name.contains(".")) {
                        out.computeIfAbsent(name, k -> new ArrayList<>()).add(Files.readString(p, StandardCharsets.ISO_8859_1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static final String ALPHABET = "0123456789abcdefxABCDEF ()[]<>:+/-_\t\n\r\u0000\u0007\u001b\u007f\u00e9\u4e2d\ud83d\ude00 DSZRITtXx#\\%";

    /** A real file of one of these kinds, mutated 0 to 6 times, chosen by the seed. */
    static String mutated(long seed, String... kinds) {
        Random r = new Random(seed);
        List<String> pool = new ArrayList<>();
        for (String k : kinds) {
            pool.addAll(SAMPLES.getOrDefault(k, List.of()));
        }
        if (pool.isEmpty()) {
            throw new IllegalStateException("no saved " + String.join("/", kinds) + " files");
        }
        StringBuilder s = new StringBuilder(pool.get(r.nextInt(pool.size())));
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
            int at = s.length() == 0 ? 0 : r.nextInt(s.length() + 1);
            switch (r.nextInt(5)) {
                case 0 -> s.setLength(at);
                case 1 -> {
                    if (at < s.length()) {
                        s.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    }
                }
                case 2 -> s.delete(at, Math.min(s.length(), at + r.nextInt(40)));
                case 3 -> {
                    StringBuilder ins = new StringBuilder();
                    for (int k = r.nextInt(20); k > 0; k--) {
                        ins.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    }
                    s.insert(at, ins);
                }
                default -> {
                    int end = Math.min(s.length(), at + r.nextInt(200));
                    s.insert(at, s.substring(at, end).repeat(1 + r.nextInt(3)));
                }
            }
        }
        return s.toString();
    }

    static void neverThrows(long seed, Consumer<String> parser, String... kinds) {
        String text = mutated(seed, kinds);
        assertThatCode(() -> parser.accept(text)).as("seed %d: %s", seed, text).doesNotThrowAnyException();
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void stat(@ForAll long seed) {
        neverThrows(seed, t -> {
            TaskStat s = StatParser.parse(t);
            if (s != null) {
                s.comm();
                s.state();
            }
        }, "stat");
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void status(@ForAll long seed) {
        neverThrows(seed, t -> {
            TaskStatus s = StatusParser.parse(t);
            if (s != null) {
                s.contextSwitches();
                s.nsLevels();
                s.line("State");
            }
        }, "status");
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void stack(@ForAll long seed) {
        neverThrows(seed, StackParser::parse, "stack");
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void smallFiles(@ForAll long seed) {
        neverThrows(seed, t -> {
            SyscallInfo sc = SyscallParser.parse(t);
            if (sc != null) {
                sc.x86_64Name();
            }
            WchanParser.parse(t);
            CommParser.parse(t);
            FdInfoParser.mountId(t);
        }, "syscall", "wchan", "comm", "fdinfo");
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void cgroupAndMountinfo(@ForAll long seed) {
        neverThrows(seed, t -> {
            CgroupParser.parse(t);
            MountInfoParser.parse(t);
        }, "cgroup", "mountinfo");
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void hostFactsAndMasks(@ForAll long seed) {
        neverThrows(seed, t -> {
            HostFactsParser.uptime(t);
            HostFactsParser.integer(t);
            HostFactsParser.statField(t, "btime");
            HostFactsParser.statField(t, "procs_blocked");
            HostFactsParser.firstLine(t);
            SignalSet.parse(t);
            String line = t.lines().findFirst().orElse("");
            SignalSet.parse(line.substring(line.indexOf(':') + 1));
        }, "uptime", "loadavg", "stat", "hung_task_timeout_secs", "pid_max", "status");
    }
}
