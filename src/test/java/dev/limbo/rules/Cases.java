package dev.limbo.rules;

import dev.limbo.model.Observation;
import dev.limbo.procfs.Fixtures;
import dev.limbo.sampling.ProcSource;
import dev.limbo.procfs.ReadPool;
import java.util.List;
import java.util.Set;

/** Runs the whole rule catalog over a case tree under src/test/resources/cases. */
final class Cases {
    private Cases() {
    }

    static Observation observe(String name) {
        return observe(Fixtures.caseRoot(name));
    }

    static Observation observe(java.nio.file.Path root) {
        try {
            return ProcSource.open(root.toString()).observe(new ReadPool(2, 10_000), 1, 0, Set.of());
        } catch (ProcSource.BadRootException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Finding> diagnose(String name) {
        return diagnose(name, RuleOptions.DEFAULTS);
    }

    static List<Finding> diagnose(String name, RuleOptions options) {
        return diagnose(observe(name), options);
    }

    static List<Finding> diagnose(Observation obs, RuleOptions options) {
        return new Diagnoser(options, Texts.of("en")).diagnose(obs);
    }

    static List<Finding> only(List<Finding> findings, String rule) {
        return findings.stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /** The one finding of that rule (fails the test when there is not exactly one). */
    static Finding one(List<Finding> findings, String rule) {
        List<Finding> l = only(findings, rule);
        if (l.size() != 1) {
            throw new AssertionError("expected one " + rule + " finding, got " + l.size() + ": " + rules(findings));
        }
        return l.get(0);
    }

    static List<String> rules(List<Finding> findings) {
        return findings.stream().map(f -> f.rule() + "/" + f.severity() + "/" + f.pid()).toList();
    }

    static List<String> evidenceLines(Finding f) {
        return f.evidence().stream().map(Evidence::line).toList();
    }

    static String all(Finding f) {
        return String.join("\n", f.causes()) + "\n" + f.releasedWhen() + "\n" + String.join("\n", f.doesNotHelp());
    }
}
