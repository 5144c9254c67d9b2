package dev.limbo.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.cli.Main;
import dev.limbo.procfs.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code --lang zh} changes the words, never the diagnosis: on the founding case and every saved
 * fixture tree, scan, explain and check give the same exit codes in both languages, and the JSON
 * findings the same rule ids, severities, pids and tids, in the same order.
 */
class LanguageParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TREES = Path.of(System.getProperty("limbo.repo", "."), "src/test/resources/trees");

    record Run(int code, String out, String err) {}

    static Run limbo(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run in(String lang, String... args) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 2);
        a[args.length] = "--lang";
        a[args.length + 1] = lang;
        return limbo(a);
    }

    /** rule severity pid tids of each finding, in the order printed. */
    static List<String> ids(Run r) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode f : JSON.readTree(r.out()).path("findings")) {
            out.add(f.path("rule").asText() + " " + f.path("severity").asText() + " " + f.path("pid").asInt() + " " + f.path("tids"));
        }
        return out;
    }

    /** pid, then tid and state of each thread of explain's target. */
    static List<String> threads(Run r) throws IOException {
        JsonNode t = JSON.readTree(r.out()).path("target");
        List<String> out = new ArrayList<>(List.of("pid " + t.path("pid").asInt()));
        for (JsonNode th : t.path("threads")) {
            out.add(th.path("tid").asInt() + " " + th.path("state").asText());
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> sameDiagnosisInBothLanguages() throws IOException {
        List<Path> roots = new ArrayList<>();
        roots.add(Fixtures.caseRoot("seed/proc"));
        JsonNode index = JSON.readTree(TREES.resolve("index.json").toFile());
        for (Iterator<String> it = index.fieldNames(); it.hasNext();) {
            roots.add(TREES.resolve(it.next()));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path root : roots) {
            tests.add(DynamicTest.dynamicTest(root.getFileName().toString(), () -> same(root)));
        }
        return tests;
    }

    static void same(Path root) throws IOException {
        assertThat(root).isDirectory();
        String r = root.toString();
        Run en = in("en", "scan", "--proc-root", r, "--format", "json");
        Run zh = in("zh", "scan", "--proc-root", r, "--format", "json");
        assertThat(en.err()).isEmpty();
        assertThat(zh.err()).isEmpty();
        assertThat(zh.code()).as("scan exit code").isEqualTo(en.code());
        List<String> found = ids(en);
        assertThat(ids(zh)).as("scan findings").isEqualTo(found);
        assertThat(in("zh", "scan", "--proc-root", r).code()).as("text scan exit code").isEqualTo(en.code());
        assertThat(in("zh", "check", "--proc-root", r).code()).as("check exit code")
                .isEqualTo(in("en", "check", "--proc-root", r).code());

        Set<Integer> pids = new LinkedHashSet<>();
        for (JsonNode f : JSON.readTree(en.out()).path("findings")) {
            pids.add(f.path("pid").asInt());
        }
        for (int pid : pids) {
            Run e = in("en", "explain", String.valueOf(pid), "--proc-root", r, "--format", "json");
            Run z = in("zh", "explain", String.valueOf(pid), "--proc-root", r, "--format", "json");
            assertThat(z.code()).as("explain %d exit code", pid).isEqualTo(e.code());
            assertThat(ids(z)).as("explain %d findings", pid).isEqualTo(ids(e));
            assertThat(threads(z)).as("explain %d threads", pid).isEqualTo(threads(e));
        }
    }
}
