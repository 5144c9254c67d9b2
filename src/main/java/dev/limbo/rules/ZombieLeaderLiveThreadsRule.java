package dev.limbo.rules;

import dev.limbo.model.ProcessInfo;
import dev.limbo.model.Task;
import java.util.ArrayList;
import java.util.List;

/** Leader Z with live, unstuck siblings: the main thread called pthread_exit(). Normal. */
public final class ZombieLeaderLiveThreadsRule extends BaseRule {
    public static final String ID = "zombie-leader-live-threads";

    public ZombieLeaderLiveThreadsRule() {
        super(ID, Severity.INFO);
    }

    @Override
    public List<Finding> evaluate(Context ctx) {
        List<Finding> out = new ArrayList<>();
        for (ProcessInfo p : ctx.latest().processes().values()) {
            if (ctx.zombieCase(p.tgid()) != ZombieCase.LEADER_LIVE_THREADS) {
                continue;
            }
            List<Task> live = p.siblings();
            FindingBuilder b = new FindingBuilder(this, ctx, p, p.tgid())
                    .title(ID + ".title", ctx.name(p, p.tgid()), live.size());
            live.forEach(t -> b.tid(t.tid()));
            b.state(p.leader()).status(p.leader(), "Threads");
            live.stream().limit(4).forEach(t -> b.state(t));
            b.cause(ID + ".cause.pthread-exit", ctx.name(p, p.tgid()));
            for (Task t : live) {
                if (t.state().isUninterruptible()) {
                    String fn = ctx.waitOf(t).function();
                    b.cause(ID + ".cause.killable", ctx.name(t), fn == null ? "?" : fn);
                }
            }
            b.cause(ID + ".cause.delay", p.tgid());
            b.released(ID + ".released", p.tgid());
            b.noHelp(ID + ".nohelp");
            b.remedy(ID + ".remedy.none");
            out.add(b.build());
        }
        return out;
    }
}
