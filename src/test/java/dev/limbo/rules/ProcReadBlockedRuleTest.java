package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.model.Observation;
import dev.limbo.model.Sample;
import dev.limbo.procfs.BlockedRead;
import dev.limbo.procfs.Fixtures;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ProcReadBlockedRuleTest {
    private static final String ID = ProcReadBlockedRule.ID;

    private static Sample withBlocked(Sample s, List<BlockedRead> blocked) {
        return new Sample(s.index(), s.monotonicNanos(), s.host(), s.processes(), s.tasks(), blocked, s.complete());
    }

    @Test
    void blockedCmdlineOfAProcessWithAStuckThread() {
        Sample s = Cases.observe("leader-stuck-fuse").latest();
        String path = "/x/proc/5000/cmdline";
        Observation obs = new Observation(List.of(withBlocked(s, List.of(new BlockedRead(5000, 5000, path, 750)))));
        List<Finding> findings = Cases.diagnose(obs, RuleOptions.DEFAULTS);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.pid()).isEqualTo(5000);
        assertThat(f.tids()).containsExactly(5001);
        assertThat(f.title()).contains("cmdline", "5000 (fuse-victim)", "750 ms");
        assertThat(f.evidence().get(0).path()).isEqualTo(path);
        assertThat(f.evidence().get(0).line()).contains("750 ms");
        assertThat(all(f)).contains("mmap", "ps");
        assertThat(only(findings, ZombieLeaderStuckThreadRule.ID)).hasSize(1);
    }

    @Test
    void oneFindingPerPathAcrossSamplesAndUnknownPidsAreFine() {
        Sample s = Cases.observe("unreaped").latest();
        BlockedRead a = new BlockedRead(4242, 4242, "/x/4242/cmdline", 600);
        BlockedRead b = new BlockedRead(4242, 4242, "/x/4242/cmdline", 1100);
        Observation obs = new Observation(List.of(withBlocked(s, List.of(a)), withBlocked(s, List.of(b))));
        List<Finding> found = only(Cases.diagnose(obs, RuleOptions.DEFAULTS), ID);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).pid()).isEqualTo(4242);
        assertThat(found.get(0).tids()).isEmpty();
        assertThat(found.get(0).title()).contains("4242");
    }

    @Test
    void silentWithoutBlockedReads() {
        for (String c : new String[] {"seed/proc", "leader-stuck-fuse", "unreaped", "hung-stuck"}) {
            assertThat(only(diagnose(c), ID)).as(c).isEmpty();
        }
    }

    /**
     * A saved tree is data: the zombie's cmdline there is a FIFO without a writer, which open()
     * would block on forever. It is never opened (its type is checked first): the read is absent
     * evidence, nothing blocks, nothing is reported as blocked, and the zombie is still found.
     * (Reads that do block are the live /proc's: NeverHangLiveTest.)
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // open() of a FIFO ignores interrupts
    void aFifoInASavedTreeIsNeverOpened(@TempDir Path dir) throws Exception {
        copy(Fixtures.caseRoot("unreaped"), dir);
        Path fifo = dir.resolve("19519/cmdline");
        Files.deleteIfExists(fifo);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(5, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
        try {
            long t0 = System.nanoTime();
            Observation obs = ProcSource.open(dir.toString()).observe(new ReadPool(2, 300), 1, 0, Set.of());
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
            assertThat(obs.latest().blockedReads()).isEmpty();
            assertThat(obs.latest().processes().get(19519).cmdline().absence()).isEqualTo(dev.limbo.procfs.Read.Absence.ERROR);
            List<Finding> findings = Cases.diagnose(obs, RuleOptions.DEFAULTS);
            assertThat(only(findings, ID)).isEmpty();
            assertThat(only(findings, UnreapedZombieRule.ID)).hasSize(1);
        } finally {
            // had it been opened, a reader would still wait: a writer that opens and closes ends it
            try (RandomAccessFile w = new RandomAccessFile(fifo.toFile(), "rw")) {
                w.getFD();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(from)) {
            s.forEach(all::add);
        }
        for (Path p : all) {
            Path d = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(d);
            } else {
                Files.copy(p, d);
            }
        }
    }
}
