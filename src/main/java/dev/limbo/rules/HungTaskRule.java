package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
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
                if (!t.state().isUninterruptible()) {
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

    private Finding explain(Context ctx, ProcessInfo p, Task t, Wait w, Progress progress) {
        int timeout = ctx.latest().host() == null ? -1 : ctx.latest().host().hungTaskTimeoutSecs();
        LockHolders.Match holder = LockHolders.find(ctx, p, t, w);
        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid()).waitsOn(w).progress(progress)
                .severity(progress == Progress.STUCK ? Severity.CRITICAL : Severity.WARNING);
        if (holder != null) {
            b.title(ID + ".title.lock", ctx.name(t), holder.waiterFile().target(), ctx.name(holder.holder()));
        } else {
            b.title(ID + ".title", ctx.name(t), w.function() == null ? "?" : w.function());
        }
        b.state(t).status(t, "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches", "SigPnd").stat(t).stack(t).wchan(t).syscall(t);
        b.cause(ID + ".cause.state", ctx.name(t));
        b.cause(ID + ".cause.waits", WaitTexts.what(ctx, w));
        if (holder != null) {
            LockHolders.describe(ctx, b, holder);
        }
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
