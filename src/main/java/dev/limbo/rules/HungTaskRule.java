package dev.limbo.rules;

import dev.limbo.model.Killability;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.procfs.Read;
import java.util.ArrayList;
import java.util.List;

/**
 * A task in D whose context switches do not change and whose wait is not killable: khungtaskd's
 * definition, reported wherever it holds (threads of a zombie group and exiting tasks included),
 * so that the count means what the kernel's hung_task_detect_count means.
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
            for (Task t : p.threads()) {
                if (!t.state().isUninterruptible() || movedOn(t)) {
                    continue;
                }
                Progress progress = ctx.progress(t);
                if (progress == Progress.PROGRESSING || ctx.killable(t)) {
                    continue;
                }
                out.add(explain(ctx, p, t, ctx.waitOf(t), progress));
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
        Context.Kill kill = ctx.killability(t);
        LockHolders.Match holder = LockHolders.find(ctx, p, t, w);
        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid()).tid(t.tid()).waitsOn(w).progress(progress)
                .severity(progress == Progress.STUCK ? Severity.CRITICAL : Severity.WARNING);
        if (holder != null) {
            b.title(ID + ".title.lock", ctx.name(t), holder.waiterFile().target(), ctx.name(holder.holder()));
        } else {
            b.title(ID + ".title", ctx.name(t), w.function() == null ? "?" : w.function());
        }
        b.state(t).status(t, "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches", "SigPnd").stat(t).stack(t).wchan(t).syscall(t);
        b.causeText(stateCause(ctx, t, w, kill));
        b.cause(ID + ".cause.waits", WaitTexts.what(ctx, w));
        if (holder != null) {
            LockHolders.describe(ctx, b, holder);
        }
        b.causeText(WaitTexts.basis(ctx, w));
        if (w.exiting()) {
            b.cause(ID + ".cause.exiting");
        }
        b.causeText(WaitTexts.progress(ctx, progress));
        if (progress != Progress.STUCK) {
            b.cause(ID + ".cause.maybe-io");
        }
        b.causeText(khungtaskd(ctx, kill));
        if (t.isKernelThread()) {
            b.cause(ID + ".cause.kthread");
        }
        b.releasedText(ctx.t("released.wait-ends", WaitTexts.release(ctx, w)));
        if (kill.verdict() == Killability.Verdict.UNINTERRUPTIBLE) {
            b.noHelp(ID + ".nohelp.kill");
        }
        b.noHelp(ID + ".nohelp.parent");
        List<Remedy> remedies = new ArrayList<>(WaitTexts.remedies(ctx, w));
        if (kill.verdict() == Killability.Verdict.UNKNOWN && !w.exiting()) {
            // before the last remedy (reboot): a kill decides what /proc cannot
            remedies.add(remedies.size() - 1, new Remedy(ctx.t(ID + ".remedy.try-kill.action", t.tgid(), t.tid()),
                    ctx.t(ID + ".remedy.try-kill.risk")));
        }
        b.remedies(remedies);
        return b.build();
    }

    /** What D means for this task: decided by evidence, by the kernel's table, or left open. */
    static String stateCause(Context ctx, Task t, Wait w, Context.Kill kill) {
        String fn = w.function() == null ? "?" : w.function();
        if (kill.basis() == Context.Kill.Basis.EVIDENCE) {
            return ctx.t(ID + ".cause.state.evidence", ctx.name(t), kill.killSamples());
        }
        if (kill.verdict() == Killability.Verdict.UNINTERRUPTIBLE) {
            return ctx.t(ID + ".cause.state.table", ctx.name(t), fn, ctx.kernelName());
        }
        return ctx.t(ID + ".cause.state.unknown", ctx.name(t), fn);
    }

    /** khungtaskd's view, with this host's hung_task_timeout_secs only when it was read. */
    static String khungtaskd(Context ctx, Context.Kill kill) {
        int timeout = ctx.latest().host() == null ? -1 : ctx.latest().host().hungTaskTimeoutSecs();
        String s;
        if (timeout > 0) {
            s = ctx.t(ID + ".cause.khungtaskd", timeout);
        } else if (timeout == 0) {
            s = ctx.t(ID + ".cause.khungtaskd.disabled");
        } else {
            s = ctx.t(ID + ".cause.khungtaskd.unknown");
        }
        if (kill.verdict() == Killability.Verdict.UNKNOWN) {
            s += " " + ctx.t(ID + ".cause.khungtaskd.if-uninterruptible");
        }
        return s;
    }
}
