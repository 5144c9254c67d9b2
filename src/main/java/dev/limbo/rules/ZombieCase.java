package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import java.util.HashMap;
import java.util.Map;

/**
 * What holds each zombie thread-group leader: a stuck sibling, live siblings, a tracer, or its
 * parent. The zombie rules test their own definitions on top of this (a zombie awaiting its
 * parent may also be one of many, or the child of a namespace init); "stuck" means D in a wait
 * SIGKILL does not end: a thread in a killable wait is alive (SPEC "Findings are facts").
 */
public enum ZombieCase {
    /** Leader Z, a sibling in D in a wait that is not killable: the founding case. */
    LEADER_STUCK_THREAD,
    /** Leader Z, siblings alive (pthread_exit), or in a killable wait: normal. */
    LEADER_LIVE_THREADS,
    /** Leader Z, its group held by a traced zombie thread, or the leader itself traced. */
    TRACED,
    /** Group empty, not traced: the parent can reap it with wait() and has not. */
    UNREAPED;

    static Map<Integer, ZombieCase> classify(Context ctx) {
        Sample s = ctx.latest();
        Map<Integer, ZombieCase> out = new HashMap<>();
        for (ProcessInfo p : s.processes().values()) {
            Task leader = p.leader();
            if (leader == null || !leader.state().isZombie()) {
                continue;
            }
            out.put(p.tgid(), caseOf(ctx, p, leader));
        }
        return out;
    }

    /** A sibling that keeps the group from exiting: D, and not in a killable wait. */
    static boolean stuck(Context ctx, Task t) {
        return t.state().isUninterruptible() && !ctx.killable(t);
    }

    private static ZombieCase caseOf(Context ctx, ProcessInfo p, Task leader) {
        boolean anyStuck = false;
        boolean anyTracedZombie = false;
        for (Task t : p.siblings()) {
            if (stuck(ctx, t)) {
                anyStuck = true;
            }
            if (t.state().isZombie() && t.tracerPid() > 0) {
                anyTracedZombie = true;
            }
        }
        if (anyStuck) {
            return LEADER_STUCK_THREAD;
        }
        if (anyTracedZombie) {
            return TRACED;
        }
        if (!p.siblings().isEmpty()) {
            return LEADER_LIVE_THREADS;
        }
        int tracer = leader.tracerPid();
        if (tracer > 0 && tracer != leader.ppid()) {
            return TRACED;
        }
        return UNREAPED;
    }
}
