package dev.limbo.rules;

import static dev.limbo.rules.Cases.all;
import static dev.limbo.rules.Cases.evidenceLines;
import static dev.limbo.rules.Cases.one;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.limbo.model.WaitKind;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The saved trees of the issue-11 fixtures (native-fixtures: zombie-vfork, exec-stuck-sibling),
 * read as unit tests: the exact rule ids, pids and tids, the stories, and the corrected texts
 * read against the fields they cite.
 */
class Diagnosis2TreesTest {

    private static JsonNode fixture(String name) throws IOException {
        return CapturedTreesTest.index().get(name).get("fixture");
    }

    /** The findings about the fixture's own processes (the trees are whole-host snapshots). */
    private static List<Finding> own(String name) throws IOException {
        JsonNode pids = fixture(name).get("pids");
        List<Integer> mine = new java.util.ArrayList<>();
        pids.forEach(p -> mine.add(p.asInt()));
        return CapturedTreesTest.found(name).stream().filter(f -> mine.contains(f.pid())).toList();
    }

    /** Issue 11 item 2: a thread waiting for its vfork child is alive, not stuck. */
    @Test
    void zombieLeaderBesideAVforkWaitIsLiveThreadsAndAKillableWaitInOneStory() throws IOException {
        JsonNode fx = fixture("zombie-vfork");
        int victim = fx.get("pids").get("victim").asInt();
        int waiting = fx.get("tids").get("waiting").asInt();
        List<Finding> found = own("zombie-vfork");
        assertThat(found).extracting(Finding::rule).containsExactlyInAnyOrder(
                ZombieLeaderLiveThreadsRule.ID, KillableWaitRule.ID);
        Finding live = one(found, ZombieLeaderLiveThreadsRule.ID);
        Finding killable = one(found, KillableWaitRule.ID);
        assertThat(live.pid()).isEqualTo(victim);
        assertThat(live.tids()).containsExactly(waiting);
        assertThat(live.severity()).isEqualTo(Severity.INFO);
        assertThat(killable.tids()).containsExactly(waiting);
        assertThat(killable.waitsOn().kind()).isEqualTo(WaitKind.VFORK);
        assertThat(killable.waitsOn().killable()).isTrue();
        // the fields the texts cite: the leader Z, the thread D in kernel_clone <- __do_sys_vfork
        assertThat(evidenceLines(live)).contains("State:\tZ (zombie)", "State:\tD (disk sleep)");
        assertThat(evidenceLines(killable)).anyMatch(l -> l.contains("kernel_clone")).anyMatch(l -> l.contains("__do_sys_vfork"));
        assertThat(all(live)).contains("Thread " + waiting + " (zombie-vfork) shows D, but its wait is killable (kernel_clone)");
        assertThat(all(killable)).contains("vfork() parent");
        // one story, led by the zombie finding; nothing claims it is stuck or ignores SIGKILL
        assertThat(live.story()).isEqualTo(killable.story()).isEqualTo(victim + "/" + waiting);
        assertThat(Stories.group(found).get(0).get(0)).isSameAs(live);
        assertThat(found).allSatisfy(f -> assertThat(all(f)).doesNotContain("ignores every signal", "SIGKILL is already pending"));
        assertThat(CapturedTreesTest.found("zombie-vfork")).noneMatch(f -> f.pid() == victim && f.severity() != Severity.INFO);
    }

    /** Issue 11 item 3: execve() beside a stuck sibling waits killably in de_thread() (begin_new_exec on 6.18). */
    @Test
    void execBesideAStuckSiblingIsAKillableWaitAndTheSiblingAHungTask() throws IOException {
        JsonNode fx = fixture("exec-stuck-sibling");
        int victim = fx.get("pids").get("victim").asInt();
        int exec = fx.get("tids").get("exec").asInt();
        int stuck = fx.get("tids").get("stuck").asInt();
        List<Finding> found = own("exec-stuck-sibling");
        assertThat(found).extracting(Finding::rule).containsExactlyInAnyOrder(HungTaskRule.ID, KillableWaitRule.ID);

        Finding execWait = one(found, KillableWaitRule.ID);
        assertThat(execWait.pid()).isEqualTo(victim);
        assertThat(execWait.tids()).containsExactly(exec);
        assertThat(execWait.waitsOn().kind()).isEqualTo(WaitKind.EXEC);
        assertThat(execWait.waitsOn().function()).isEqualTo("begin_new_exec");
        assertThat(execWait.waitsOn().killable()).isTrue();
        assertThat(evidenceLines(execWait)).contains("[<0>] begin_new_exec+0x1b7/0xcb0").anyMatch(l -> l.contains("load_elf_binary"));
        assertThat(all(execWait)).contains("de_thread()", "kernel (6.18)", "a kill -9 of the process ends the exec")
                .doesNotContain("ignores every signal");

        Finding hung = one(found, HungTaskRule.ID);
        assertThat(hung.tids()).containsExactly(stuck);
        assertThat(hung.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(hung.waitsOn().killable()).isFalse();
        // "ignores SIGKILL" rests on the field it cites: SIGKILL (0x100) in the thread's own
        // SigPnd in all three samples while it stayed D
        assertThat(evidenceLines(hung)).contains("SigPnd:\t0000000000000100", "State:\tD (disk sleep)");
        assertThat(hung.causes().get(0)).contains("SIGKILL was pending in its own SigPnd in 3 sample(s)");
        assertThat(hung.doesNotHelp()).anySatisfy(d -> assertThat(d).startsWith("kill -9"));
        // the hung-task text quotes the host's timeout only because the tree has it
        assertThat(all(hung)).contains("(120 s here)");
        assertThat(execWait.story()).isNotEqualTo(hung.story());
    }
}
