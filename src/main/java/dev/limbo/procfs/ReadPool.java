package dev.limbo.procfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Runs /proc reads on daemon worker threads so that no read can hold the scan: a worker stuck
 * in a read (a task's mmap lock, an exec waiting in de_thread) past the timeout is abandoned
 * and replaced, and the read is reported as a {@link BlockedRead}. Daemon threads cannot hold
 * the JVM's exit.
 */
public final class ReadPool {
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();
    private static final int MAX_ABANDONED = 32;

    private final int parallelism;
    private final long timeoutNanos;
    private int abandoned;

    public ReadPool(int parallelism, long timeoutMillis) {
        this.parallelism = Math.max(1, parallelism);
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    public long timeoutMillis() {
        return timeoutNanos / 1_000_000L;
    }

    /** Called by {@link ProcRoot} before and after each read, so a stuck read can be named. */
    static void noteReading(ProcRoot root, String rel) {
        Worker w = CURRENT.get();
        if (w != null) {
            // The start time first: the watcher reads rel, then readSince, and must never pair a
            // new read with the previous read's start (that reported fast reads as blocked).
            if (rel != null) {
                w.readSince = System.nanoTime();
            }
            w.root = root;
            w.rel = rel;
        }
    }

    /** An item and how to name it if its read blocks. */
    public interface Target {
        int pid();

        int tid();
    }

    /**
     * Applies {@code work} to every item on the workers; returns the results of the items that
     * completed. Items whose read blocked past the timeout are left out and added to {@code blocked}.
     */
    public <I extends Target, T> Map<I, T> run(Collection<I> items, Function<I, T> work, List<BlockedRead> blocked) {
        Map<I, T> results = new ConcurrentHashMap<>();
        if (items.isEmpty()) {
            return results;
        }
        ConcurrentLinkedQueue<I> queue = new ConcurrentLinkedQueue<>(items);
        Object lock = new Object();
        List<Worker> workers = new ArrayList<>();
        int n = Math.min(parallelism, items.size());
        for (int i = 0; i < n; i++) {
            workers.add(start(queue, work, results, lock));
        }
        synchronized (lock) {
            while (true) {
                boolean busy = false;
                long now = System.nanoTime();
                List<Worker> replacements = new ArrayList<>();
                for (Worker w : workers) {
                    if (w.abandoned || w.finished) {
                        continue;
                    }
                    busy = true;
                    Target item = w.item;
                    ProcRoot root = w.root;
                    String rel = w.rel;
                    long since = w.readSince;
                    if (item != null && rel != null && root != null && now - since > timeoutNanos) {
                        w.abandoned = true;
                        blocked.add(new BlockedRead(item.pid(), item.tid(), root.display(rel), (now - since) / 1_000_000L));
                        if (abandoned++ < MAX_ABANDONED) {
                            replacements.add(start(queue, work, results, lock));
                        }
                    }
                }
                workers.addAll(replacements);
                if (!busy && replacements.isEmpty()) {
                    break;
                }
                if (abandoned > MAX_ABANDONED && workers.stream().allMatch(w -> w.abandoned || w.finished)) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, timeoutNanos / 4_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return results;
    }

    private <I extends Target, T> Worker start(ConcurrentLinkedQueue<I> queue, Function<I, T> work, Map<I, T> results, Object lock) {
        Worker w = new Worker();
        Thread t = new Thread(() -> {
            CURRENT.set(w);
            try {
                I item;
                while (!w.abandoned && (item = queue.poll()) != null) {
                    w.item = item;
                    T result = work.apply(item);
                    if (w.abandoned) {
                        return;
                    }
                    if (result != null) {
                        results.put(item, result);
                    }
                    w.item = null;
                }
            } finally {
                w.finished = true;
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }, "limbo-read");
        t.setDaemon(true);
        t.start();
        return w;
    }

    private static final class Worker {
        volatile Target item;
        volatile ProcRoot root;
        volatile String rel;
        volatile long readSince;
        volatile boolean abandoned;
        volatile boolean finished;
    }
}
