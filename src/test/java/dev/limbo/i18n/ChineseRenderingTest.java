package dev.limbo.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code --lang zh} on the saved trees of every native fixture ({@code src/test/resources/trees}):
 * the text of {@code scan} and {@code explain} is Chinese (no English sentence of the bundle leaks
 * through), and no placeholder such as {@code {3}} is left unfilled.
 */
class ChineseRenderingTest {
    private static final Path TREES = Path.of("src/test/resources/trees");
    private static final Pattern UNFILLED = Pattern.compile("\\{\\d\\}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+\\}");

    /** English prose fragments of the bundle (between placeholders) that must not show in zh output. */
    private static final Map<String, String> ENGLISH_FRAGMENTS = new TreeMap<>();

    @BeforeAll
    static void englishFragments() throws IOException {
        Properties en = load("/dev/limbo/messages.properties");
        Properties zh = load("/dev/limbo/messages_zh.properties");
        String allChinese = String.join("\n", zh.values().toArray(new String[0]));
        for (String key : en.stringPropertyNames()) {
            for (String part : PLACEHOLDER.split(en.getProperty(key))) {
                String f = part.strip();
                // Long enough to be prose; not a quoted kernel message the Chinese keeps too
                // ("blocked for more than").
                if (f.length() >= 16 && f.chars().filter(c -> c == ' ').count() >= 2 && !allChinese.contains(f)) {
                    ENGLISH_FRAGMENTS.put(f, key);
                }
            }
        }
    }

    @TestFactory
    List<DynamicTest> savedTreesRenderInChinese() throws IOException {
        dev.limbo.testing.Prerequisites.require(Files.isRegularFile(TREES.resolve("index.json")),
                "no saved trees under " + TREES + " (run from the project directory)");
        JsonNode index = new ObjectMapper().readTree(TREES.resolve("index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = index.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Path tree = TREES.resolve(e.getKey());
            Set<Integer> pids = new LinkedHashSet<>();
            e.getValue().path("expected").forEach(f -> pids.add(f.path("pid").asInt()));
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                assertThat(tree).as("the tree index.json lists").isDirectory(); // listed but missing: a failure, not a skip
                check(tree, pids);
            }));
        }
        assertThat(tests).isNotEmpty();
        return tests;
    }

    private static void check(Path tree, Set<Integer> pids) {
        List<String[]> runs = new ArrayList<>();
        runs.add(new String[] {"scan", "--proc-root", tree.toString()});
        for (int pid : pids) {
            runs.add(new String[] {"explain", String.valueOf(pid), "--proc-root", tree.toString()});
        }
        for (String[] args : runs) {
            String what = String.join(" ", args);
            String zh = run(args, "zh");
            // Both bundles have the same placeholders (BundleParityTest), so one language suffices.
            assertThat(unfilled(zh)).as("unfilled placeholders in Chinese: limbo %s --lang zh", what).isEmpty();
            List<String> leaks = new ArrayList<>();
            ENGLISH_FRAGMENTS.forEach((f, key) -> {
                if (zh.contains(f)) {
                    leaks.add(key + ": \"" + f + "\"");
                }
            });
            assertThat(leaks).as("English sentences in: limbo %s --lang zh", what).isEmpty();
            if (!pids.isEmpty()) {
                assertThat(zh).as("limbo %s --lang zh", what).contains("证据：", "解除条件：");
            }
            if (args[0].equals("explain")) {
                assertThat(zh).as("limbo %s --lang zh", what).contains("原因：", "处置办法（按顺序）：");
            }
        }
    }

    private static String run(String[] args, String lang) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--lang";
        all[args.length + 1] = lang;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(o, e, all);
        }
        assertThat(code).as("exit code of limbo %s; stderr: %s", String.join(" ", all),
                err.toString(StandardCharsets.UTF_8)).isBetween(0, 2);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Lines that still hold a literal {n}, minus the raw evidence (files as read may contain anything). */
    private static List<String> unfilled(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("    ") && line.contains(": ") && line.trim().startsWith(TREES.toString())) {
                continue; // an evidence line: path: content
            }
            Matcher m = UNFILLED.matcher(line);
            if (m.find()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    private static Properties load(String path) throws IOException {
        try (InputStream in = ChineseRenderingTest.class.getResourceAsStream(path)) {
            Properties p = new Properties();
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            return p;
        }
    }
}
