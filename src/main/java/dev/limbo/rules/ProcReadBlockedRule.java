package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.procfs.BlockedRead;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reading a task's /proc file timed out: its mmap lock (or exec lock) is held. */
public final class ProcReadBlockedRule extends BaseRule {
    public static final String ID = "proc-read-blocked";

    public ProcReadBlockedRule() {
        super(ID, Severity.WARNING);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (var sample : ctx.observation().samples()) {
            for (BlockedRead r : sample.blockedReads()) {
                String file = r.path().substring(r.path().lastIndexOf('/') + 1);
                // One finding per task and file, however many samples saw it blocked (the paths
                // differ between the samples of a snapshot: samples/0/PID/cmdline, samples/1/...).
                if (!seen.add(r.pid() + "/" + r.tid() + "/" + file)) {
                    continue;
                }
                ProcessInfo p = ctx.latest().process(r.pid());
                FindingBuilder b = new FindingBuilder(this, ctx, p, r.pid())
                        .title(ID + ".title", ctx.name(p, r.pid()), file, r.waitedMillis());
                b.evidenceLine(r.path(), ctx.t(ID + ".evidence", r.waitedMillis()));
                if (p != null) {
                    p.threads().stream().filter(t -> t.state().isUninterruptible()).limit(3).forEach(t -> {
                        b.tid(t.tid());
                        b.state(t).stack(t).wchan(t);
                    });
                }
                b.cause(ID + ".cause.lock", file, r.waitedMillis());
                b.cause(ID + ".cause.holder");
                b.cause(ID + ".cause.ps", r.pid());
                b.released(ID + ".released");
                b.noHelp(ID + ".nohelp.kill-reader");
                b.remedy(ID + ".remedy.holder", r.pid());
                b.remedy(ID + ".remedy.monitoring");
                out.add(b.build());
            }
        }
        return out;
    }
}
