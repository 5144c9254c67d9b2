package dev.limbo.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.limbo.report.JsonReport;
import dev.limbo.report.Report;
import dev.limbo.rules.Rule;
import dev.limbo.rules.RuleCatalog;
import dev.limbo.rules.RulePage;
import dev.limbo.rules.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code limbo rules [ID]}: the catalog, or one rule's documentation page. The pages under
 * docs/rules/ are English; other languages get the page built from the rule's texts in the
 * message bundle ({@link RulePage}).
 */
@Command(name = "rules", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        header = "The rule catalog, or one rule's documentation page.",
        description = {"The rule catalog; with an ID, that rule's documentation page.",
            "--lang zh prints the page built from the rule's Chinese texts in limbo's message bundle."})
public final class RulesCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "a rule id")
    String id;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "en or zh (default: from LC_ALL, LC_MESSAGES or LANG: zh_* gives zh, anything else en)")
    String lang = CommonOptions.defaultLang(System.getenv());

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json (schema limbo/v1, schema/limbo-v1.schema.json)")
    String format = "text";

    @Override
    public Integer call() throws IOException {
        if (!lang.equals("en") && !lang.equals("zh")) {
            throw new Main.UsageError("--lang must be en or zh, not '" + lang + "'");
        }
        if (!format.equals("text") && !format.equals("json")) {
            throw new Main.UsageError("--format must be text or json, not '" + format + "'");
        }
        Texts t = Texts.of(lang);
        Rule one = null;
        if (id != null) {
            one = RuleCatalog.byId(id);
            if (one == null) {
                throw new Main.UsageError("no such rule: " + id + " (limbo rules lists them)");
            }
        }
        if (format.equals("json")) {
            main.out.println(json(one, t).toPrettyString());
            return 0;
        }
        if (one == null) {
            for (Rule r : RuleCatalog.all()) {
                main.out.printf("%-28s %-9s %s%n", r.id(), r.defaultSeverity(), r.summary(t));
            }
            main.out.println();
            main.out.println(t.get("rules.hint"));
            return 0;
        }
        main.out.print(page(one, t));
        return 0;
    }

    /** The English page shipped in the jar, or the page built from the bundle for other languages. */
    private static String page(Rule r, Texts t) throws IOException {
        if (!t.lang().equals("en")) {
            return RulePage.render(r, t);
        }
        try (InputStream in = RulesCommand.class.getResourceAsStream("/docs/rules/" + r.id() + ".md")) {
            return in == null ? RulePage.render(r, t) : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@code {"schema":"limbo/v1","lang":..,"rules":[{id,severity,summary}]}}, with the page for one rule. */
    private static ObjectNode json(Rule one, Texts t) throws IOException {
        ObjectNode root = JsonReport.mapper().createObjectNode();
        root.put("schema", Report.SCHEMA);
        root.put("lang", t.lang());
        ArrayNode rules = root.putArray("rules");
        for (Rule r : one == null ? RuleCatalog.all() : java.util.List.of(one)) {
            ObjectNode n = rules.addObject().put("id", r.id()).put("severity", r.defaultSeverity().name()).put("summary", r.summary(t));
            if (one != null) {
                n.put("page", page(r, t));
            }
        }
        return root;
    }
}
