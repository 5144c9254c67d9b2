package dev.limbo.procfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources: saved /proc files and case trees under src/test/resources. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The founding case's name among the case trees; its files are in {@code examples/seed-case}. */
    private static final String SEED = "cases/seed";

    /**
     * The absolute path of a test resource (file or directory), read in place under
     * {@code src/test/resources} (some trees hold symlinks that are not copied to the classpath);
     * {@code cases/seed/...} is read from {@code examples/seed-case/...}.
     */
    public static Path path(String resource) {
        String rel = resource.startsWith("/") ? resource.substring(1) : resource;
        Path inPlace = Path.of(System.getProperty("limbo.repo", "."), "src/test/resources", rel);
        if (rel.equals(SEED) || rel.startsWith(SEED + "/")) {
            // the founding case has one copy, the README's example: examples/seed-case
            inPlace = Path.of(System.getProperty("limbo.repo", "."), "examples/seed-case", rel.substring(SEED.length()));
        }
        if (Files.exists(inPlace, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return inPlace.toAbsolutePath();
        }
        URL url = Fixtures.class.getResource(resource.startsWith("/") ? resource : "/" + resource);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A resource's text, as the parsers receive it (UTF-8, trailing newline kept). */
    public static String text(String resource) {
        try {
            return Files.readString(path(resource), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real file captured from this machine's /proc: {@code real("zombie", "stat")}. */
    public static String real(String task, String file) {
        return text("procfs/real/" + task + "/" + file);
    }

    public static String handmade(String file) {
        return text("procfs/handmade/" + file);
    }

    /** The procfs root of a case tree under src/test/resources/cases. */
    public static Path caseRoot(String name) {
        return path("cases/" + name);
    }
}
