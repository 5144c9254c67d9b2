package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import java.util.ArrayList;
import java.util.List;

/** A zombie whose parent is PID 1 of its pid namespace, and that PID 1 does not reap. */
public final class ZombieInitNotReapingRule extends BaseRule {
    public static final String ID = "zombie-init-not-reaping";

    public ZombieInitNotReapingRule() {
        super(ID, Severity.WARNING);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            if (ctx.zombieCase(p.tgid()) != ZombieCase.UNREAPED || !ctx.persistent(p.tgid())) {
                continue;
            }
            Task z = p.leader();
            int ppid = z.ppid();
            ProcessInfo init = ctx.latest().process(ppid);
            if (init == null || !ctx.isNamespaceInit(init)) {
                continue;
            }
            String where = describeNamespace(ctx, init);
            FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid())
                    .title(ID + ".title", ctx.name(p, p.tgid()), ctx.name(init, ppid), where);
            b.state(z).status(z, "PPid", "NStgid").stat(z);
            b.status(init.leader(), "NStgid", "NSpid");
            b.evidence(init.cgroupRead(), "0::");
            b.cause(ID + ".cause.orphan", ctx.name(p, p.tgid()), ctx.name(init, ppid), where);
            b.cause(ID + ".cause.init", init.comm() == null ? "?" : init.comm());
            ParentFacts.Situation sit = ParentFacts.describe(ctx, b, init, ppid, p.tgid());
            b.cause(ID + ".cause.no-subreaper");
            b.released(ID + ".released", ctx.name(init, ppid));
            b.noHelp(ID + ".nohelp.kill", p.tgid());
            b.noHelp(ID + ".nohelp.host-reaper");
            ParentFacts.situationRemedies(ctx, b, sit, init, ppid, String.valueOf(p.tgid()));
            b.remedy(ID + ".remedy.init");
            b.remedy(ID + ".remedy.sigchld");
            b.remedy(ID + ".remedy.restart");
            out.add(b.build());
        }
        return out;
    }

    private static String describeNamespace(Context ctx, ProcessInfo init) {
        var a = ctx.attribution(init);
        if (a != null && a.containerId() != null) {
            return a.runtime() + " " + a.shortId();
        }
        if (init.tgid() == 1) {
            return ctx.t(ID + ".ns.host");
        }
        return ctx.t(ID + ".ns.of", init.tgid());
    }
}
