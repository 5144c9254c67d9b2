package dev.limbo.rules;

import dev.limbo.model.Killability;
import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Progress;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.procfs.SignalSet;
import dev.limbo.procfs.TaskStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The founding case: the leader reached exit_notify() while its group was not empty, so it is
 * EXIT_ZOMBIE and its parent was never notified; a sibling stuck in D keeps the group non-empty.
 */
public final class ZombieLeaderStuckThreadRule extends BaseRule {
    public static final String ID = "zombie-leader-stuck-thread";

    public ZombieLeaderStuckThreadRule() {
        super(ID, Severity.CRITICAL);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            if (ctx.zombieCase(p.tgid()) != ZombieCase.LEADER_STUCK_THREAD) {
                continue;
            }
            out.add(explain(ctx, p));
        }
        return out;
    }

    private Finding explain(Context ctx, ProcessInfo p) {
        Task leader = p.leader();
        List<Task> stuck = p.siblings().stream().filter(t -> ZombieCase.stuck(ctx, t)).toList();
        Task first = stuck.get(0);
        Wait wait = ctx.waitOf(first);
        Progress progress = ctx.progress(first);
        int ppid = leader.ppid();
        ProcessInfo parent = ctx.latest().process(ppid);
        TaskStatus fs = first.status();
        int tracer = first.tracerPid();

        FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid())
                .severity(progress == Progress.PROGRESSING ? Severity.WARNING : Severity.CRITICAL)
                .waitsOn(wait)
                .progress(progress)
                .title(ID + ".title", ctx.name(p, p.tgid()), stuck.size() == 1 ? first.tid() : stuck.stream().map(Task::tid).toList(),
                        wait.function() == null ? "?" : wait.function());
        stuck.forEach(t -> b.tid(t.tid()));
        b.state(leader).status(leader, "PPid", "Threads");
        for (Task t : stuck) {
            b.state(t).status(t, "Threads", "TracerPid", "SigPnd", "ShdPnd", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches");
        }
        b.stack(first).wchan(first).syscall(first);

        int threads = fs != null && fs.threads() > 0 ? fs.threads() : p.threads().size();
        boolean killed = Context.killPending(fs) || Context.killPending(leader.status());
        b.cause(killed ? ID + ".cause.killed" : ID + ".cause.exited", ctx.name(p, p.tgid()));
        b.cause(ID + ".cause.autoreap", p.tgid(), threads, ctx.name(parent, ppid));
        b.cause(ID + ".cause.stuck", ctx.name(first),
                wait.exiting() ? ctx.t(ID + ".where.exit") : ctx.t(ID + ".where.syscall"), WaitTexts.what(ctx, wait));
        b.causeText(WaitTexts.basis(ctx, wait));
        LockHolders.Match holder = LockHolders.find(ctx, p, first, wait);
        if (holder != null) {
            LockHolders.describe(ctx, b, holder);
        }
        if (fs != null && fs.sigPnd() != null) {
            boolean ownKill = fs.sigPnd().contains(SignalSet.SIGKILL);
            if (ownKill && !wait.exiting()) {
                b.cause(ID + ".cause.kill-not-dequeued", first.tid());
            } else if (!ownKill && wait.exiting()) {
                b.cause(ID + ".cause.kill-consumed", first.tid(), fs.sigPnd().isEmpty() ? "-" : fs.sigPnd().names());
            }
        }
        b.cause(ID + ".cause.wait", p.tgid());
        if (tracer > 0) {
            b.cause(ID + ".cause.traced", first.tid(), tracer);
        }
        b.causeText(WaitTexts.progress(ctx, progress));

        String release = ctx.t(ID + ".released", first.tid(), p.tgid(), ctx.name(parent, ppid));
        if (tracer > 0) {
            release += " " + ctx.t(ID + ".released.traced", first.tid(), tracer);
        }
        release += " " + ctx.t("released.wait-ends", WaitTexts.release(ctx, wait));
        b.releasedText(release);

        // "another kill -9 does not help" only when a SIGKILL really is pending and the wait is
        // not killable; with nothing pending, a first kill would queue to every thread.
        Context.Kill kill = ctx.killability(first);
        String pending = pendingText(fs, leader.status());
        if (pending != null && kill.verdict() == Killability.Verdict.UNINTERRUPTIBLE) {
            b.noHelp(ID + ".nohelp.kill", pending);
        } else if (pending == null && kill.verdict() == Killability.Verdict.UNINTERRUPTIBLE) {
            b.noHelp(ID + ".nohelp.kill-first", first.tid());
        }
        b.noHelp(ppid == 1 ? ID + ".nohelp.parent.init" : ID + ".nohelp.parent", ctx.name(parent, ppid));
        if (tracer > 0) {
            b.noHelp(ID + ".nohelp.tracer", tracer);
        }
        b.remedies(WaitTexts.remedies(ctx, wait));
        if (tracer > 0) {
            b.remedy("remedy.tracer", tracer, first.tid());
        }
        return b.build();
    }

    /**
     * The pending sets that hold SIGKILL, as read ("ShdPnd SIGINT,SIGKILL, SigPnd SIGSTOP"), or
     * null when none does: then no kill is pending and the text must not say one is.
     */
    static String pendingText(TaskStatus thread, TaskStatus leader) {
        if (!Context.killPending(thread) && !Context.killPending(leader)) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (TaskStatus s : new TaskStatus[] {thread, leader}) {
            if (s == null) {
                continue;
            }
            if (s.shdPnd() != null && !s.shdPnd().isEmpty() && parts.stream().noneMatch(x -> x.startsWith("ShdPnd"))) {
                parts.add("ShdPnd " + s.shdPnd().names());
            }
            if (s == thread && s.sigPnd() != null && !s.sigPnd().isEmpty()) {
                parts.add("SigPnd " + s.sigPnd().names());
            }
        }
        return String.join(", ", parts);
    }
}
