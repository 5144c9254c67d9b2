package dev.limbo.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Links the findings that tell one story (SPEC "Findings are facts"): findings about the same
 * task(s) — sharing a thread, or, without threads, a process — share a story id. The story's
 * leading finding is the worst, then the first in {@link RuleCatalog} order (the zombie rules
 * before stuck-in-exit and hung-task), then the lowest pid; the story id is derived from it
 * ({@code pid} or {@code pid/tid}), so it is stable from one run to the next.
 */
public final class Stories {
    private Stories() {
    }

    /** Order in which the findings of one story are told: the leading one first. */
    public static final Comparator<Finding> LEAD = Comparator.comparing(Finding::severity)
            .thenComparingInt(f -> RuleCatalog.order(f.rule()))
            .thenComparingInt(Finding::pid)
            .thenComparing(f -> f.tids().isEmpty() ? 0 : f.tids().get(0));

    static List<Finding> link(List<Finding> findings, Context ctx) {
        int n = findings.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        Map<String, Integer> owner = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String subject : subjects(findings.get(i), ctx)) {
                Integer j = owner.putIfAbsent(subject, i);
                if (j != null) {
                    union(parent, i, j);
                }
            }
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        Finding[] out = findings.toArray(new Finding[0]);
        for (List<Integer> group : groups.values()) {
            Finding lead = group.stream().map(findings::get).min(LEAD).orElseThrow();
            String id = lead.tids().isEmpty() ? String.valueOf(lead.pid()) : lead.pid() + "/" + lead.tids().get(0);
            for (int i : group) {
                out[i] = findings.get(i).withStory(id);
            }
        }
        return List.of(out);
    }

    /** The tasks a finding is about: its threads, else its process, plus what its rule names. */
    private static List<String> subjects(Finding f, Context ctx) {
        List<String> out = new ArrayList<>();
        if (f.tids().isEmpty()) {
            out.add("p" + f.pid());
        } else {
            f.tids().forEach(t -> out.add("t" + t));
        }
        ctx.about(f).forEach(p -> out.add("p" + p));
        return out;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** The findings grouped by story, each story's findings leading one first, stories worst first. */
    public static List<List<Finding>> group(List<Finding> findings) {
        Map<String, List<Finding>> byStory = new LinkedHashMap<>();
        int solo = 0;
        for (Finding f : findings) {
            String key = f.story() == null ? "\u0000" + solo++ : f.story();
            byStory.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        List<List<Finding>> out = new ArrayList<>();
        for (List<Finding> story : byStory.values()) {
            story.sort(LEAD);
            out.add(story);
        }
        out.sort(Comparator.comparing(story -> story.get(0), LEAD));
        return out;
    }
}
