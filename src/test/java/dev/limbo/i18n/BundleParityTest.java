package dev.limbo.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.rules.Texts;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The Chinese bundle {@code messages_zh.properties} says everything the English one says: the same
 * keys, the same placeholders, real translations, valid UTF-8.
 */
class BundleParityTest {
    private static final String EN = "/dev/limbo/messages.properties";
    private static final String ZH = "/dev/limbo/messages_zh.properties";

    /**
     * Keys whose Chinese value may legitimately equal the English one (pure identifiers, commands or
     * formats with no prose). Currently none: every value has some wording to translate. Add a key
     * here only with the reason next to it.
     */
    private static final Set<String> SAME_AS_ENGLISH = Set.of();

    /** Anything in braces: a placeholder {n}, or a malformed one that must also match the English. */
    private static final Pattern BRACES = Pattern.compile("\\{[^{}]*\\}");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    /** CRC-32 of each English value as it read when its translation was last written. */
    private static final Path BASELINE = Path.of("src/test/java/dev/limbo/i18n/english-baseline.txt");

    @Test
    void bothBundlesDecodeAsStrictUtf8() throws IOException {
        for (String path : List.of(EN, ZH)) {
            byte[] bytes = bytes(path);
            assertThat(decodesStrictly(bytes)).as("%s is valid UTF-8", path).isTrue();
            assertThat(bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                    && (bytes[2] & 0xff) == 0xbf).as("%s has no byte-order mark", path).isFalse();
        }
    }

    @Test
    void chineseBundleHoldsRealCharactersNotEscapes() throws IOException {
        String zh = text(ZH);
        assertThat(zh).as("write UTF-8 characters, not \\u escapes").doesNotContain("\\u");
        assertThat(CJK.matcher(zh).find()).isTrue();
    }

    @Test
    void everyEnglishKeyIsInChineseAndViceVersa() throws IOException {
        Map<String, String> en = load(EN);
        Map<String, String> zh = load(ZH);
        assertThat(en).isNotEmpty();
        assertThat(new TreeSet<>(zh.keySet())).as("keys missing from the Chinese bundle")
                .containsAll(en.keySet());
        assertThat(new TreeSet<>(en.keySet())).as("keys in the Chinese bundle that English does not have")
                .containsAll(zh.keySet());
    }

    @Test
    void keysComeInTheSameOrder() throws IOException {
        assertThat(keysInFileOrder(ZH)).isEqualTo(keysInFileOrder(EN));
    }

    @Test
    void noKeyIsDefinedTwice() throws IOException {
        for (String path : List.of(EN, ZH)) {
            List<String> keys = keysInFileOrder(path);
            assertThat(keys).as("duplicate keys in %s", path).doesNotHaveDuplicates();
        }
    }

    @Test
    void placeholdersAreExactlyTheSame() throws IOException {
        Map<String, String> en = load(EN);
        Map<String, String> zh = load(ZH);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : en.entrySet()) {
            String z = zh.get(e.getKey());
            if (z == null) {
                continue; // reported by everyEnglishKeyIsInChineseAndViceVersa
            }
            Set<String> want = braces(e.getValue());
            Set<String> got = braces(z);
            if (!want.equals(got)) {
                wrong.add(e.getKey() + ": English " + want + ", Chinese " + got);
            }
        }
        assertThat(wrong).as("placeholder sets that differ").isEmpty();
    }

    @Test
    void chineseValuesAreTranslated() throws IOException {
        Map<String, String> en = load(EN);
        Map<String, String> zh = load(ZH);
        assertThat(en.keySet()).as("every key allowed to stay English exists").containsAll(SAME_AS_ENGLISH);
        List<String> same = new ArrayList<>();
        List<String> noChinese = new ArrayList<>();
        for (Map.Entry<String, String> e : zh.entrySet()) {
            if (SAME_AS_ENGLISH.contains(e.getKey())) {
                continue;
            }
            if (e.getValue().equals(en.get(e.getKey()))) {
                same.add(e.getKey());
            }
            if (!CJK.matcher(e.getValue()).find()) {
                noChinese.add(e.getKey() + "=" + e.getValue());
            }
        }
        assertThat(same).as("values identical to English").isEmpty();
        assertThat(noChinese).as("values without a single Chinese character").isEmpty();
    }

    @Test
    void translationsFollowTheCurrentEnglish() throws IOException {
        assertThat(BASELINE).as("run from the project directory").exists();
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : Files.readAllLines(BASELINE, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\t");
            recorded.put(kv[0], kv[1]);
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : load(EN).entrySet()) {
            String now = crc(e.getValue());
            if (!now.equals(recorded.get(e.getKey()))) {
                stale.add(e.getKey() + "\t" + now + "    <- English now: " + e.getValue());
            }
        }
        assertThat(stale).as("English values changed or added since the Chinese was written: update "
                + "messages_zh.properties, then record these lines (without the comment) in " + BASELINE).isEmpty();
    }

    private static String crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", c.getValue());
    }

    @Test
    void noValueIsEmpty() throws IOException {
        for (String path : List.of(EN, ZH)) {
            load(path).forEach((k, v) -> assertThat(v.strip()).as("%s in %s", k, path).isNotEmpty());
        }
    }

    @Test
    void limboResolvesTheChineseBundleForLangZh() throws IOException {
        Texts zh = Texts.of("zh");
        Texts en = Texts.of("en");
        load(ZH).forEach((k, v) -> assertThat(zh.get(k)).as(k).isEqualTo(v));
        load(EN).forEach((k, v) -> assertThat(en.get(k)).as(k).isEqualTo(v));
    }

    @Test
    void placeholdersAreFilledInChinese() {
        Texts zh = Texts.of("zh");
        String s = zh.get("zombie-leader-stuck-thread.title", "22889 (qemu-kvm)", 22976, "vhost_dev_cleanup");
        assertThat(s).contains("22889 (qemu-kvm)", "22976", "vhost_dev_cleanup", "僵尸进程").doesNotContain("{");
    }

    private static Set<String> braces(String s) {
        Set<String> out = new TreeSet<>();
        Matcher m = BRACES.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static boolean decodesStrictly(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] bytes(String path) throws IOException {
        try (InputStream in = BundleParityTest.class.getResourceAsStream(path)) {
            assertThat(in).as("%s on the classpath", path).isNotNull();
            return in.readAllBytes();
        }
    }

    private static String text(String path) throws IOException {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    private static Map<String, String> load(String path) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text(path)));
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    /** Keys as they appear line by line (the files use no continuation lines). */
    private static List<String> keysInFileOrder(String path) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String line : text(path).split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("!")) {
                continue;
            }
            int eq = l.indexOf('=');
            keys.add((eq < 0 ? l : l.substring(0, eq)).strip());
        }
        return keys;
    }
}
