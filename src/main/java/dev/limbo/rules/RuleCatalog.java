package dev.limbo.rules;

import java.util.List;

/**
 * Every rule limbo has, in the order findings of equal severity are listed and a story's leading
 * finding is chosen (the zombie rules first: they explain why a stuck thread matters).
 */
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
            new ZombieLeaderLiveThreadsRule(),
            new KillableWaitRule());

    private RuleCatalog() {
    }

    public static List<Rule> all() {
        return RULES;
    }

    /** The rule's place in {@link #all()}; unknown ids last. */
    public static int order(String id) {
        for (int i = 0; i < RULES.size(); i++) {
            if (RULES.get(i).id().equals(id)) {
                return i;
            }
        }
        return RULES.size();
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
