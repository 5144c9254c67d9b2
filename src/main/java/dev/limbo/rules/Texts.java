package dev.limbo.rules;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Human-readable strings from the {@code dev.limbo.messages} bundles (English and Chinese).
 * Placeholders are {@code {0}}, {@code {1}}, … and are replaced literally (no MessageFormat quoting).
 * A missing key prints as the key itself, except under the tests (system property
 * {@code limbo.texts.strict=true}, set by the build), where it fails: a text that names no
 * sentence is a bug, not a fallback.
 */
public final class Texts {
    private static final boolean STRICT = Boolean.getBoolean("limbo.texts.strict");
    private final ResourceBundle bundle;
    private final ResourceBundle fallback;
    private final String lang;

    private Texts(String lang) {
        this.lang = lang;
        this.fallback = ResourceBundle.getBundle("dev.limbo.messages", Locale.ROOT);
        this.bundle = lang.equals("en") ? fallback
                : ResourceBundle.getBundle("dev.limbo.messages", Locale.forLanguageTag(lang));
    }

    public static Texts of(String lang) {
        return new Texts(lang == null ? "en" : lang);
    }

    public String lang() {
        return lang;
    }

    public boolean has(String key) {
        return bundle.containsKey(key) || fallback.containsKey(key);
    }

    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            try {
                pattern = fallback.getString(key);
            } catch (MissingResourceException e2) {
                if (STRICT) {
                    throw new IllegalStateException("missing message key: " + key);
                }
                pattern = key;
            }
        }
        if (args.length == 0) {
            return pattern;
        }
        StringBuilder b = new StringBuilder(pattern.length() + 32);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' && i + 2 < pattern.length() && Character.isDigit(pattern.charAt(i + 1)) && pattern.charAt(i + 2) == '}') {
                int n = pattern.charAt(i + 1) - '0';
                b.append(n < args.length ? String.valueOf(args[n]) : "{" + n + "}");
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
