package cnnparity.nn.kernels;

/**
 * Single-precision matrix products on flat row-major arrays, the hot path of Conv2D and Dense.
 *
 * <p>Uses the Vector API kernel ({@link VectorGemm}) when the incubator module
 * {@code jdk.incubator.vector} is present (the launcher and Surefire add it) and the portable loops
 * of {@link ScalarGemm} otherwise, saying so once on stderr. Both are exact float32
 * multiply-adds in a fixed order for a given shape, so results do not vary from run to run.
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

    static final Kernel KERNEL = choose();

    private Gemm() {
    }

    private static Kernel choose() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("cnnparity.scalar");
        if (vector) {
            try {
                return (Kernel) Class.forName("cnnparity.nn.kernels.VectorGemm").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                vector = false;
            }
        }
        if (!Boolean.getBoolean("cnnparity.scalar")) {
            System.err.println("cnn-parity: jdk.incubator.vector not available; using the portable kernels (run with --add-modules jdk.incubator.vector for full speed)");
        }
        return new ScalarGemm();
    }

    public static String kernelName() {
        return KERNEL.getClass().getSimpleName();
    }

    public static void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        KERNEL.nn(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
    }

    /**
     * C = A B + bias, then ReLU when {@code relu}: the bias add and activation fused into the
     * product's last store (per element the same float operations as the product followed by a
     * separate bias pass and ReLU pass).
     */
    public static void nnBias(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, float[] bias, boolean relu) {
        KERNEL.nnBias(a, aOff, b, bOff, c, cOff, m, k, n, bias, relu);
    }

    public static void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        KERNEL.tn(a, aOff, b, bOff, c, cOff, m, k, n);
    }

    /** out[n, m] = in[m, n]^T. */
    public static void transpose(float[] in, int m, int n, float[] out) {
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) out[j * m + i] = in[i * n + j];
    }
}
