package dev.limbo.cli;

import dev.limbo.rules.Rule;
import dev.limbo.rules.RuleCatalog;
import dev.limbo.rules.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code limbo rules [ID]}: the catalog, or one rule's documentation page. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "The rule catalog; with an ID, that rule's documentation.")
public final class RulesCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "a rule id")
    String id;

    @Option(names = "--lang", paramLabel = "LANG", description = "en (default) or zh")
    String lang = "en";

    @Override
    public Integer call() throws IOException {
        if (!lang.equals("en") && !lang.equals("zh")) {
            throw new Main.UsageError("--lang must be en or zh, not '" + lang + "'");
        }
        Texts t = Texts.of(lang);
        if (id == null) {
            for (Rule r : RuleCatalog.all()) {
                main.out.printf("%-28s %-9s %s%n", r.id(), r.defaultSeverity(), r.summary(t));
            }
            main.out.println();
            main.out.println(t.get("rules.hint"));
            return 0;
        }
        Rule r = RuleCatalog.byId(id);
        if (r == null) {
            throw new Main.UsageError("no such rule: " + id + " (limbo rules lists them)");
        }
        try (InputStream in = RulesCommand.class.getResourceAsStream("/docs/rules/" + id + ".md")) {
            if (in == null) {
                main.out.println(r.id() + " (" + r.defaultSeverity() + "): " + r.summary(t));
            } else {
                main.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return 0;
    }
}
