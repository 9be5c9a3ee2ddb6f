package cnnparity.nn.kernels;

/**
 * Element-wise loops of the hot path that the JIT does not vectorize on its own: the Vector API
 * version once {@link Gemm} uses its vector kernel, plain loops before (one add per element either
 * way, so the same bits).
 */
public final class Elementwise {
    interface Kernel {
        void addInto(float[] dst, int dOff, float[] src, int sOff, int len);
    }

    private static final Kernel PORTABLE = (dst, dOff, src, sOff, len) -> {
        for (int t = 0; t < len; t++) dst[dOff + t] += src[sOff + t];
    };
    private static final Kernel VECTOR = Gemm.VECTOR != null ? Gemm.vectorImpl("VectorElementwise") : null;

    private Elementwise() {
    }


    /** dst[dOff + t] += src[sOff + t] for t in [0, len): col2im's scatter of a kernel row back into dx. */
    public static void addInto(float[] dst, int dOff, float[] src, int sOff, int len) {
        Gemm.choose(VECTOR, PORTABLE).addInto(dst, dOff, src, sOff, len);
    }

    static Kernel portable() {
        return PORTABLE;
    }
}
