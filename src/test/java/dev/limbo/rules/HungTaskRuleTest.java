package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.diagnose;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static dev.limbo.rules.Cases.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.model.WaitKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class HungTaskRuleTest {
    private static final String ID = HungTaskRule.ID;

    @Test
    void blockIoStuckAcrossThreeSamples() {
        List<Finding> findings = diagnose("hung-stuck");
        assertThat(findings).hasSize(1);
        Finding f = one(findings, ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(6000);
        assertThat(f.tids()).containsExactly(6000);
        assertThat(f.progress()).isEqualTo("stuck");
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.BLOCK_IO);
        assertThat(f.evidence()).anySatisfy(e -> {
            assertThat(e.path()).contains("/samples/2/").endsWith("/6000/task/6000/stack");
            assertThat(e.line()).isEqualTo("[<0>] folio_wait_bit_common+0x13d/0x350");
        });
        assertThat(evidenceLines(f)).contains("State:\tD (disk sleep)", "voluntary_ctxt_switches:\t300");
        assertThat(all(f)).contains("did not change across 3 samples over 1.0 s", "khungtaskd", "120 s here");
    }

    @Test
    void seenInOneSampleOnlyIsAWarningThatSaysSo() {
        Finding f = one(diagnose("io-single-sample"), ID);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.progress()).isEqualTo("unknown");
        assertThat(all(f)).contains("One sample only", "ordinary I/O");
    }

    @Test
    void silentOnProgressingIo() {
        assertThat(diagnose("hung-progressing")).isEmpty();
    }

    @Test
    void silentOnIoSeenOnceThenDone() {
        assertThat(diagnose("io-seen-once")).isEmpty();
    }

    @Test
    void uninterruptibleMutexInADriver() {
        Finding f = one(diagnose("mutex-stuck"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.DRIVER_MODULE);
        assertThat(f.waitsOn().module()).isEqualTo("mydrv");
        // mutex_lock() shows in this stack: a plain mutex, not killable
        assertThat(f.waitsOn().killable()).isFalse();
    }

    @Test
    void kernel310NfsWithOldStackFormat() {
        Finding f = one(diagnose("kernel-3.10-nfs-stuck"), ID);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.pid()).isEqualTo(2143);
        assertThat(f.waitsOn().kind()).isEqualTo(WaitKind.NFS);
        assertThat(evidenceLines(f)).contains("[<ffffffffa0318d84>] rpc_wait_bit_uninterruptible+0x24/0xb0 [sunrpc]")
                .doesNotContain("[<ffffffffffffffff>] 0xffffffffffffffff");
    }

    @Test
    void stuckKernelThreadsAreReported() {
        List<Finding> findings = only(diagnose("kthreads-stuck"), ID);
        assertThat(findings).extracting(Finding::pid).containsExactly(140, 301);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(all(f)).contains("kernel thread");
        });
        assertThat(findings.get(1).waitsOn().kind()).isEqualTo(WaitKind.JOURNAL);
    }

    @Test
    void silentOnBusyKernelThreadsInDAndIdleOnesInI() {
        assertThat(diagnose("kthreads-busy")).isEmpty();
        assertThat(diagnose("kthreads-idle")).isEmpty();
    }

    @Test
    void silentOnKillableWaits() {
        assertThat(only(diagnose("vfork-5.15"), ID)).isEmpty();
        assertThat(only(diagnose("nfs-killable"), ID)).isEmpty();
    }

    /**
     * Regression (was a bug in src/main, fixed on main) (WaitClassifier.kindOf): on 6.x kernels wait_for_vfork_done() is inlined into
     * kernel_clone(), so a real vfork parent (captured here on 6.18) shows the stack
     * kernel_clone / __do_sys_vfork and wchan kernel_clone, no wait_for_vfork_done frame. It was then
     * classified UNKNOWN and reported as a CRITICAL hung task, a false alarm on every host running
     * make, posix_spawn or a shell's vfork. Fixed on main: kernel_clone counts as the vfork wait only when it is the innermost frame.
     */
    @Test
    void bugRealVforkParentOnKernel618IsNotAHungTask() {
        assertThat(only(diagnose("vfork"), ID)).isEmpty();
    }

    @Test
    void reportedWhereverItsDefinitionHoldsAsPartOfTheSameStory() {
        // SPEC "Findings are facts": threads of a zombie group and exiting tasks count, as
        // khungtaskd counts them; the other rule's finding leads the story
        for (String name : List.of("seed/proc", "leader-stuck-fuse-stuck", "exit-stuck")) {
            List<Finding> findings = diagnose(name);
            Finding hung = one(findings, ID);
            List<Finding> story = findings.stream().filter(f -> hung.story().equals(f.story())).toList();
            assertThat(story).as(name).hasSizeGreaterThan(1);
            assertThat(Stories.group(story).get(0).get(0).rule()).as(name).isNotEqualTo(ID);
        }
    }

    /** A copy of a case whose every sample's sys/kernel/hung_task_timeout_secs reads {@code value} (null: absent). */
    private static java.nio.file.Path withTimeout(java.nio.file.Path dir, String name, String value) throws java.io.IOException {
        return copy(dir, name, value, s -> s);
    }

    /** A copy of a case with its timeout set (see above) and every stack file rewritten. */
    private static java.nio.file.Path copy(java.nio.file.Path dir, String name, String value,
            java.util.function.UnaryOperator<String> stacks) throws java.io.IOException {
        java.nio.file.Path src = dev.limbo.procfs.Fixtures.caseRoot(name);
        java.nio.file.Path dst = dir.resolve(name);
        try (var files = java.nio.file.Files.walk(src)) {
            for (java.nio.file.Path p : files.toList()) {
                java.nio.file.Path q = dst.resolve(src.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(q);
                } else if (p.getFileName().toString().equals("stack") || p.getFileName().toString().equals("wchan")) {
                    java.nio.file.Files.writeString(q, stacks.apply(java.nio.file.Files.readString(p)));
                } else if (!p.getFileName().toString().equals("hung_task_timeout_secs")) {
                    java.nio.file.Files.copy(p, q);
                } else if (value != null) {
                    java.nio.file.Files.writeString(q, value + "\n");
                }
            }
        }
        return dst;
    }

    /** explanations-review item 4: "(120 s here)" only when the file was read and is not 0; 0 disables. */
    @Test
    void theTimeoutIsQuotedOnlyWhenReadAndNonZero(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String set = all(one(diagnose(Cases.observe(withTimeout(dir.resolve("a"), "hung-stuck", "240")), RuleOptions.DEFAULTS), ID));
        assertThat(set).contains("(240 s here)", "hung_task_warnings reaches 0").doesNotContain("120 s");
        String off = all(one(diagnose(Cases.observe(withTimeout(dir.resolve("b"), "hung-stuck", "0")), RuleOptions.DEFAULTS), ID));
        assertThat(off).contains("hung_task_timeout_secs is 0 here", "0 disables").doesNotContain("s here)");
        String absent = all(one(diagnose(Cases.observe(withTimeout(dir.resolve("c"), "hung-stuck", null)), RuleOptions.DEFAULTS), ID));
        assertThat(absent).contains("hung_task_timeout_secs was not read here").doesNotContain("s here)");
    }

    /**
     * explanations-review item 1: "ignores every signal, including SIGKILL" and "does not help:
     * kill -9" only when the kernel's table or the evidence says the wait is uninterruptible;
     * otherwise the text says /proc cannot tell.
     */
    @Test
    void ignoresSigkillOnlyWhenTheWaitIsKnownUninterruptible(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // folio_wait_bit_common on top, SigPnd empty: the table decides (uninterruptible)
        Finding folio = one(diagnose("hung-stuck"), ID);
        assertThat(evidenceLines(folio)).contains("SigPnd:\t0000000000000000");
        assertThat(folio.causes().get(0)).contains("ignores every signal, including SIGKILL");
        assertThat(folio.doesNotHelp()).anySatisfy(d -> assertThat(d).startsWith("kill -9"));
        assertThat(folio.waitsOn().killable()).isFalse();
        // mutex_lock() shows in this (handmade) stack: uninterruptible
        Finding shown = one(diagnose("mutex-stuck"), ID);
        assertThat(shown.causes().get(0)).contains("ignores every signal, including SIGKILL");
        // as a real kernel prints it (mutex_lock and its slow path are __sched, hidden), with no
        // SIGKILL pending: nothing decides
        java.nio.file.Path hidden = copy(dir, "mutex-stuck", "120",
                st -> st.contains("[<") ? st.lines().filter(l -> !l.contains("mutex_lock")).map(l -> l + "\n").reduce("", String::concat)
                        : st.contains("mutex_lock") ? "chrdev_ioctl" : st);
        Finding mutex = one(diagnose(Cases.observe(hidden), RuleOptions.DEFAULTS), ID);
        assertThat(evidenceLines(mutex)).contains("[<0>] chrdev_ioctl+0x2e/0x90 [mydrv]", "SigPnd:\t0000000000000000")
                .noneMatch(l -> l.contains("mutex_lock"));
        assertThat(mutex.waitsOn().killable()).isNull();
        assertThat(all(mutex)).contains("D is TASK_UNINTERRUPTIBLE or TASK_KILLABLE; /proc cannot tell them apart")
                .doesNotContain("ignores every signal");
        assertThat(mutex.doesNotHelp()).noneSatisfy(d -> assertThat(d).startsWith("kill -9"));
        assertThat(mutex.remedies()).anySatisfy(r -> assertThat(r.action()).contains("kill -9 6100", "stays D with SIGKILL in SigPnd"));
        assertThat(mutex.remedies().get(mutex.remedies().size() - 1).action()).contains("Reboot");
    }
}
