package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import java.util.ArrayList;
import java.util.List;

/** A zombie or stuck task whose ptrace tracer must act (reap, detach or exit) first. */
public final class TracedZombieRule extends BaseRule {
    public static final String ID = "traced-zombie";

    public TracedZombieRule() {
        super(ID, Severity.WARNING);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            ZombieCase zc = ctx.zombieCase(p.tgid());
            for (Task t : p.threads()) {
                int tracer = t.tracerPid();
                boolean zombie = t.state().isZombie();
                boolean stuck = t.state().isUninterruptible();
                if (tracer <= 0 || !(zombie || stuck)) {
                    continue;
                }
                if (zombie && t.isLeader() && zc != ZombieCase.TRACED) {
                    continue;
                }
                if (zombie && !ctx.persistent(t.tid())) {
                    continue;
                }
                out.add(explain(ctx, p, t, tracer, zombie));
            }
        }
        return out;
    }

    private Finding explain(Context ctx, ProcessInfo p, Task t, int tracer, boolean zombie) {
        ProcessInfo tp = ctx.latest().process(tracer);
        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid())
                .title(zombie ? ID + ".title.zombie" : ID + ".title.stuck", ctx.name(t), ctx.name(tp, tracer));
        b.state(t).status(t, "TracerPid", "PPid");
        if (tp != null && tp.leader() != null) {
            b.state(tp.leader()).wchan(tp.leader());
        }
        if (zombie) {
            b.cause(ID + ".cause.exit-notify", ctx.name(t), tracer);
            if (!t.isLeader()) {
                b.cause(ID + ".cause.holds-leader", t.tid(), p.tgid());
            }
        } else {
            b.cause(ID + ".cause.after-d", ctx.name(t), tracer);
            b.status(t, "SigPnd");
            if (t.status() != null && Context.has(t.status().sigPnd(), dev.limbo.procfs.SignalSet.SIGSTOP)) {
                b.cause(ID + ".cause.attach-stop", t.tid());
            }
        }
        if (tp == null) {
            b.cause(ID + ".cause.tracer-unseen", tracer);
        } else {
            b.cause(ID + ".cause.tracer-state", ctx.name(tp, tracer),
                    tp.leader() == null ? "?" : tp.leader().state().letter() + " (" + tp.leader().state().label() + ")");
        }
        // A traced leader (single-threaded process) is not released by its tracer's wait: the
        // tracer's wait_task_zombie() sets EXIT_TRACE and notifies the real parent, which reaps it.
        b.released(t.isLeader() ? ID + ".released.leader" : ID + ".released", tracer, t.tid(), p.tgid());
        b.noHelp(ID + ".nohelp.kill", t.tid());
        b.noHelp(ID + ".nohelp.parent");
        b.remedy("remedy.tracer", tracer, t.tid());
        b.remedy(ID + ".remedy.kill-tracer", tracer);
        return b.build();
    }
}
