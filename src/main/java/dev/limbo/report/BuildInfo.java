package dev.limbo.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * limbo's own version, as the build computed it from git ({@code git describe}, see pom.xml) and
 * wrote into {@code dev/limbo/version.properties}; the pom version when the build had no git.
 * Read from a resource rather than the jar manifest so that tests (target/classes) see it too.
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    public static String version() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/limbo/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unreadable resource: fall through to the manifest and then "dev"
        }
        for (String candidate : new String[] {p.getProperty("version"), BuildInfo.class.getPackage().getImplementationVersion(),
                p.getProperty("pomVersion")}) {
            // an unfiltered resource (an IDE build) still holds the ${...} placeholders
            if (candidate != null && !candidate.isBlank() && !candidate.contains("${")) {
                return candidate.trim();
            }
        }
        return "dev";
    }
}
