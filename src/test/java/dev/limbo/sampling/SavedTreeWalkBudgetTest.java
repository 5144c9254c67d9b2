package dev.limbo.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limbo.procfs.ProcRoot;
import dev.limbo.procfs.ReadPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved directory's walk is bounded (issue 12, item 3): past the budget, exit 3 with the reason. */
class SavedTreeWalkBudgetTest {
    @TempDir
    Path tmp;

    Path tree(int pids) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(root.resolve("uptime"), "100.0 100.0\n");
        for (int pid = 1; pid <= pids; pid++) {
            Path d = Files.createDirectories(root.resolve(String.valueOf(pid)));
            Files.writeString(d.resolve("stat"), pid + " (p) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n");
        }
        return root;
    }

    @Test
    void withinTheBudgetEveryProcessIsRead() throws Exception {
        Path root = tree(200);
        ProcSource s = ProcSource.openSaved(root, root.toString(), new ProcRoot.WalkBudget(2000, 1000));
        assertThat(s.observe(new ReadPool(2, 10_000), 1, 0, Set.of()).first().processes()).hasSize(200);
    }

    @Test
    void tooManyEntriesInOneDirectoryIsRefusedAtOpen() throws Exception {
        Path root = tree(200);
        assertThatThrownBy(() -> ProcSource.openSaved(root, root.toString(), new ProcRoot.WalkBudget(1_000_000, 100)))
                .isInstanceOf(ProcSource.BadRootException.class)
                .hasMessage("saved tree too large: " + root + ": more than 100 entries in its root");
    }

    @Test
    void tooManyReadsAndEntriesInAllIsRefusedAfterTheWalk() throws Exception {
        Path root = tree(200);
        ProcSource s = ProcSource.openSaved(root, root.toString(), new ProcRoot.WalkBudget(300, 1000));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> s.observe(new ReadPool(2, 10_000), 1, 0, Set.of()))
                .isInstanceOf(ProcSource.TooLargeException.class)
                .hasMessage("saved tree too large: " + root + ": more than 300 files and directory entries");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }
}
