package dev.limbo.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A rule's documentation page built from the message bundle, for languages without a hand-written
 * page (docs/rules/*.md are English): the rule's own texts in that language, in the bundle's
 * order, grouped as the English pages are (causes, release, what does not help, remedies). The
 * placeholders a finding fills in (pids, names) are shown as "…".
 */
public final class RulePage {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d}");

    private RulePage() {
    }

    public static String render(Rule rule, Texts texts) {
        List<String> causes = new ArrayList<>();
        List<String> released = new ArrayList<>();
        List<String> noHelp = new ArrayList<>();
        List<String> remedies = new ArrayList<>();
        String prefix = rule.id() + ".";
        for (String key : keysInOrder()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            String rest = key.substring(prefix.length());
            String text = fill(texts.get(key));
            if (rest.startsWith("cause.")) {
                causes.add("- " + text);
            } else if (rest.startsWith("released")) {
                released.add("- " + text);
            } else if (rest.startsWith("nohelp.")) {
                noHelp.add("- " + text);
            } else if (rest.startsWith("remedy.") && rest.endsWith(".action")) {
                String risk = key.substring(0, key.length() - ".action".length()) + ".risk";
                remedies.add("- " + text + (texts.has(risk) ? "\n  " + texts.get("rules.page.risk") + ": " + fill(texts.get(risk)) : ""));
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("# ").append(rule.id()).append(" (").append(rule.defaultSeverity()).append(")\n\n");
        b.append(rule.summary(texts)).append("\n");
        section(b, texts.get("rules.page.causes"), causes);
        section(b, texts.get("rules.page.released"), released);
        section(b, texts.get("rules.page.nohelp"), noHelp);
        section(b, texts.get("rules.page.remedies"), remedies);
        b.append("\n").append(texts.get("rules.page.generated", rule.id())).append("\n");
        return b.toString();
    }

    private static void section(StringBuilder b, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        b.append("\n## ").append(title).append("\n\n");
        lines.forEach(l -> b.append(l).append('\n'));
    }

    private static String fill(String text) {
        return PLACEHOLDER.matcher(text).replaceAll("…");
    }

    /** The keys of the English bundle in file order (ResourceBundle forgets the order). */
    private static List<String> keysInOrder() {
        List<String> keys = new ArrayList<>();
        try (InputStream in = RulePage.class.getResourceAsStream("/dev/limbo/messages.properties")) {
            if (in == null) {
                return keys;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            for (String line; (line = r.readLine()) != null; ) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    keys.add(line.substring(0, eq).strip());
                }
            }
        } catch (IOException e) {
            // a bundle that cannot be read gives a page with the summary only
        }
        return keys;
    }
}
