package dev.limbo.monitor;

import dev.limbo.rules.Finding;
import dev.limbo.rules.Rule;
import dev.limbo.rules.RuleCatalog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code --rules}: which rules count. A comma-separated list (the option may repeat) of rule ids
 * to include and {@code -ID} (or {@code !ID}) to exclude: {@code --rules hung-task,stuck-in-exit}
 * keeps only those two, {@code --rules=-zombie-leader-live-threads} keeps all but that one. With
 * no includes, every rule is included.
 */
public final class RuleFilter implements Predicate<Finding> {
    private final Set<String> include;
    private final Set<String> exclude;

    private RuleFilter(Set<String> include, Set<String> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    public static RuleFilter all() {
        return new RuleFilter(Set.of(), Set.of());
    }

    public static RuleFilter parse(List<String> specs) {
        Set<String> include = new LinkedHashSet<>();
        Set<String> exclude = new LinkedHashSet<>();
        if (specs != null) {
            for (String spec : specs) {
                for (String part : spec.split(",")) {
                    String p = part.strip();
                    if (p.isEmpty()) {
                        continue;
                    }
                    boolean ex = p.startsWith("-") || p.startsWith("!");
                    String id = ex ? p.substring(1).strip() : (p.startsWith("+") ? p.substring(1).strip() : p);
                    if (RuleCatalog.byId(id) == null) {
                        throw new IllegalArgumentException("--rules: unknown rule '" + id + "' (known: "
                                + String.join(", ", RuleCatalog.all().stream().map(Rule::id).toList()) + ")");
                    }
                    (ex ? exclude : include).add(id);
                }
            }
        }
        for (String id : include) {
            if (exclude.contains(id)) {
                throw new IllegalArgumentException("--rules: '" + id + "' is both included and excluded");
            }
        }
        return new RuleFilter(include, exclude);
    }

    public boolean allows(String rule) {
        return (include.isEmpty() || include.contains(rule)) && !exclude.contains(rule);
    }

    @Override
    public boolean test(Finding f) {
        return allows(f.rule());
    }

    @Override
    public String toString() {
        if (include.isEmpty() && exclude.isEmpty()) {
            return "all";
        }
        StringBuilder b = new StringBuilder();
        include.forEach(i -> b.append(b.length() == 0 ? "" : ",").append(i));
        exclude.forEach(e -> b.append(b.length() == 0 ? "" : ",").append('-').append(e));
        return b.toString();
    }
}
