package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Sample;
import dev.limbo.model.Task;
import java.util.HashMap;
import java.util.Map;

/**
 * The one explanation that applies to each zombie thread-group leader, so that exactly one rule
 * reports it: a leader with live or stuck siblings is not waiting for its parent at all, a traced
 * zombie waits for its tracer, and so on.
 */
public enum ZombieCase {
    /** Leader Z, a sibling in D: the founding case. */
    LEADER_STUCK_THREAD,
    /** Leader Z, siblings alive (pthread_exit): normal. */
    LEADER_LIVE_THREADS,
    /** Leader Z, its group held by a traced zombie thread, or the leader itself traced. */
    TRACED,
    /** Group empty, parent is PID 1 of its pid namespace and does not reap. */
    NAMESPACE_INIT,
    /** Group empty, the parent holds many zombie children. */
    ACCUMULATION,
    /** Group empty, the parent has not waited. */
    UNREAPED;

    static Map<Integer, ZombieCase> classify(Context ctx) {
        Sample s = ctx.latest();
        Map<Integer, Integer> zombiesPerParent = new HashMap<>();
        for (ProcessInfo p : s.processes().values()) {
            if (p.leader() != null && p.leader().state().isZombie() && p.siblings().isEmpty()) {
                zombiesPerParent.merge(p.leader().ppid(), 1, Integer::sum);
            }
        }
        Map<Integer, ZombieCase> out = new HashMap<>();
        for (ProcessInfo p : s.processes().values()) {
            Task leader = p.leader();
            if (leader == null || !leader.state().isZombie()) {
                continue;
            }
            out.put(p.tgid(), caseOf(ctx, s, p, leader, zombiesPerParent));
        }
        return out;
    }

    private static ZombieCase caseOf(Context ctx, Sample s, ProcessInfo p, Task leader, Map<Integer, Integer> perParent) {
        boolean anyStuck = false;
        boolean anyTracedZombie = false;
        for (Task t : p.siblings()) {
            if (t.state().isUninterruptible()) {
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
        ProcessInfo parent = s.process(leader.ppid());
        if (parent != null && ctx.isNamespaceInit(parent)) {
            return NAMESPACE_INIT;
        }
        if (perParent.getOrDefault(leader.ppid(), 0) >= ctx.options().zombieThreshold()) {
            return ACCUMULATION;
        }
        return UNREAPED;
    }
}
