package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import java.util.ArrayList;
import java.util.List;

/** A D task inside do_exit(): it cannot finish exiting, so it can never be reaped or released. */
public final class StuckInExitRule extends BaseRule {
    public static final String ID = "stuck-in-exit";

    public StuckInExitRule() {
        super(ID, Severity.CRITICAL);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            for (Task t : p.threads()) {
                if (!t.state().isUninterruptible() || t.detail() == null) {
                    continue;
                }
                Wait w = ctx.waitOf(t);
                Progress progress = ctx.progress(t);
                if (!w.exiting() || progress == Progress.PROGRESSING) {
                    continue;
                }
                out.add(explain(ctx, p, t, w, progress));
            }
        }
        return out;
    }

    private Finding explain(Context ctx, ProcessInfo p, Task t, Wait w, Progress progress) {
        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid()).waitsOn(w).progress(progress)
                .title(ID + ".title", ctx.name(t), w.function() == null ? "?" : w.function());
        b.state(t).status(t, "SigPnd", "ShdPnd", "FDSize").stat(t).stack(t).wchan(t);
        b.cause(ID + ".cause.exit", ctx.name(t));
        if (t.status() != null) {
            List<String> gone = new ArrayList<>();
            if (!t.status().hasVm()) {
                gone.add("exit_mm()");
            }
            if (t.status().fdSize() == 0) {
                gone.add("exit_files()");
            }
            if (!gone.isEmpty()) {
                b.cause(ID + ".cause.progress", String.join(", ", gone));
            }
        }
        b.cause(ID + ".cause.waits", WaitTexts.what(ctx, w));
        b.causeText(WaitTexts.basis(ctx, w));
        LockHolders.Match holder = LockHolders.find(ctx, p, t, w);
        if (holder != null) {
            LockHolders.describe(ctx, b, holder);
        }
        b.cause(ID + ".cause.consequence", p.tgid());
        b.causeText(WaitTexts.progress(ctx, progress));
        b.releasedText(ctx.t(ID + ".released", t.tid()) + " " + ctx.t("released.wait-ends", WaitTexts.release(ctx, w)));
        b.noHelp(ID + ".nohelp.kill");
        b.noHelp(ID + ".nohelp.parent");
        b.remedies(WaitTexts.remedies(ctx, w));
        return b.build();
    }
}
