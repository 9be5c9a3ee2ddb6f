package cnnparity.nn.kernels;

/**
 * Portable loops; the innermost runs over contiguous columns, which the JIT vectorizes. Per element
 * of C the same float32 operations in the same order as {@link VectorGemm}: one fused multiply-add
 * per term, p ascending, then + bias, then ReLU. So the two kernels give the same bits, and
 * {@link Gemm} may switch from one to the other mid-run without changing a result.
 */
final class ScalarGemm implements Gemm.Kernel {
    @Override
    public void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * k + p];
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
            }
        }
    }

    @Override
    public void nnBias(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, float[] bias, boolean relu) {
        nn(a, aOff, b, bOff, c, cOff, m, k, n, false);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int j = 0; j < n; j++) {
                float z = bias != null ? c[ci + j] + bias[j] : c[ci + j];
                c[ci + j] = relu ? (z > 0 ? z : 0f) : z;
            }
        }
    }

    @Override
    public void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * n;
            for (int i = 0; i < m; i++) {
                float av = a[aOff + p * m + i];
                int ci = cOff + i * n;
                for (int j = 0; j < n; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
            }
        }
    }
}
