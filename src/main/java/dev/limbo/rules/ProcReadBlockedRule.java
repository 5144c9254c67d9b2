package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import dev.limbo.model.Wait;
import dev.limbo.procfs.BlockedRead;
import dev.limbo.procfs.StackFrame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reading a process's cmdline (or another mmap-lock file) blocks or would block: a read that
 * timed out (the sampler probes a live thread's cmdline: a zombie leader's own answers at once),
 * or stacks that show a thread holding the mmap lock in a page fault with a writer queued behind
 * it. Names the holder, the queued writer and the tools that hang.
 */
public final class ProcReadBlockedRule extends BaseRule {
    public static final String ID = "proc-read-blocked";
    private static final int MAX_FRAMES = 8;

    public ProcReadBlockedRule() {
        super(ID, Severity.WARNING);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        Set<Integer> reported = new HashSet<>();
        for (var sample : ctx.observation().samples()) {
            for (BlockedRead r : sample.blockedReads()) {
                // One finding per process, however many samples or files saw it block: a live scan
                // re-reads the same path, a snapshot's samples each have their own directory.
                if (!reported.add(r.pid())) {
                    continue;
                }
                ProcessInfo p = ctx.latest().process(r.pid());
                MmapLockQueue.Queue q = p == null ? null : MmapLockQueue.of(ctx, p);
                String file = r.path().substring(r.path().lastIndexOf('/') + 1);
                FindingBuilder b = new FindingBuilder(this, ctx, p, r.pid())
                        .title(ID + ".title", ctx.name(p, r.pid()), relative(r.path(), r.pid()), r.waitedMillis());
                b.evidenceLine(r.path(), ctx.t(ID + ".evidence", r.waitedMillis()));
                b.cause(ID + ".cause.lock", file, r.waitedMillis());
                zombieLeader(ctx, b, p, r.path());
                explainQueue(ctx, b, p, q);
                out.add(finish(ctx, b, r.pid(), q));
            }
        }
        // Would block: no read of it timed out (none attempted, or a snapshot that did not record
        // one), but the stacks show a holder in a fault and a writer queued behind it.
        List<ProcessInfo> procs = new ArrayList<>(ctx.latest().processes().values());
        procs.sort((a, b) -> Integer.compare(a.tgid(), b.tgid()));
        for (ProcessInfo p : procs) {
            if (reported.contains(p.tgid())) {
                continue;
            }
            MmapLockQueue.Queue q = MmapLockQueue.of(ctx, p);
            if (q == null || q.writers().isEmpty()) {
                continue;
            }
            MmapLockQueue.Writer w = q.writers().get(0);
            FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid())
                    .title(ID + ".title.inferred", ctx.name(p, p.tgid()), ctx.name(q.holder()), ctx.name(w.task()));
            b.cause(ID + ".cause.inferred", ctx.name(p, p.tgid()));
            zombieLeader(ctx, b, p, null);
            explainQueue(ctx, b, p, q);
            out.add(finish(ctx, b, p.tgid(), q));
        }
        return out;
    }

    private static String relative(String path, int pid) {
        int i = path.indexOf("/" + pid + "/");
        return i < 0 ? path.substring(path.lastIndexOf('/') + 1) : path.substring(i + String.valueOf(pid).length() + 2);
    }

    /** A zombie leader's own cmdline answers at once: say which file was probed and why. */
    private static void zombieLeader(Context ctx, FindingBuilder b, ProcessInfo p, String probed) {
        if (p == null || p.leader() == null || !p.leader().state().isZombie()) {
            return;
        }
        b.state(p.leader());
        b.cause(ID + ".cause.zombie-leader", ctx.name(p, p.tgid()), p.tgid(), probed == null ? "task/TID/cmdline" : probed);
    }

    private void explainQueue(Context ctx, FindingBuilder b, ProcessInfo p, MmapLockQueue.Queue q) {
        if (q == null) {
            if (p != null) {
                p.threads().stream().filter(t -> t.state().isUninterruptible()).limit(3).forEach(t -> {
                    b.tid(t.tid());
                    b.state(t).stack(t).wchan(t);
                });
            }
            b.cause(ID + ".cause.holder");
            return;
        }
        Task h = q.holder();
        Wait hw = ctx.waitOf(h);
        b.tid(h.tid());
        b.state(h).wchan(h);
        frames(b, h);
        b.cause(ID + ".cause.holder.named", ctx.name(h), h.state().letter() + " (" + h.state().label() + ")",
                WaitTexts.what(ctx, hw, h.state()));
        if (q.writers().isEmpty()) {
            b.cause(ID + ".cause.writer.unseen");
        }
        for (MmapLockQueue.Writer w : q.writers()) {
            if (w.process() == p) {
                b.tid(w.task().tid());
            }
            b.state(w.task());
            frames(b, w.task());
            if (w.via() != null && w.via().linkPath() != null) {
                b.evidenceLine(w.via().linkPath(), w.via().target());
            }
            b.cause(ID + ".cause.writer.named", ctx.name(w.task()), MmapLockQueue.top(w.task()),
                    w.process() == p ? ctx.t(ID + ".writer.same-process") : ctx.t(ID + ".writer.other-process", w.process().tgid()));
        }
        List<Evidence> ev = new ArrayList<>();
        String detail = ctx.t(ID + ".blocker.detail", MmapLockQueue.top(h), hw.kind().name().toLowerCase().replace('_', '-')
                + (hw.function() == null ? "" : " (" + hw.function() + ")"));
        if (h.detail() != null && h.detail().stackRead() != null && h.detail().stack() != null) {
            int n = 0;
            for (StackFrame f : h.detail().stack().frames()) {
                if (n++ >= MAX_FRAMES) {
                    break;
                }
                ev.add(new Evidence(h.detail().stackRead().path(), f.line()));
            }
        }
        b.blocker(new Blocker(Blocker.LOCK_HOLDER, p.tgid(), h.tid(), ctx.name(h), detail, List.copyOf(ev)));
    }

    private static void frames(FindingBuilder b, Task t) {
        if (t.detail() == null || t.detail().stack() == null || t.detail().stackRead() == null) {
            return;
        }
        int n = 0;
        for (StackFrame f : t.detail().stack().frames()) {
            if (n++ >= MAX_FRAMES) {
                break;
            }
            b.evidenceLine(t.detail().stackRead().path(), f.line());
        }
    }

    private Finding finish(Context ctx, FindingBuilder b, int pid, MmapLockQueue.Queue q) {
        b.cause(ID + ".cause.ps", pid);
        b.released(ID + ".released");
        b.noHelp(ID + ".nohelp.kill-reader");
        b.remedy(q == null ? ID + ".remedy.holder" : ID + ".remedy.holder.named", pid, q == null ? "" : ctx.name(q.holder()));
        if (q != null && !q.writers().isEmpty()) {
            b.remedy(ID + ".remedy.kill-writer", ctx.name(q.writers().get(0).task()));
        }
        b.remedy(ID + ".remedy.monitoring");
        return b.build();
    }
}
