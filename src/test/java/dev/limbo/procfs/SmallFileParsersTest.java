package dev.limbo.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** cgroup, mountinfo, fdinfo and the top-level files (stat, loadavg, uptime, sys/kernel/*). */
class SmallFileParsersTest {

    @Test
    void cgroupHybridCapturedHere() {
        List<CgroupLine> lines = CgroupParser.parse(Fixtures.text("procfs/real/top/cgroup"));
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0).hierarchyId()).isEqualTo(9);
        assertThat(lines.get(0).controllers()).isEqualTo("name=systemd");
        assertThat(lines.get(0).path()).isEqualTo("/");
        assertThat(lines.get(0).line()).isEqualTo("9:name=systemd:/");
        CgroupLine v2 = lines.get(lines.size() - 1);
        assertThat(v2.hierarchyId()).isZero();
        assertThat(v2.controllers()).isEmpty();
        assertThat(v2.path()).isEqualTo("/");
        assertThat(lines.get(5).path()).startsWith("/process_api/");
    }

    @Test
    void cgroupPathWithColons() {
        List<CgroupLine> lines = CgroupParser.parse("0::/system.slice/a:b.service\n");
        assertThat(lines.get(0).path()).isEqualTo("/system.slice/a:b.service");
    }

    @Test
    void cgroupGarbage() {
        assertThat(CgroupParser.parse(null)).isEmpty();
        assertThat(CgroupParser.parse("")).isEmpty();
        assertThat(CgroupParser.parse("nonsense\nx:y:z\n1:cpu\n")).isEmpty();
    }

    @Test
    void mountinfoCapturedHere() {
        List<MountInfo> mounts = MountInfoParser.parse(Fixtures.text("procfs/real/top/mountinfo"));
        assertThat(mounts).hasSize(22);
        MountInfo proc = mounts.get(0);
        assertThat(proc.mountId()).isEqualTo(22);
        assertThat(proc.major()).isZero();
        assertThat(proc.minor()).isEqualTo(21);
        assertThat(proc.mountPoint()).isEqualTo("/proc");
        assertThat(proc.fsType()).isEqualTo("proc");
        assertThat(proc.source()).isEqualTo("proc");
        assertThat(proc.isFuse()).isFalse();
    }

    @Test
    void mountinfoFuseWithOptionalFieldsAndEscapes() {
        String line = "61 27 0:52 / /mnt/my\\040fuse rw,nosuid,nodev,relatime shared:33 master:1 - fuse.sshfs user@host:/ rw,user_id=0,group_id=0";
        MountInfo m = MountInfoParser.parse(line + "\n").get(0);
        assertThat(m.mountPoint()).isEqualTo("/mnt/my fuse");
        assertThat(m.fsType()).isEqualTo("fuse.sshfs");
        assertThat(m.isFuse()).isTrue();
        assertThat(m.source()).isEqualTo("user@host:/");
        assertThat(m.fuseConnectionId()).isEqualTo(52);
        MountInfo big = MountInfoParser.parse("70 27 259:3 / /x rw - fuseblk /dev/sdb1 rw\n").get(0);
        assertThat(big.fuseConnectionId()).isEqualTo((259L << 20) | 3);
        assertThat(big.isFuse()).isTrue();
        assertThat(MountInfoParser.parse("70 27 0:3 / /x rw - fuse\n").get(0).source()).isEmpty();
    }

    @Test
    void mountinfoUnescape() {
        assertThat(MountInfoParser.unescape("a\\011b\\012c\\134d")).isEqualTo("a\tb\nc\\d");
        assertThat(MountInfoParser.unescape("trailing\\04")).isEqualTo("trailing\\04");
        assertThat(MountInfoParser.unescape("\\999")).isEqualTo("\\999");
    }

    @Test
    void mountinfoGarbage() {
        assertThat(MountInfoParser.parse(null)).isEmpty();
        assertThat(MountInfoParser.parse("1 2 3\n")).isEmpty();
        assertThat(MountInfoParser.parse("x 27 0:5 / /a rw - tmpfs t rw\n")).isEmpty();
        assertThat(MountInfoParser.parse("1 27 05 / /a rw - tmpfs t rw\n")).isEmpty();
        assertThat(MountInfoParser.parse("1 27 0:5 / /a rw tmpfs t rw\n")).isEmpty();
        assertThat(MountInfoParser.parse("1 27 0:5 / /a rw a b -\n")).isEmpty();
    }

    @Test
    void fdinfo() {
        assertThat(FdInfoParser.mountId("pos:\t0\nflags:\t0100002\nmnt_id:\t61\nino:\t2\n")).isEqualTo(61);
        assertThat(FdInfoParser.mountId("pos:\t0\nflags:\t02\n")).isEqualTo(-1);
        assertThat(FdInfoParser.mountId("mnt_id:\tabc\n")).isEqualTo(-1);
        assertThat(FdInfoParser.mountId(null)).isEqualTo(-1);
    }

    @Test
    void topLevelFilesCapturedHere() {
        assertThat(HostFactsParser.uptime(Fixtures.text("procfs/real/top/uptime"))).isPositive();
        String stat = Fixtures.text("procfs/real/top/stat");
        assertThat(HostFactsParser.statField(stat, "btime")).isEqualTo(1795712379L);
        assertThat(HostFactsParser.statField(stat, "procs_blocked")).isZero();
        assertThat(HostFactsParser.statField(stat, "procs_running")).isPositive();
        assertThat(HostFactsParser.statField(stat, "nope")).isEqualTo(-1);
        assertThat(HostFactsParser.integer(Fixtures.text("procfs/real/top/sys/kernel/hung_task_timeout_secs"))).isEqualTo(120);
        assertThat(HostFactsParser.integer(Fixtures.text("procfs/real/top/sys/kernel/pid_max"))).isEqualTo(32768);
        String loadavg = HostFactsParser.firstLine(Fixtures.text("procfs/real/top/loadavg"));
        assertThat(loadavg).matches("[0-9.]+ [0-9.]+ [0-9.]+ \\d+/\\d+ \\d+");
    }

    @Test
    void topLevelGarbage() {
        assertThat(HostFactsParser.uptime(null)).isEqualTo(-1);
        assertThat(HostFactsParser.uptime("")).isEqualTo(-1);
        assertThat(HostFactsParser.uptime("abc 12")).isEqualTo(-1);
        assertThat(HostFactsParser.uptime("12.5 3.0\n")).isEqualTo(12.5);
        assertThat(HostFactsParser.integer("x")).isEqualTo(-1);
        assertThat(HostFactsParser.integer(null)).isEqualTo(-1);
        assertThat(HostFactsParser.statField("btime x\n", "btime")).isEqualTo(-1);
        assertThat(HostFactsParser.statField(null, "btime")).isEqualTo(-1);
        assertThat(HostFactsParser.firstLine(null)).isNull();
        assertThat(HostFactsParser.firstLine("\n a\nb")).isEqualTo("a");
    }
}
