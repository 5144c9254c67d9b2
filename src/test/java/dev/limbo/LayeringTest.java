package dev.limbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Layers point one way: each package may use only the packages listed for it. Any mention of
 * another limbo package in main code (import or fully qualified name) counts.
 */
class LayeringTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "procfs", Set.of(),
            "model", Set.of("procfs"),
            "sampling", Set.of("procfs", "model"),
            "rules", Set.of("procfs", "model"),
            "report", Set.of("model", "rules"),
            "monitor", Set.of("procfs", "model", "sampling", "rules", "report"),
            "agent", Set.of("procfs", "model", "sampling", "rules", "report", "monitor"),
            "cli", Set.of("procfs", "model", "sampling", "rules", "report", "monitor", "agent"));

    private static final Pattern USE = Pattern.compile("\\bdev\\.limbo\\.([a-z]+)\\.");

    @Test
    void packagesUseOnlyTheLayersBelowThem() throws IOException {
        Path main = Path.of("src/main/java/dev/limbo");
        List<String> violations = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = main.relativize(f).getName(0).toString();
                seen.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                assertThat(allowed).as("package %s has no layer in this test", pkg).isNotNull();
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !allowed.contains(used)) {
                        violations.add(main.relativize(f) + " uses dev.limbo." + used);
                    }
                }
            }
        }
        assertThat(seen).contains("procfs", "rules", "report", "cli");
        assertThat(violations).isEmpty();
    }
}
