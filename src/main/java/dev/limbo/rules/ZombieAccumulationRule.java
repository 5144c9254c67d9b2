package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One parent holds many zombie children (threshold configurable). */
public final class ZombieAccumulationRule extends BaseRule {
    public static final String ID = "zombie-accumulation";

    public ZombieAccumulationRule() {
        super(ID, Severity.WARNING);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        Map<Integer, List<ProcessInfo>> byParent = new TreeMap<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            if (ctx.zombieCase(p.tgid()) == ZombieCase.UNREAPED) {
                byParent.computeIfAbsent(p.leader().ppid(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<Integer, List<ProcessInfo>> e : byParent.entrySet()) {
            int ppid = e.getKey();
            List<ProcessInfo> zombies = e.getValue();
            if (zombies.size() < ctx.options().zombieThreshold()) {
                continue;
            }
            zombies.sort((a, b) -> Integer.compare(a.tgid(), b.tgid()));
            ProcessInfo parent = ctx.latest().process(ppid);
            FindingBuilder b = new FindingBuilder(this, ctx, parent, ppid)
                    .title(ID + ".title", ctx.name(parent, ppid), zombies.size());
            zombies.stream().limit(5).forEach(z -> b.state(z.leader()));
            zombies.forEach(z -> b.about(z.tgid()));
            b.cause(ID + ".cause.count", ctx.name(parent, ppid), zombies.size(), ctx.options().zombieThreshold(),
                    zombies.stream().limit(10).map(z -> String.valueOf(z.tgid())).toList());
            ParentFacts.Situation sit = ParentFacts.describe(ctx, b, parent, ppid, -1);
            b.cause(ID + ".cause.pid-space");
            b.released(ID + ".released", ctx.name(parent, ppid));
            b.noHelp(ID + ".nohelp.kill");
            if (ParentFacts.situationRemedies(ctx, b, sit, parent, ppid, ctx.t("parent.its-zombies"))) {
                b.remedy("unreaped-zombie.remedy.fix-parent", ctx.name(parent, ppid));
                b.remedy("unreaped-zombie.remedy.sigchld", ppid);
            }
            b.remedy(sit == ParentFacts.Situation.IN_D ? "unreaped-zombie.remedy.kill-parent-d" : "unreaped-zombie.remedy.kill-parent", ppid);
            out.add(b.build());
        }
        return out;
    }
}
