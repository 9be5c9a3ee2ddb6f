package cnnparity.nn.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Splits work over the cores with a fixed partition: chunk i always covers the same index range
 * and every output element is written by exactly one chunk, so results do not depend on thread
 * timing and training stays deterministic for a seed. -Dcnnparity.threads=N sets the count
 * (default: the available processors).
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("cnnparity.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {
    }

    public static int threads() {
        return THREADS;
    }

    /** Runs body(chunk) for chunk in [0, chunks), in parallel when worthwhile. */
    public static void forChunks(int chunks, IntConsumer body) {
        if (POOL == null || chunks <= 1) {
            for (int i = 0; i < chunks; i++) body.accept(i);
            return;
        }
        POOL.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                RecursiveAction[] tasks = new RecursiveAction[chunks];
                for (int i = 0; i < chunks; i++) {
                    final int c = i;
                    tasks[i] = new RecursiveAction() {
                        @Override
                        protected void compute() {
                            body.accept(c);
                        }
                    };
                }
                invokeAll(tasks);
            }
        });
    }

    /** [from, to) of chunk c when n items are split in {@code chunks} near-equal ranges. */
    public static int start(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }
}
