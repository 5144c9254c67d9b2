package dev.limbo.rules;

import java.util.List;

/** Every rule limbo has, in the order findings of equal severity are listed. */
public final class RuleCatalog {
    private static final List<Rule> RULES = List.of(
            new ZombieLeaderStuckThreadRule(),
            new StuckInExitRule(),
            new HungTaskRule(),
            new TracedZombieRule(),
            new ZombieInitNotReapingRule(),
            new ZombieAccumulationRule(),
            new UnreapedZombieRule(),
            new ProcReadBlockedRule(),
            new KillableWaitRule(),
            new ZombieLeaderLiveThreadsRule());

    private RuleCatalog() {
    }

    public static List<Rule> all() {
        return RULES;
    }

    public static Rule byId(String id) {
        for (Rule r : RULES) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
