package dev.limbo.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limbo.procfs.CgroupParser;
import dev.limbo.procfs.Fixtures;
import org.junit.jupiter.api.Test;

class AttributionTest {
    private static final String ID = "3f4e8c2a9b1d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

    static Attribution of(String cgroup) {
        return Attribution.from(CgroupParser.parse(cgroup));
    }

    @Test
    void dockerOnCgroupV1AndV2() {
        Attribution v1 = of("9:name=systemd:/docker/" + ID + "\n");
        assertThat(v1.runtime()).isEqualTo("docker");
        assertThat(v1.containerId()).isEqualTo(ID);
        assertThat(v1.shortId()).isEqualTo("3f4e8c2a9b1d");
        Attribution v2 = of("0::/system.slice/docker-" + ID + ".scope\n");
        assertThat(v2.containerId()).isEqualTo(ID);
        assertThat(v2.unit()).isEqualTo("docker-" + ID + ".scope");
        assertThat(v2.cgroupLine()).isEqualTo("0::/system.slice/docker-" + ID + ".scope");
    }

    @Test
    void kubernetesAndPodman() {
        assertThat(of("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-" + ID + ".scope\n")
                .runtime()).isEqualTo("kubernetes");
        assertThat(of("0::/machine.slice/libpod-" + ID + ".scope/container\n").runtime()).isEqualTo("podman");
    }

    @Test
    void systemdUnit() {
        Attribution a = of("0::/system.slice/nginx.service\n");
        assertThat(a.unit()).isEqualTo("nginx.service");
        assertThat(a.containerId()).isNull();
        assertThat(of("9:name=systemd:/user.slice/user-0.slice/session-3.scope\n").unit()).isEqualTo("session-3.scope");
    }

    @Test
    void nothingToAttribute() {
        assertThat(of("0::/\n")).isNull();
        assertThat(Attribution.from(null)).isNull();
        assertThat(of("")).isNull();
        // this machine: a hybrid hierarchy with a non-systemd memory path
        assertThat(Attribution.from(CgroupParser.parse(Fixtures.text("procfs/real/top/cgroup")))).isNull();
    }
}
