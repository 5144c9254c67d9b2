package dev.limbo.procfs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * A time budget for a fuzzing property: it runs tries until {@code limbo.fuzz.seconds} have
 * passed (default 2: CI), then ends as satisfied. For a longer run:
 * {@code ./mvnw -B test -Dtest='*Fuzz*' -Dlimbo.fuzz.seconds=600}. Use with a very high
 * {@code tries} count, so that time is the bound.
 */
public final class FuzzBudget implements AroundTryHook {
    public static final double SECONDS = Double.parseDouble(System.getProperty("limbo.fuzz.seconds", "2"));
    private static final Map<String, Long> STARTED = new ConcurrentHashMap<>();
    private static final Map<String, Integer> TRIES = new ConcurrentHashMap<>();

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        String key = context.containerClass().getName() + "#" + context.targetMethod().getName();
        long start = STARTED.computeIfAbsent(key, k -> System.nanoTime());
        TryExecutionResult r = aTry.execute(parameters);
        int n = TRIES.merge(key, 1, Integer::sum);
        if (r.isSatisfied() && System.nanoTime() - start > (long) (SECONDS * 1e9)) {
            System.out.printf("fuzz | %s | %d tries in %.1f s%n", key, n, (System.nanoTime() - start) / 1e9);
            return TryExecutionResult.satisfied(true);
        }
        return r;
    }
}
