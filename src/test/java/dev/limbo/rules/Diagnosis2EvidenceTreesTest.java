package dev.limbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.model.Observation;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import dev.limbo.model.WaitKind;
import dev.limbo.procfs.Fixtures;
import dev.limbo.procfs.SignalSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 items 4-6 on the saved trees of their own fixtures (native-fixtures/capture-trees):
 * each corrected text is read against the /proc fields it cites, in the tree where they hold
 * (positive) and in one where they do not (negative). The trees were captured on x86_64, so
 * syscall numbers are decoded as such.
 */
class Diagnosis2EvidenceTreesTest {
    private static final RuleOptions X86 = new RuleOptions(10, true);

    private static JsonNode fixture(String tree) throws IOException {
        return CapturedTreesTest.index().get(tree).get("fixture");
    }

    private static Observation tree(String name) {
        return Cases.observe(Fixtures.path("trees/" + name));
    }

    private static List<Finding> about(List<Finding> all, String rule, int pid) {
        return all.stream().filter(f -> f.rule().equals(rule) && f.pid() == pid).toList();
    }

    private static Task task(Observation o, int tid) {
        return o.latest().task(tid);
    }

    // --- item 4: the wait that matters

    @Test
    void aWriterAtTheInodeLockWaitsForTheLockAndItsHolderIsNamed() throws IOException {
        JsonNode fx = fixture("fuse-lock-holder");
        int writer = fx.get("pids").get("writer").asInt(), holder = fx.get("pids").get("holder").asInt();
        Observation o = tree("fuse-lock-holder");
        // the fields: the writer is D with no request of its own (no request_wait_answer), the
        // holder is inside one, both have the same file open (same inode)
        Task w = task(o, writer), h = task(o, holder);
        assertThat(w.state().letter()).isEqualTo('D');
        assertThat(w.detail().stack().has("request_wait_answer")).isFalse();
        assertThat(h.detail().stack().has("request_wait_answer")).isTrue();
        ProcessInfo wp = o.latest().process(writer), hp = o.latest().process(holder);
        assertThat(wp.fds()).anySatisfy(l -> assertThat(l.inode()).isEqualTo(fx.get("ino").asLong()));
        assertThat(hp.fds()).anySatisfy(l -> assertThat(l.inode()).isEqualTo(fx.get("ino").asLong()));

        List<Finding> all = Cases.diagnose(o, X86);
        Finding f = Cases.one(about(all, HungTaskRule.ID, writer), HungTaskRule.ID);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.FILE_LOCK);
        assertThat(f.title()).contains("inode lock", holder + " (");
        assertThat(f.causes()).anySatisfy(c -> assertThat(c).contains("inode lock", "no request of its own"));
        assertThat(f.causes()).noneSatisfy(c -> assertThat(c).contains("FUSE request the daemon has not answered ("
                + "fuse_file_write_iter"));
        assertThat(String.join("\n", f.causes())).doesNotContain("has already read the request");
        Blocker b = f.blocker();
        assertThat(b).isNotNull();
        assertThat(b.kind()).isEqualTo("lock-holder");
        assertThat(b.pid()).isEqualTo(holder);
        assertThat(b.tid()).isEqualTo(holder);
        assertThat(b.detail()).contains(fx.get("file").asText(), "ino " + fx.get("ino").asInt(), "request_wait_answer",
                "S (sleeping)");
        assertThat(b.evidence()).extracting(Evidence::line).contains("ino:\t" + fx.get("ino").asInt(), fx.get("file").asText());
        assertThat(b.evidence()).extracting(Evidence::path).anyMatch(p -> p.endsWith("/" + holder + "/stack"));
        // the holder is in S: its own wait is told as the interruptible phase, not "read by the daemon"
        assertThat(String.join("\n", f.causes())).contains("still in the interruptible phase of request_wait_answer()");
        // nothing about the holder itself carries a blocker
        assertThat(all).filteredOn(x -> x.pid() == holder).allSatisfy(x -> assertThat(x.blocker()).isNull());
    }

    @Test
    void aThreadInsideItsOwnFuseRequestHasNoLockHolder() {
        // negative: fuse-stuck --mode read, SIGKILL pending: the D thread is in its own request
        Observation o = tree("fuse-read");
        List<Finding> all = Cases.diagnose(o, X86);
        Finding z = Cases.one(all, ZombieLeaderStuckThreadRule.ID);
        assertThat(z.waitsOn().kind()).isEqualTo(WaitKind.FUSE);
        assertThat(z.blocker()).isNull();
        assertThat(String.join("\n", z.causes())).contains("past the interruptible phase of request_wait_answer()")
                .doesNotContain("inode lock");
    }

    // --- item 5: explanations follow the evidence

    @Test
    void aParentInDWithAHandlerIsNotBlamedForIt() throws IOException {
        JsonNode fx = fixture("parent-d-sigchld");
        int parent = fx.get("pids").get("parent").asInt(), zombie = fx.get("pids").get("zombie").asInt();
        Observation o = tree("parent-d-sigchld");
        Task pl = task(o, parent);
        // the fields cited: D, SIGCHLD caught (SigCgt) and pending for the group (ShdPnd)
        assertThat(pl.state().letter()).isEqualTo('D');
        assertThat(pl.status().sigCgt().contains(SignalSet.SIGCHLD)).isTrue();
        assertThat(pl.status().shdPnd().contains(SignalSet.SIGCHLD)).isTrue();
        Finding f = Cases.one(about(Cases.diagnose(o, X86), UnreapedZombieRule.ID, zombie), UnreapedZombieRule.ID);
        String all = Cases.all(f);
        assertThat(all).contains("a handler runs only on the return to user space", "SIGCHLD is pending (ShdPnd)",
                "The handler is not at fault");
        assertThat(all).doesNotContain("its handler does not reap", "but its handler did not reap");
        assertThat(Cases.evidenceLines(f)).contains("ShdPnd:\t0000000000010000", "SigCgt:\t0000000000010000");
        assertThat(f.remedies().get(0).action()).contains("Release the parent", parent + " (");
        assertThat(f.remedies()).noneSatisfy(r -> assertThat(r.action()).startsWith("Fix the parent"));
        assertThat(f.releasedWhen()).contains("SIGCHLD handler");
    }

    @Test
    void aParentStoppedInWait4IsOfferedSigcont() throws IOException {
        JsonNode fx = fixture("parent-stopped-wait");
        int parent = fx.get("pids").get("parent").asInt(), zombie = fx.get("pids").get("zombie").asInt();
        Observation o = tree("parent-stopped-wait");
        Task pl = task(o, parent);
        // the fields cited: T, and the syscall file still in wait4 (61 on x86_64) for this child
        assertThat(pl.state().letter()).isEqualTo('T');
        assertThat(pl.detail().syscall().number()).isEqualTo(61);
        assertThat(Long.parseLong(pl.detail().syscall().args().get(0).substring(2), 16)).isEqualTo(zombie);
        Finding f = Cases.one(about(Cases.diagnose(o, X86), UnreapedZombieRule.ID, zombie), UnreapedZombieRule.ID);
        String all = Cases.all(f);
        assertThat(all).contains("inside wait4()", "SIGCONT resumes it");
        assertThat(all).doesNotContain("must call wait() itself, and it does not");
        assertThat(f.remedies().get(0).action()).isEqualTo("kill -CONT " + parent + ": the parent resumes its wait, which reaps "
                + zombie + ".");
        assertThat(f.releasedWhen()).contains("SIGCONT");
    }

    @Test
    void aParentThatJustNeverWaitsKeepsTheOldAdvice() throws IOException {
        // negative for both: unreaped-zombie's parent sleeps in pause() with SIGCHLD at its default
        JsonNode fx = fixture("unreaped-zombie");
        int zombie = fx.get("pids").get("zombie").asInt();
        Observation o = tree("unreaped-zombie");
        Task pl = task(o, fx.get("pids").get("parent").asInt());
        assertThat(pl.state().letter()).isEqualTo('S');
        assertThat(pl.status().sigCgt().contains(SignalSet.SIGCHLD)).isFalse();
        Finding f = Cases.one(about(Cases.diagnose(o, X86), UnreapedZombieRule.ID, zombie), UnreapedZombieRule.ID);
        String all = Cases.all(f);
        assertThat(all).contains("must call wait() itself, and it does not").doesNotContain("kill -CONT", "handler runs only");
        assertThat(f.remedies().get(0).action()).startsWith("Fix the parent");
        assertThat(f.remedies()).noneSatisfy(r -> assertThat(r.action()).contains("Reboot"));
    }

    @Test
    void rebootIsAlwaysTheLastRemedy() {
        for (String tree : List.of("fuse-read", "fuse-flush", "fuse-writeback", "hung-d", "fuse-lock-holder", "mmap-lock-leader-exits")) {
            for (Finding f : Cases.diagnose(tree(tree), X86)) {
                for (int i = 0; i < f.remedies().size() - 1; i++) {
                    assertThat(f.remedies().get(i).action()).as("%s %s remedy %d", tree, f.rule(), i + 1)
                            .doesNotStartWith("Reboot the host");
                }
            }
        }
    }

    @Test
    void sigstopFromPtraceAttachIsNamedOnlyWhenSigPndShowsIt() {
        // the founding seed: SigPnd 0x40000 (SIGSTOP) -> named; cases/traced-sleeping has none
        Finding seed = Cases.one(Cases.diagnose("seed/proc"), TracedZombieRule.ID);
        assertThat(Cases.evidenceLines(seed)).contains("SigPnd:\t0000000000040000");
        assertThat(Cases.all(seed)).contains("a PTRACE_ATTACH queued it privately");
        for (Finding f : Cases.diagnose("traced-sleeping")) {
            if (f.rule().equals(TracedZombieRule.ID)) {
                assertThat(Cases.all(f)).doesNotContain("PTRACE_ATTACH queued it");
            }
        }
    }

    // --- item 6: say when ps will hang

    @Test
    void aZombieLeadersLiveThreadIsProbedAndHolderAndWriterAreNamed() throws IOException {
        JsonNode fx = fixture("mmap-lock-leader-exits");
        int victim = fx.get("pids").get("victim").asInt(), stuck = fx.get("tids").get("stuck").asInt();
        int writer = fx.get("pids").get("writer").asInt();
        Observation o = tree("mmap-lock-leader-exits");
        assertThat(o.latest().process(victim).leader().state().isZombie()).isTrue();
        Finding f = Cases.one(about(Cases.diagnose(o, X86), ProcReadBlockedRule.ID, victim), ProcReadBlockedRule.ID);
        assertProcReadBlocked(f, victim, stuck, writer);
        // the read that blocked was a live thread's cmdline, not the zombie leader's own
        assertThat(f.evidence()).extracting(Evidence::path).anyMatch(p -> p.endsWith("/" + victim + "/task/" + stuck + "/cmdline"));
        assertThat(f.title()).contains("task/" + stuck + "/cmdline");
        assertThat(Cases.all(f)).contains("its own /proc/" + victim + "/cmdline answers at once");
    }

    @Test
    void withoutARecordedTimeoutTheStacksStillSayPsWouldHang() throws IOException {
        JsonNode fx = fixture("mmap-lock-leader-exits");
        int victim = fx.get("pids").get("victim").asInt(), stuck = fx.get("tids").get("stuck").asInt();
        int writer = fx.get("pids").get("writer").asInt();
        Observation o = tree("mmap-lock-leader-exits");
        List<Sample> none = new ArrayList<>();
        for (Sample s : o.samples()) {
            none.add(new Sample(s.index(), s.monotonicNanos(), s.host(), s.processes(), s.tasks(), List.of(), s.complete()));
        }
        Finding f = Cases.one(about(Cases.diagnose(new Observation(none), X86), ProcReadBlockedRule.ID, victim),
                ProcReadBlockedRule.ID);
        assertThat(f.title()).contains("would block");
        assertProcReadBlocked(f, victim, stuck, writer);
    }

    @Test
    void noHolderNoWriterNoProcReadBlocked() {
        // negative: a zombie leader whose live threads sleep normally (pthread-exit)
        assertThat(Cases.diagnose(tree("pthread-exit"), X86)).extracting(Finding::rule).doesNotContain(ProcReadBlockedRule.ID);
    }

    private static void assertProcReadBlocked(Finding f, int victim, int stuck, int writer) {
        assertThat(f.tids()).contains(stuck);
        assertThat(f.blocker()).isNotNull();
        assertThat(f.blocker().kind()).isEqualTo("lock-holder");
        assertThat(f.blocker().tid()).isEqualTo(stuck);
        String all = Cases.all(f);
        assertThat(all).contains("Thread " + stuck + " (", "holds the mmap lock for reading", writer + " (",
                "clear_refs_write", "ps, top", "pgrep", "systemd-cgls");
        assertThat(Cases.evidenceLines(f)).anyMatch(l -> l.contains("filemap_fault") || l.contains("handle_mm_fault"));
        assertThat(Cases.evidenceLines(f)).anyMatch(l -> l.matches("/proc/" + victim + "(/task/\\d+)?/clear_refs"));
        assertThat(f.remedies()).anySatisfy(r -> assertThat(r.action()).contains("kill the queued writer " + writer));
    }
}
