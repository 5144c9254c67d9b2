package dev.limbo.rules;

import dev.limbo.model.Observation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** Runs the rules over an observation and orders the findings, worst first. */
public final class Diagnoser {
    private final List<Rule> rules;
    private final RuleOptions options;
    private final Texts texts;

    public Diagnoser(List<Rule> rules, RuleOptions options, Texts texts) {
        this.rules = rules;
        this.options = options;
        this.texts = texts;
    }

    public Diagnoser(RuleOptions options, Texts texts) {
        this(RuleCatalog.all(), options, texts);
    }

    public List<Finding> diagnose(Observation observation) {
        return diagnose(observation, f -> true);
    }

    public List<Finding> diagnose(Observation observation, Predicate<Finding> keep) {
        Context ctx = new Context(observation, options, texts);
        List<Finding> out = new ArrayList<>();
        for (Rule r : rules) {
            for (Finding f : r.evaluate(ctx)) {
                if (keep.test(f)) {
                    out.add(f);
                }
            }
        }
        out = new ArrayList<>(Stories.link(out, ctx));
        out.sort(Comparator.comparing(Finding::severity)
                .thenComparingInt(f -> RuleCatalog.order(f.rule()))
                .thenComparingInt(Finding::pid));
        return out;
    }
}
