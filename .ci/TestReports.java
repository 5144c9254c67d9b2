import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code java .ci/TestReports.java REPORTS_DIR ALLOWED_SKIPS TEST_SOURCES}: reads the Surefire
 * reports (TEST-*.xml) of a run and
 * <ul>
 * <li>prints one summary line: tests run, failed, errors, skipped, and the classes that ran;
 * <li>lists every skipped test with its reason, and fails (exit 1) when one is not on the
 *     allow-list (one {@code Class#method} or {@code Class} per line, {@code #} comments);
 * <li>fails when a test class under TEST_SOURCES that Surefire would run has no report at all: a
 *     whole group left out (excluded tag, a class that never started) is as silent as a skip.
 * </ul>
 * Run by .ci/run after the build, whatever the build's outcome. Plain JDK, no dependencies.
 */
public class TestReports {
    record Case(String cls, String name, String outcome, String message) {
        String key() {
            return cls + "#" + name;
        }
    }

    public static void main(String[] args) throws Exception {
        Path reports = Path.of(args[0]);
        Path allowFile = Path.of(args[1]);
        Path sources = Path.of(args[2]);
        List<Case> cases = new ArrayList<>();
        Set<String> reported = new TreeSet<>();
        if (Files.isDirectory(reports)) {
            try (Stream<Path> s = Files.list(reports)) {
                for (Path p : s.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                    String name = p.getFileName().toString();
                    reported.add(name.substring(5, name.length() - 4));
                    read(p, cases);
                }
            }
        }
        int failed = 0, errors = 0, skipped = 0;
        for (Case c : cases) {
            switch (c.outcome) {
                case "failure" -> failed++;
                case "error" -> errors++;
                case "skipped" -> skipped++;
                default -> { }
            }
        }
        List<String> allowed = allowList(allowFile);
        List<String> offenders = new ArrayList<>();
        for (Case c : cases) {
            if (c.outcome.equals("skipped")) {
                boolean ok = allowed.contains(c.key()) || allowed.contains(c.cls);
                System.out.println((ok ? "skipped (allowed): " : "SKIPPED, not allowed: ") + c.key()
                        + (c.message.isEmpty() ? "" : " -- " + c.message));
                if (!ok) {
                    offenders.add(c.key());
                }
            }
        }
        List<String> neverRan = new ArrayList<>();
        for (String cls : testClasses(sources)) {
            if (!reported.contains(cls) && !allowed.contains(cls)) {
                neverRan.add(cls);
                System.out.println("NEVER RAN (no Surefire report): " + cls);
            }
        }
        System.out.printf("== test summary: %d run, %d failed, %d errors, %d skipped (%d not allowed), %d classes reported, %d test classes without a report%n",
                cases.size(), failed, errors, skipped, offenders.size(), reported.size(), neverRan.size());
        if (cases.isEmpty()) {
            System.out.println("no test reports under " + reports);
            System.exit(1);
        }
        System.exit(offenders.isEmpty() && neverRan.isEmpty() ? 0 : 1);
    }

    static void read(Path report, List<Case> out) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList tcs = f.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
        for (int i = 0; i < tcs.getLength(); i++) {
            Element tc = (Element) tcs.item(i);
            String outcome = "passed", message = "";
            for (String o : new String[] {"failure", "error", "skipped"}) {
                NodeList n = tc.getElementsByTagName(o);
                if (n.getLength() > 0) {
                    outcome = o;
                    Element e = (Element) n.item(0);
                    message = e.getAttribute("message").isEmpty() ? e.getTextContent() : e.getAttribute("message");
                    message = message.replaceAll("\\s+", " ").strip();
                    message = message.length() > 300 ? message.substring(0, 300) + "..." : message;
                    break;
                }
            }
            out.add(new Case(tc.getAttribute("classname"), tc.getAttribute("name"), outcome, message));
        }
    }

    static List<String> allowList(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                String entry = l.replaceFirst("\\s+#.*$", "").replaceFirst("^#.*$", "").strip();
                if (!entry.isEmpty()) {
                    out.add(entry);
                }
            }
        }
        return out;
    }

    /** Classes Surefire runs by default (Test*, *Test, *Tests, *TestCase) that declare tests. */
    static Set<String> testClasses(Path sources) throws IOException {
        Set<String> out = new TreeSet<>();
        Pattern name = Pattern.compile("(Test[^/]*|[^/]*Test|[^/]*Tests|[^/]*TestCase)\\.java");
        Pattern declares = Pattern.compile("@(Test|TestFactory|ParameterizedTest|RepeatedTest|TestTemplate|Property|Example)\\b");
        if (!Files.isDirectory(sources)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(sources)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String file = p.getFileName().toString();
                if (!name.matcher(file).matches()) {
                    continue;
                }
                String text = Files.readString(p);
                if (!declares.matcher(text).find() || text.contains("abstract class ")) {
                    continue;
                }
                String rel = sources.relativize(p).toString();
                out.add(rel.substring(0, rel.length() - 5).replace('/', '.'));
            }
        }
        return out;
    }
}
