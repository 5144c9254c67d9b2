package dev.limbo.model;

import dev.limbo.procfs.CgroupLine;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a process lives, from its cgroup paths: a container (runtime and id) and a systemd unit. */
public record Attribution(String runtime, String containerId, String unit, String cgroupLine) {
    /** A 64-hex container id as a path segment or a scope suffix; the innermost (last) one wins. */
    private static final Pattern ID = Pattern.compile("(?<![^/-])([0-9a-f]{64})(?=(?:\\.scope)?(?:/|$))");
    private static final Pattern UNIT = Pattern.compile("([^/]+\\.(?:service|scope))(?:/|$)");

    public static Attribution from(List<CgroupLine> lines) {
        if (lines == null || lines.isEmpty()) {
            return null;
        }
        String runtime = null;
        String id = null;
        String unit = null;
        String evidence = null;
        for (CgroupLine l : lines) {
            String path = l.path();
            if (id == null && !path.contains("libpod-conmon-")) {
                Matcher m = ID.matcher(path);
                String last = null;
                while (m.find()) {
                    last = m.group(1);
                }
                if (last != null) {
                    id = last;
                    runtime = runtimeOf(path);
                    evidence = l.line();
                }
            }
            boolean systemdLine = l.controllers().equals("name=systemd") || l.hierarchyId() == 0;
            if (unit == null && systemdLine) {
                Matcher u = UNIT.matcher(path);
                String last = null;
                while (u.find()) {
                    last = u.group(1);
                }
                if (last != null) {
                    unit = last;
                    if (evidence == null) {
                        evidence = l.line();
                    }
                }
            }
        }
        if (id == null && unit == null) {
            return null;
        }
        return new Attribution(runtime, id, unit, evidence);
    }

    private static String runtimeOf(String path) {
        if (path.contains("kubepods")) {
            return "kubernetes";
        }
        if (path.contains("docker")) {
            return "docker";
        }
        if (path.contains("crio")) {
            return "cri-o";
        }
        if (path.contains("libpod") || path.contains("podman")) {
            return "podman";
        }
        if (path.contains("containerd")) {
            return "containerd";
        }
        if (path.contains("lxc")) {
            return "lxc";
        }
        return "container";
    }

    public String shortId() {
        return containerId == null ? null : containerId.substring(0, 12);
    }
}
