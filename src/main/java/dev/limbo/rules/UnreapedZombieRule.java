package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import java.util.ArrayList;
import java.util.List;

/** A zombie whose live parent has not called wait() for it. */
public final class UnreapedZombieRule extends BaseRule {
    public static final String ID = "unreaped-zombie";

    public UnreapedZombieRule() {
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
            ProcessInfo parent = ctx.latest().process(ppid);
            FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid())
                    .title(ID + ".title", ctx.name(p, p.tgid()), ctx.name(parent, ppid));
            b.state(z).status(z, "PPid").stat(z);
            String age = ParentFacts.age(ctx, z);
            b.cause(ID + ".cause.exited", ctx.name(p, p.tgid()), ppid, age == null ? "?" : age);
            ParentFacts.Situation sit = ParentFacts.describe(ctx, b, parent, ppid, p.tgid());
            if (z.stat() != null && z.stat().exitSignal() > 0 && z.stat().exitSignal() != 17) {
                b.cause(ID + ".cause.exit-signal", z.stat().exitSignal());
            }
            switch (sit) {
                case STOPPED_IN_WAIT:
                    b.released(ID + ".released.cont", ctx.name(parent, ppid), p.tgid());
                    break;
                case IN_D:
                    b.released(ID + ".released.parent-d", ctx.name(parent, ppid), p.tgid(), ParentFacts.parentWait(ctx, parent));
                    break;
                default:
                    b.released(ID + ".released", ctx.name(parent, ppid), p.tgid());
            }
            b.noHelp(ID + ".nohelp.kill", p.tgid());
            if (ParentFacts.situationRemedies(ctx, b, sit, parent, ppid, String.valueOf(p.tgid()))) {
                b.remedy(ID + ".remedy.fix-parent", ctx.name(parent, ppid));
                b.remedy(ID + ".remedy.sigchld", ppid);
            }
            b.remedy(sit == ParentFacts.Situation.IN_D ? ID + ".remedy.kill-parent-d" : ID + ".remedy.kill-parent", ppid);
            out.add(b.build());
        }
        return out;
    }
}
