package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.procfs.Read;
import java.util.ArrayList;
import java.util.List;

/**
 * A task in uninterruptible D whose context switches do not change (khungtaskd's test). Tasks
 * explained better elsewhere are left out: killable waits, tasks in do_exit, and threads of a
 * zombie leader.
 */
public final class HungTaskRule extends BaseRule {
    public static final String ID = "hung-task";

    public HungTaskRule() {
        super(ID, Severity.CRITICAL);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            if (ctx.zombieCase(p.tgid()) == ZombieCase.LEADER_STUCK_THREAD) {
                continue;
            }
            for (Task t : p.threads()) {
                if (!t.state().isUninterruptible() || movedOn(t)) {
                    continue;
                }
                Wait w = ctx.waitOf(t);
                Progress progress = ctx.progress(t);
                if (ctx.killable(t) || w.exiting() || progress == Progress.PROGRESSING) {
                    continue;
                }
                out.add(explain(ctx, p, t, w, progress));
            }
        }
        return out;
    }

    /**
     * Whether the task's details, read after its stat, say it is no longer in D or is gone
     * (a busy host: the stat caught it in D for an instant). Only a task seen in D by every read
     * is a hung-task suspect.
     */
    static boolean movedOn(Task t) {
        if (t.detail() == null) {
            return false;
        }
        if (t.status() != null && t.status().state() != null && !t.status().state().isUninterruptible()) {
            return true;
        }
        for (Read r : new Read[] {t.detail().statusRead(), t.detail().stackRead(), t.detail().wchanRead()}) {
            if (r != null && r.absence() == Read.Absence.GONE) {
                return true;
            }
        }
        return false;
    }

    private Finding explain(Context ctx, ProcessInfo p, Task t, Wait w, Progress progress) {
        int timeout = ctx.latest().host() == null ? -1 : ctx.latest().host().hungTaskTimeoutSecs();
        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid()).waitsOn(w).progress(progress)
                .severity(progress == Progress.STUCK ? Severity.CRITICAL : Severity.WARNING)
                .title(ID + ".title", ctx.name(t), w.function() == null ? "?" : w.function());
        b.state(t).status(t, "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches", "SigPnd").stat(t).stack(t).wchan(t).syscall(t);
        b.cause(ID + ".cause.state", ctx.name(t));
        b.cause(ID + ".cause.waits", WaitTexts.what(ctx, w));
        b.causeText(WaitTexts.basis(ctx, w));
        b.causeText(WaitTexts.progress(ctx, progress));
        if (progress != Progress.STUCK) {
            b.cause(ID + ".cause.maybe-io");
        }
        b.cause(ID + ".cause.khungtaskd", timeout > 0 ? String.valueOf(timeout) : "120");
        if (t.isKernelThread()) {
            b.cause(ID + ".cause.kthread");
        }
        b.releasedText(ctx.t("released.wait-ends", WaitTexts.release(ctx, w)));
        b.noHelp(ID + ".nohelp.kill");
        b.noHelp(ID + ".nohelp.parent");
        b.remedies(WaitTexts.remedies(ctx, w));
        return b.build();
    }
}
