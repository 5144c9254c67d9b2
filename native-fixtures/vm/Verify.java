import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks limbo's diagnosis from the guest (run by native-fixtures/vm/run with the source launcher,
 * Jackson from limbo's own classpath). Args: FIXTURE_JSON SCAN_JSON SCAN_AFTER_JSON SCAN_RC EXPLAIN_RC EXPLAIN_TXT
 * [CONTAINER_ID CHILD_IN_CONTAINER] (container mode: the finding must name the container and the pid inside).
 * Prints every problem found and exits 1 if there is any.
 */
public class Verify {
    public static void main(String[] a) throws Exception {
        ObjectMapper om = new ObjectMapper();
        JsonNode fx = om.readTree(a[0]);
        int child = fx.path("pids").path("child").asInt(), tid = fx.path("tids").path("stuck").asInt();
        List<String> bad = new ArrayList<>();
        if (!"2".equals(a[3].trim())) bad.add("limbo scan exit " + a[3].trim() + ", want 2 (CRITICAL)");
        if (!"2".equals(a[4].trim())) bad.add("limbo explain exit " + a[4].trim() + ", want 2 (CRITICAL)");
        JsonNode scan = read(om, a[1], bad), after = read(om, a[2], bad);
        JsonNode f = null;
        if (scan != null) {
            if (!"limbo/v1".equals(scan.path("schema").asText())) bad.add("scan.json schema is not limbo/v1");
            for (JsonNode n : scan.path("findings"))
                if ("zombie-leader-stuck-thread".equals(n.path("rule").asText()) && n.path("pid").asInt() == child) f = n;
            if (f == null) bad.add("no zombie-leader-stuck-thread finding for pid " + child);
        }
        if (f != null) {
            if (!"CRITICAL".equals(f.path("severity").asText())) bad.add("severity " + f.path("severity") + ", want CRITICAL");
            if (!(f.path("tids").size() == 1 && f.path("tids").get(0).asInt() == tid)) bad.add("tids " + f.path("tids") + ", want [" + tid + "]");
            boolean frame = false;
            for (JsonNode e : f.path("evidence"))
                frame |= e.path("path").asText().endsWith("/" + tid + "/stack") && e.path("line").asText().contains("memory_read")
                        && e.path("line").asText().contains("[memory]");
            if (!frame) bad.add("no evidence line from /proc/.../" + tid + "/stack with memory_read [memory]");
            if (!"memory".equals(f.path("waitsOn").path("module").asText()))
                bad.add("waitsOn " + f.path("waitsOn") + " does not name the driver module memory");
            if (a.length > 7) {
                if (!a[6].equals(f.path("container").path("id").asText()))
                    bad.add("container " + f.path("container") + ", want id " + a[6]);
                JsonNode ns = f.path("nsPids");
                if (ns.size() < 2 || ns.get(0).asInt() != child || !a[7].equals(ns.get(ns.size() - 1).asText()))
                    bad.add("nsPids " + ns + ", want [" + child + ", ..., " + a[7] + "]");
            }
        }
        if (after != null)
            for (JsonNode n : after.path("findings"))
                if (n.path("pid").asInt() == child) bad.add("scan after release still has " + n.path("rule").asText() + " on pid " + child);
        String explain = Files.exists(Path.of(a[5])) ? Files.readString(Path.of(a[5])) : "";
        if (!explain.contains(String.valueOf(child)) || !explain.contains("memory_read"))
            bad.add("explain.txt does not name pid " + child + " and memory_read");
        if (a.length > 7 && !explain.contains(a[6].substring(0, 12)))
            bad.add("explain.txt does not name container " + a[6].substring(0, 12));
        bad.forEach(b -> System.err.println("vm-run: verify: " + b));
        if (!bad.isEmpty()) System.exit(1);
        System.err.println("vm-run: verify: zombie-leader-stuck-thread CRITICAL pid " + child + " tids [" + tid + "], memory_read [memory]; clean after release");
    }

    static JsonNode read(ObjectMapper om, String file, List<String> bad) {
        try {
            return om.readTree(Path.of(file).toFile());
        } catch (Exception e) {
            bad.add(file + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return null;
        }
    }
}
