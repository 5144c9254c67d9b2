package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.model.WaitKind;
import java.util.ArrayList;
import java.util.List;

/** A task shown as D whose wait is killable (TASK_KILLABLE): kill works, khungtaskd skips it. */
public final class KillableWaitRule extends BaseRule {
    public static final String ID = "killable-wait";

    public KillableWaitRule() {
        super(ID, Severity.INFO);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            for (Task t : p.threads()) {
                if (!t.state().isUninterruptible()) {
                    continue;
                }
                Wait w = ctx.waitOf(t);
                if (!ctx.killable(t) || w.exiting()) {
                    continue;
                }
                Progress progress = ctx.progress(t);
                FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid()).waitsOn(w).progress(progress)
                        .title(ID + ".title", ctx.name(t), w.function() == null ? "?" : w.function());
                b.state(t).stat(t).stack(t).wchan(t).syscall(t);
                b.cause(ID + ".cause.killable", ctx.name(t), w.function());
                Context.Kill kill = ctx.killability(t);
                if (kill.entry() != null) {
                    b.cause(ID + ".cause.source", ctx.kernelName(), kill.entry().source());
                }
                if (w.kind() == WaitKind.VFORK) {
                    b.cause(ID + ".cause.vfork");
                } else if (w.kind() == WaitKind.EXEC) {
                    b.cause(ID + ".cause.exec", t.tgid());
                }
                b.cause(ID + ".cause.khungtaskd");
                b.causeText(WaitTexts.progress(ctx, progress));
                b.releasedText(w.kind() == WaitKind.VFORK ? ctx.t(ID + ".released.vfork")
                        : ctx.t("released.wait-ends", WaitTexts.release(ctx, w)));
                b.noHelp(ID + ".nohelp.wait");
                b.remedy(ID + ".remedy.kill", t.tgid());
                out.add(b.build());
            }
        }
        return out;
    }
}
