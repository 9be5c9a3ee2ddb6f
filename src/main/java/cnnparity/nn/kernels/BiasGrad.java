package cnnparity.nn.kernels;

/**
 * The per-row work of a Conv2D backward step, on flat (rows, F) blocks: the ReLU mask
 * {@code dz = y > 0 ? dy : 0} and the bias gradient {@code dbias[q] += sum over rows of dz[r, q]},
 * in one pass. Vector API version once {@link Gemm} uses its vector kernel, plain loops before;
 * both add the rows in ascending order per column, so they give the same bits.
 */
public final class BiasGrad {
    interface Kernel {
        void maskAndSum(float[] y, float[] dy, int off, float[] dz, int dzOff, int rows, int f, float[] dbias);
    }

    private static final Kernel PORTABLE = new Scalar();
    private static final Kernel VECTOR = Gemm.VECTOR != null ? Gemm.vectorImpl("VectorBiasGrad") : null;

    private BiasGrad() {
    }


    /**
     * dz[dzOff + i] = (y == null || y[off + i] > 0) ? dy[off + i] : 0 for the block's rows*f values
     * (with y null and dz == dy at the same offset, dz is only read); then dbias (when not null)
     * += column sums of dz.
     */
    public static void maskAndSum(float[] y, float[] dy, int off, float[] dz, int dzOff, int rows, int f, float[] dbias) {
        Gemm.choose(VECTOR, PORTABLE).maskAndSum(y, dy, off, dz, dzOff, rows, f, dbias);
    }

    static final class Scalar implements Kernel {
        @Override
        public void maskAndSum(float[] y, float[] dy, int off, float[] dz, int dzOff, int rows, int f, float[] dbias) {
            boolean write = !(y == null && dz == dy && dzOff == off);
            for (int r = 0; r < rows; r++) {
                int o = off + r * f, d = dzOff + r * f;
                for (int q = 0; q < f; q++) {
                    float g = y == null || y[o + q] > 0 ? dy[o + q] : 0f; // y > 0 exactly where z > 0
                    if (write) dz[d + q] = g;
                    if (dbias != null) dbias[q] += g;
                }
            }
        }
    }
}
