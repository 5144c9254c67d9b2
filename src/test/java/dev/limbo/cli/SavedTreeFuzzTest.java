package dev.limbo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.limbo.procfs.Archive;
import dev.limbo.procfs.Fixtures;
import dev.limbo.procfs.FuzzBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Whole-tree properties, fuzzed for a time budget ({@link FuzzBudget}): real saved trees (every
 * case under src/test/resources/cases, including the seed case, and every multi-sample tree under
 * trees/) with files removed, truncated or garbled, whole directories removed, and archives with
 * garbled bytes. Whatever is handed over, {@code scan} and {@code explain} never throw (no
 * "internal error"), exit 0 to 3, and every finding keeps its evidence: at least one line, each
 * under the root in use.
 */
class SavedTreeFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Each tree as relative path to bytes; links as relative path to "-> target". */
    static final List<Map<String, byte[]>> TREES = load();

    static List<Map<String, byte[]>> load() {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> cases = Files.list(Fixtures.path("cases")); Stream<Path> trees = Files.list(Fixtures.path("trees"))) {
            cases.filter(Files::isDirectory).forEach(roots::add);
            trees.filter(Files::isDirectory).forEach(roots::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        roots.add(Fixtures.caseRoot("seed/proc"));
        List<Map<String, byte[]>> out = new ArrayList<>();
        for (Path root : roots) {
            Map<String, byte[]> files = new TreeMap<>();
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    String rel = root.relativize(p).toString();
                    if (Files.isSymbolicLink(p)) {
                        files.put(rel, ("-> " + Files.readSymbolicLink(p)).getBytes());
                    } else if (Files.isRegularFile(p) && !rel.endsWith(".md") && !rel.endsWith(".py") && !rel.endsWith(".json")) {
                        files.put(rel, Files.readAllBytes(p));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!files.isEmpty()) {
                out.add(files);
            }
        }
        return out;
    }

    static Map<String, byte[]> mutated(Random r) {
        Map<String, byte[]> t = new TreeMap<>(TREES.get(r.nextInt(TREES.size())));
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n && !t.isEmpty(); i++) {
            List<String> keys = new ArrayList<>(t.keySet());
            String k = keys.get(r.nextInt(keys.size()));
            byte[] v = t.get(k);
            switch (r.nextInt(6)) {
                case 0 -> t.remove(k);
                case 1 -> t.put(k, java.util.Arrays.copyOf(v, v.length == 0 ? 0 : r.nextInt(v.length)));
                case 2 -> {
                    byte[] g = v.clone();
                    for (int j = 0; j < 1 + r.nextInt(8) && g.length > 0; j++) {
                        g[r.nextInt(g.length)] = (byte) r.nextInt(256);
                    }
                    t.put(k, g);
                }
                case 3 -> {
                    byte[] junk = new byte[r.nextInt(300)];
                    r.nextBytes(junk);
                    t.put(k, junk);
                }
                case 4 -> {
                    // a whole directory (a pid, a task) gone
                    String dir = k.contains("/") ? k.substring(0, k.lastIndexOf('/')) : k;
                    t.keySet().removeIf(x -> x.startsWith(dir + "/") || x.equals(dir));
                }
                default -> t.put(k, (new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .replace("D (disk sleep)", "Z (zombie)").replace(") S ", ") D ")).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return t;
    }

    static byte[] tarGz(Map<String, byte[]> tree) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Archive.Writer w = new Archive.Writer(b)) {
            for (Map.Entry<String, byte[]> e : tree.entrySet()) {
                String v = new String(e.getValue(), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (v.startsWith("-> ") && e.getKey().contains("/fd/")) {
                    w.symlink(e.getKey(), v.substring(3));
                } else {
                    w.file(e.getKey(), e.getValue());
                }
            }
        }
        return b.toByteArray();
    }

    static void assertSound(Limbo r, Path f, String what) throws IOException {
        assertThat(r.code()).as("%s exit; %s", what, r.err()).isBetween(0, 3);
        assertThat(r.err()).as(what).doesNotContain("internal error").doesNotContain("Exception").doesNotContain("\tat ");
        if (r.code() == 3) {
            assertThat(r.errLines()).as(what).hasSize(1);
            return;
        }
        JsonNode json = JSON.readTree(r.out());
        for (JsonNode finding : json.path("findings")) {
            assertThat(finding.path("evidence").size()).as("%s: evidence of %s", what, finding.path("rule")).isPositive();
            for (JsonNode e : finding.path("evidence")) {
                assertThat(e.path("path").asText()).as(what).startsWith(f + "/");
            }
        }
    }

    static List<String> pids(Map<String, byte[]> tree) {
        List<String> out = new ArrayList<>();
        for (String k : tree.keySet()) {
            String[] parts = k.split("/");
            for (String p : parts) {
                if (p.matches("[0-9]{1,7}") && !out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void aDamagedTreeIsDiagnosedWithoutFailing(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        Map<String, byte[]> tree = mutated(r);
        Path f = Files.createTempFile("limbo-fuzz-", ".tar.gz");
        try {
            Files.write(f, tarGz(tree));
            assertSound(Limbo.run("scan", "--proc-root", f.toString(), "--format", "json"), f, "seed " + seed + " scan");
            List<String> pids = pids(tree);
            if (!pids.isEmpty()) {
                String pid = pids.get(r.nextInt(pids.size()));
                assertSound(Limbo.run("explain", pid, "--proc-root", f.toString(), "--format", "json"), f, "seed " + seed + " explain " + pid);
                Limbo text = Limbo.run("explain", pid, "--proc-root", f.toString());
                assertThat(text.code()).isBetween(0, 3);
                assertThat(text.err()).doesNotContain("internal error");
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Garbled archive bytes (inside the gzip: headers, sizes, names): a clean exit 3 or a sound diagnosis. */
    @Property(tries = Integer.MAX_VALUE)
    @AddLifecycleHook(FuzzBudget.class)
    void aGarbledArchiveIsRefusedOrDiagnosed(@ForAll long seed) throws IOException {
        Random r = new Random(seed);
        Map<String, byte[]> tree = TREES.get(r.nextInt(TREES.size()));
        byte[] tar;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(tarGz(tree)))) {
            tar = in.readAllBytes();
        }
        int n = 1 + r.nextInt(10);
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(tar.length);
            if (r.nextInt(4) == 0) {
                tar = java.util.Arrays.copyOf(tar, at); // cut
                if (tar.length == 0) {
                    break;
                }
            } else {
                // mostly inside headers: every 512-byte block's first 512 bytes are as likely as data
                tar[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : "0123456789 /.L5x\0".charAt(r.nextInt(17)));
            }
        }
        Path f = Files.createTempFile("limbo-fuzz-", ".tar.gz");
        try {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (var g = new java.util.zip.GZIPOutputStream(gz)) {
                g.write(tar);
            }
            Files.write(f, gz.toByteArray());
            long t0 = System.nanoTime();
            assertSound(Limbo.run("scan", "--proc-root", f.toString(), "--format", "json"), f, "seed " + seed + " scan");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("seed %d", seed).isLessThan(30_000);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
