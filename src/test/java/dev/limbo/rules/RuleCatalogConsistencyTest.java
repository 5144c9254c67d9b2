package dev.limbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One source for a rule's id, severity and summary: the rule class (its {@code ID} and the
 * severity it gives {@link BaseRule}) and its summary key in the bundles. This test ties them to
 * everything that repeats them: both message bundles and {@code docs/rules/<id>.md}.
 */
class RuleCatalogConsistencyTest {
    private static final Path DOCS = Path.of(System.getProperty("limbo.repo", "."), "docs/rules");

    @Test
    void everyRuleClassNamesItsOwnId() throws Exception {
        Set<String> ids = new HashSet<>();
        for (Rule r : RuleCatalog.all()) {
            Field f = r.getClass().getField("ID");
            assertThat(Modifier.isStatic(f.getModifiers())).isTrue();
            assertThat(f.get(null)).as(r.getClass().getSimpleName()).isEqualTo(r.id());
            assertThat(ids.add(r.id())).as("duplicate id %s", r.id()).isTrue();
            assertThat(r.id()).matches("[a-z]+(-[a-z]+)+");
        }
    }

    @Test
    void everyRuleHasItsSummaryInBothLanguages() throws IOException {
        for (String bundle : List.of("messages.properties", "messages_zh.properties")) {
            Properties p = bundle(bundle);
            for (Rule r : RuleCatalog.all()) {
                assertThat(p.getProperty(r.id() + ".summary")).as("%s in %s", r.id(), bundle).isNotBlank();
                assertThat(p.getProperty(r.id() + ".title", p.getProperty(r.id() + ".title.zombie")))
                        .as("a title for %s in %s", r.id(), bundle).isNotBlank();
            }
        }
        assertThat(RuleCatalog.all().get(0).summary(Texts.of("en")))
                .isEqualTo(bundle("messages.properties").getProperty(RuleCatalog.all().get(0).id() + ".summary"));
    }

    @Test
    void noBundleKeyBelongsToARuleThatDoesNotExist() throws IOException {
        Set<String> ids = RuleCatalog.all().stream().map(Rule::id).collect(Collectors.toSet());
        for (String bundle : List.of("messages.properties", "messages_zh.properties")) {
            Set<String> strays = new TreeSet<>();
            for (String key : bundle(bundle).stringPropertyNames()) {
                String prefix = key.substring(0, Math.max(0, key.indexOf('.')));
                if (prefix.contains("-") && !ids.contains(prefix)) {
                    strays.add(key);
                }
            }
            assertThat(strays).as("keys of unknown rules in %s", bundle).isEmpty();
        }
    }

    @Test
    void everyRuleHasItsPageAndThePageStatesItsSeverity() throws IOException {
        Set<String> pages;
        try (Stream<Path> s = Files.list(DOCS)) {
            pages = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(pages).containsExactlyInAnyOrderElementsOf(RuleCatalog.all().stream().map(Rule::id).toList());
        for (Rule r : RuleCatalog.all()) {
            String page = Files.readString(DOCS.resolve(r.id() + ".md"), StandardCharsets.UTF_8);
            assertThat(page.lines().findFirst()).as(r.id()).hasValue("# " + r.id());
            assertThat(page).as(r.id()).contains("Default severity: **" + r.defaultSeverity().name() + "**");
            for (Severity other : Severity.values()) {
                if (other != r.defaultSeverity()) {
                    assertThat(page).as(r.id()).doesNotContain("Default severity: **" + other.name() + "**");
                }
            }
        }
    }

    private static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Texts.class.getResourceAsStream("/dev/limbo/" + name)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }
}
