package cnnparity.nn.kernels;

import java.util.concurrent.atomic.LongAdder;

/**
 * Single-precision matrix products on flat row-major arrays, the hot path of Conv2D and Dense.
 *
 * <p>Two kernels compute the same bits (per element of C one fused multiply-add per term, p
 * ascending, then + bias, then ReLU): {@link VectorGemm} on the Vector API when the incubator
 * module {@code jdk.incubator.vector} is present (the launcher and Surefire add it), and the
 * portable loops of {@link ScalarGemm} otherwise, said once on stderr.
 *
 * <p>Vector API code is many times slower than plain loops until C2 has compiled it (every vector
 * is a heap object before that; about 5 s of a training run here), which a short job never
 * recovers: {@code verify} of the convnet took 2.5 s on the vector kernel and 1.0 s on the portable
 * one. So a run starts on the portable kernel and moves to the vector one once it has done 1 GFLOP
 * of products (a training step of the MNIST convnet at batch 128 is about 2 GFLOP; {@code verify}
 * stays below). Both kernels giving the same bits, the moment of the switch changes no result.
 * (Warming the vector kernels up on a side thread instead was tried: C2 then compiled them for the
 * warm-up's call profile, and the steady state ran 8-15% slower.) {@code -Dcnnparity.kernel=vector}
 * or {@code =portable} pins one kernel.
 */
public final class Gemm {
    interface Kernel {
        /** C[m,n] (+)= A[m,k] B[k,n]. */
        void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate);

        /** C[m,n] = A[m,k] B[k,n] + bias[n] (when not null), then ReLU (z > 0 ? z : 0) when {@code relu}. */
        void nnBias(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, float[] bias, boolean relu);

        /** C[m,n] += A[k,m]^T B[k,n]. */
        void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n);
    }

    static final Kernel PORTABLE = new ScalarGemm();
    /** The Vector API kernel, or null when the module is absent or the portable kernel is pinned. */
    static final Kernel VECTOR = loadVector();
    private static final double SWITCH_AFTER_FLOPS = 1e9;
    private static volatile Kernel active = VECTOR != null && "vector".equals(System.getProperty("cnnparity.kernel")) ? VECTOR : PORTABLE;
    private static final LongAdder FLOPS = new LongAdder();

    private Gemm() {
    }

    private static Kernel loadVector() {
        String pin = System.getProperty("cnnparity.kernel", Boolean.getBoolean("cnnparity.scalar") ? "portable" : "auto");
        if (pin.equals("portable")) return null;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            Kernel k = vectorImpl("VectorGemm");
            if (k != null) return k;
        }
        System.err.println("cnn-parity: jdk.incubator.vector not available; using the portable kernels (run with --add-modules jdk.incubator.vector for full speed)");
        return null;
    }

    /**
     * A Vector API implementation in this package by simple name, or null when it cannot be
     * loaded. By name through reflection, so that no class outside it links against
     * jdk.incubator.vector (the portable path must run without the module).
     */
    @SuppressWarnings("unchecked")
    static <T> T vectorImpl(String simpleName) {
        try {
            return (T) Class.forName("cnnparity.nn.kernels." + simpleName).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** The kernel calls go to now: VectorGemm once warmed up, ScalarGemm before (or for good without the module). */
    public static String kernelName() {
        return active.getClass().getSimpleName();
    }

    static boolean vectorActive() {
        return active == VECTOR && VECTOR != null;
    }

    /** The other kernels follow this one's switch: {@code vector} (when loaded) once Gemm uses its vector kernel, else {@code portable}. */
    static <T> T choose(T vector, T portable) {
        return vector != null && vectorActive() ? vector : portable;
    }

    /** Moves to the vector kernel now (when present): for benchmarks of the steady state. */
    public static void useVectorNow() {
        if (VECTOR != null) active = VECTOR;
    }

    private static void count(long flops) {
        if (VECTOR == null || active == VECTOR) return;
        FLOPS.add(flops);
        if (FLOPS.sum() >= SWITCH_AFTER_FLOPS) active = VECTOR;
    }

    public static void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        count(2L * m * k * n);
        active.nn(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    /**
     * C = A B + bias, then ReLU when {@code relu}: the bias add and activation applied to each
     * finished band of the product while it is in L1 (per element the same float operations as
     * the product followed by a separate bias pass and ReLU pass).
     */
    public static void nnBias(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, float[] bias, boolean relu) {
        count(2L * m * k * n);
        active.nnBias(a, aOff, b, bOff, c, cOff, m, k, n, bias, relu);
    }

    public static void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        count(2L * m * k * n);
        active.tn(a, aOff, b, bOff, c, cOff, m, k, n);
    }

    /**
     * Whether {@link #convRows} will run now: on the vector kernel, for at least two vectors of
     * output columns. Otherwise the caller builds the im2col matrix and calls {@link #nnBias},
     * which gives the same bits.
     */
    public static boolean convRowsAvailable(int n) {
        return vectorActive() && n >= 2 * VectorLanes.LANES;
    }

    /**
     * Rows of a valid convolution without an im2col matrix: C[i, :] = relu(bias + sum_p
     * x[base[i] + off[p]] * B[p, :]), B at offset 0. Only when {@link #convRowsAvailable}.
     */
    public static void convRows(float[] x, int[] base, int[] off, int m, int k, float[] b, float[] c, int cOff, int n, float[] bias, boolean relu) {
        count(2L * m * k * n);
        ((VectorGemm) VECTOR).convRows(x, base, off, m, k, b, c, cOff, n, bias, relu);
    }

    /**
     * C[m, n] += A^T B for a valid convolution's weight gradient without an im2col matrix:
     * {@code A[p, i] = x[base[p] + off[i]]}, B (k, n) at bOff, C at offset 0. Only when
     * {@link #convRowsAvailable}; otherwise im2col and {@link #tn} give the same bits.
     */
    public static void convTn(float[] x, int[] base, int[] off, int m, int k, float[] b, int bOff, float[] c, int n) {
        count(2L * m * k * n);
        ((VectorGemm) VECTOR).convTn(x, base, off, m, k, b, bOff, c, n);
    }

    /**
     * GFLOP/s of a register-only fused multiply-add loop on {@code threads} threads at once: the
     * ceiling the GEMM kernel is measured against. NaN without the vector kernel.
     */
    public static double fmaCeilingGflops(int threads) {
        if (VECTOR == null) return Double.NaN;
        long iters = 20_000_000L;
        for (int warm = 0; warm < 3; warm++) VectorGemm.fmaCeiling(2_000_000L);
        float[] sink = new float[threads];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            ts[t] = new Thread(() -> sink[id] = VectorGemm.fmaCeiling(iters));
            ts[t].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (Float.isNaN(sink[0])) System.out.print("");
        return 2.0 * 12 * VectorLanes.LANES * iters * threads / seconds / 1e9;
    }

    /** out[n, m] = in[m, n]^T. */
    public static void transpose(float[] in, int m, int n, float[] out) {
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) out[j * m + i] = in[i * n + j];
    }
}
