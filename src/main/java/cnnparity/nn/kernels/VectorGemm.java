package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked kernels on the Vector API: a 4-row by 2-vector block of C lives in registers
 * while the shared dimension streams through, one broadcast and one fused multiply-add per lane
 * group. Column tails narrower than two vectors fall back to scalar loops.
 */
final class VectorGemm implements Gemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        nn(a, aOff, b, bOff, c, cOff, m, k, n, accumulate, null, false);
    }

    @Override
    public void nnBias(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, float[] bias, boolean relu) {
        nn(a, aOff, b, bOff, c, cOff, m, k, n, false, bias, relu);
    }

    /**
     * The epilogue on finished rows of C, while they are still in L1: + bias (TF's BiasAdd after
     * the product), then ReLU (z > 0 ? z : 0). A pass of its own rather than inside the register
     * blocks, which would grow past what the JIT inlines and box the vectors.
     */
    private static void epilogue(float[] c, int c0, int rows, int n, float[] bias, boolean relu) {
        int jv = n - n % L;
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int o = c0 + r * n;
            for (int j = 0; j < jv; j += L) {
                FloatVector x = FloatVector.fromArray(S, c, o + j);
                if (bias != null) x = x.add(FloatVector.fromArray(S, bias, j));
                if (relu) x = zero.blend(x, x.compare(VectorOperators.GT, 0f));
                x.intoArray(c, o + j);
            }
            for (int j = jv; j < n; j++) {
                float z = bias != null ? c[o + j] + bias[j] : c[o + j];
                c[o + j] = relu ? (z > 0 ? z : 0f) : z;
            }
        }
    }

    private void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate,
                    float[] bias, boolean relu) {
        boolean epi = bias != null || relu;
        if (n < 2 * L && k >= 4 * L) {
            narrow(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
            if (epi) epilogue(c, cOff, m, n, bias, relu);
            return;
        }
        int jv4 = n - n % (4 * L);
        int jv = n - n % (2 * L);
        int i = 0;
        if (n == 2 * L) { // exactly two vectors wide (32 columns: Winograd's W U^T): 8 rows at a time, 16 accumulators
            for (; i + 8 <= m; i += 8) {
                block8x2(a, aOff + i * k, k, b, bOff, c, cOff + i * n, accumulate);
                if (epi) epilogue(c, cOff + i * n, 8, n, bias, relu);
            }
        }
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int j = 0; j < jv4; j += 4 * L) block4x4(a, a0, k, b, bOff, n, c, cOff + i * n + j, j, accumulate);
            for (int j = jv4; j < jv; j += 2 * L) {
                int c0 = cOff + i * n + j;
                FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
                if (accumulate) {
                    x00 = FloatVector.fromArray(S, c, c0);
                    x01 = FloatVector.fromArray(S, c, c0 + L);
                    x10 = FloatVector.fromArray(S, c, c0 + n);
                    x11 = FloatVector.fromArray(S, c, c0 + n + L);
                    x20 = FloatVector.fromArray(S, c, c0 + 2 * n);
                    x21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
                    x30 = FloatVector.fromArray(S, c, c0 + 3 * n);
                    x31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
                } else {
                    x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = FloatVector.zero(S);
                }
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j;
                    FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
                    FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
                    x00 = v.fma(b0, x00);
                    x01 = v.fma(b1, x01);
                    v = FloatVector.broadcast(S, a[a1 + p]);
                    x10 = v.fma(b0, x10);
                    x11 = v.fma(b1, x11);
                    v = FloatVector.broadcast(S, a[a2 + p]);
                    x20 = v.fma(b0, x20);
                    x21 = v.fma(b1, x21);
                    v = FloatVector.broadcast(S, a[a3 + p]);
                    x30 = v.fma(b0, x30);
                    x31 = v.fma(b1, x31);
                }
                x00.intoArray(c, c0);
                x01.intoArray(c, c0 + L);
                x10.intoArray(c, c0 + n);
                x11.intoArray(c, c0 + n + L);
                x20.intoArray(c, c0 + 2 * n);
                x21.intoArray(c, c0 + 2 * n + L);
                x30.intoArray(c, c0 + 3 * n);
                x31.intoArray(c, c0 + 3 * n + L);
            }
            if (jv < n) scalarBlock(a, aOff, b, bOff, c, cOff, i, i + 4, jv, n, k, n, accumulate);
            if (epi) epilogue(c, cOff + i * n, 4, n, bias, relu);
        }
        for (; i < m; i++) { // leftover rows (121 output pixels per sample = 30 blocks of 4 + 1): one row of vectors
            int ai = aOff + i * k, ci = cOff + i * n;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector x0, x1;
                if (accumulate) {
                    x0 = FloatVector.fromArray(S, c, ci + j);
                    x1 = FloatVector.fromArray(S, c, ci + j + L);
                } else {
                    x0 = x1 = FloatVector.zero(S);
                }
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j;
                    FloatVector v = FloatVector.broadcast(S, a[ai + p]);
                    x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
                    x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
                }
                x0.intoArray(c, ci + j);
                x1.intoArray(c, ci + j + L);
            }
            if (jv < n) scalarBlock(a, aOff, b, bOff, c, cOff, i, i + 1, jv, n, k, n, accumulate);
            if (epi) epilogue(c, cOff + i * n, 1, n, bias, relu);
        }
    }

    /**
     * A 4-row by 4-vector block of C in 16 registers (AVX-512: 64 columns): each broadcast of A
     * feeds four FMAs. Per element the same fma sequence over ascending p as the narrower blocks.
     */
    private static void block4x4(float[] a, int a0, int k, float[] b, int bOff, int n, float[] c, int c0, int j, boolean acc) {
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int n2 = 2 * n, n3 = 3 * n;
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x02 = FloatVector.fromArray(S, c, c0 + 2 * L); x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
            x10 = FloatVector.fromArray(S, c, c0 + n); x11 = FloatVector.fromArray(S, c, c0 + n + L);
            x12 = FloatVector.fromArray(S, c, c0 + n + 2 * L); x13 = FloatVector.fromArray(S, c, c0 + n + 3 * L);
            x20 = FloatVector.fromArray(S, c, c0 + n2); x21 = FloatVector.fromArray(S, c, c0 + n2 + L);
            x22 = FloatVector.fromArray(S, c, c0 + n2 + 2 * L); x23 = FloatVector.fromArray(S, c, c0 + n2 + 3 * L);
            x30 = FloatVector.fromArray(S, c, c0 + n3); x31 = FloatVector.fromArray(S, c, c0 + n3 + L);
            x32 = FloatVector.fromArray(S, c, c0 + n3 + 2 * L); x33 = FloatVector.fromArray(S, c, c0 + n3 + 3 * L);
        } else {
            x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = x20 = x21 = x22 = x23 = x30 = x31 = x32 = x33 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * n + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
            x00 = v.fma(b0, x00); x01 = v.fma(b1, x01); x02 = v.fma(b2, x02); x03 = v.fma(b3, x03);
            v = FloatVector.broadcast(S, a[a1 + p]);
            x10 = v.fma(b0, x10); x11 = v.fma(b1, x11); x12 = v.fma(b2, x12); x13 = v.fma(b3, x13);
            v = FloatVector.broadcast(S, a[a2 + p]);
            x20 = v.fma(b0, x20); x21 = v.fma(b1, x21); x22 = v.fma(b2, x22); x23 = v.fma(b3, x23);
            v = FloatVector.broadcast(S, a[a3 + p]);
            x30 = v.fma(b0, x30); x31 = v.fma(b1, x31); x32 = v.fma(b2, x32); x33 = v.fma(b3, x33);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L); x12.intoArray(c, c0 + n + 2 * L); x13.intoArray(c, c0 + n + 3 * L);
        x20.intoArray(c, c0 + n2); x21.intoArray(c, c0 + n2 + L); x22.intoArray(c, c0 + n2 + 2 * L); x23.intoArray(c, c0 + n2 + 3 * L);
        x30.intoArray(c, c0 + n3); x31.intoArray(c, c0 + n3 + L); x32.intoArray(c, c0 + n3 + 2 * L); x33.intoArray(c, c0 + n3 + 3 * L);
    }

    /**
     * An 8-row by 2-vector block of C (n = 2L) in 16 registers: the 4x2 block's 8 fma chains
     * waited on the fma latency, and each broadcast fed two FMAs. Per element the same fma
     * sequence over ascending p as every other block, so the same bits.
     */
    private static void block8x2(float[] a, int a0, int k, float[] b, int bOff, float[] c, int c0, boolean acc) {
        int n = 2 * L;
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51, x60, x61, x70, x71;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x10 = FloatVector.fromArray(S, c, c0 + n); x11 = FloatVector.fromArray(S, c, c0 + n + L);
            x20 = FloatVector.fromArray(S, c, c0 + 2 * n); x21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
            x30 = FloatVector.fromArray(S, c, c0 + 3 * n); x31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
            x40 = FloatVector.fromArray(S, c, c0 + 4 * n); x41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
            x50 = FloatVector.fromArray(S, c, c0 + 5 * n); x51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
            x60 = FloatVector.fromArray(S, c, c0 + 6 * n); x61 = FloatVector.fromArray(S, c, c0 + 6 * n + L);
            x70 = FloatVector.fromArray(S, c, c0 + 7 * n); x71 = FloatVector.fromArray(S, c, c0 + 7 * n + L);
        } else {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = x40 = x41 = x50 = x51 = x60 = x61 = x70 = x71 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * n, ap = a0 + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(b0, x00); x01 = v.fma(b1, x01);
            v = FloatVector.broadcast(S, a[ap + k]);
            x10 = v.fma(b0, x10); x11 = v.fma(b1, x11);
            v = FloatVector.broadcast(S, a[ap + 2 * k]);
            x20 = v.fma(b0, x20); x21 = v.fma(b1, x21);
            v = FloatVector.broadcast(S, a[ap + 3 * k]);
            x30 = v.fma(b0, x30); x31 = v.fma(b1, x31);
            v = FloatVector.broadcast(S, a[ap + 4 * k]);
            x40 = v.fma(b0, x40); x41 = v.fma(b1, x41);
            v = FloatVector.broadcast(S, a[ap + 5 * k]);
            x50 = v.fma(b0, x50); x51 = v.fma(b1, x51);
            v = FloatVector.broadcast(S, a[ap + 6 * k]);
            x60 = v.fma(b0, x60); x61 = v.fma(b1, x61);
            v = FloatVector.broadcast(S, a[ap + 7 * k]);
            x70 = v.fma(b0, x70); x71 = v.fma(b1, x71);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L);
        x20.intoArray(c, c0 + 2 * n); x21.intoArray(c, c0 + 2 * n + L);
        x30.intoArray(c, c0 + 3 * n); x31.intoArray(c, c0 + 3 * n + L);
        x40.intoArray(c, c0 + 4 * n); x41.intoArray(c, c0 + 4 * n + L);
        x50.intoArray(c, c0 + 5 * n); x51.intoArray(c, c0 + 5 * n + L);
        x60.intoArray(c, c0 + 6 * n); x61.intoArray(c, c0 + 6 * n + L);
        x70.intoArray(c, c0 + 7 * n); x71.intoArray(c, c0 + 7 * n + L);
    }

    /**
     * Few output columns (a Dense(10) head): the n columns of a row of C in one or two vectors, four
     * rows at a time where one vector holds a row (independent fma chains; one chain alone waits on
     * every fma),
     * the lanes past n computed and thrown away. Per element the same fma chain over ascending p
     * as everywhere else (a dot product split over lanes would sum in another order); the last
     * rows of B, where a full vector would read past the array, finish in scalar fma.
     */
    private static void narrow(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        int nv = (n + L - 1) / L; // 1 or 2 vectors
        int pv = k; // rows of B where the vector load stays inside b
        while (pv > 0 && bOff + (pv - 1) * n + nv * L > b.length) pv--;
        float[] tmp = new float[8 * L];
        int i = 0;
        if (nv == 1) {
            // four rows at once: four independent fma chains (one chain alone waits on each fma's latency)
            for (; i + 4 <= m; i += 4) {
                java.util.Arrays.fill(tmp, 0f);
                if (accumulate) for (int t = 0; t < 4; t++) System.arraycopy(c, cOff + (i + t) * n, tmp, t * L, n);
                FloatVector x0 = FloatVector.fromArray(S, tmp, 0), x1 = FloatVector.fromArray(S, tmp, L);
                FloatVector x2 = FloatVector.fromArray(S, tmp, 2 * L), x3 = FloatVector.fromArray(S, tmp, 3 * L);
                int a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
                for (int p = 0; p < pv; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * n);
                    x0 = FloatVector.broadcast(S, a[a0 + p]).fma(bv, x0);
                    x1 = FloatVector.broadcast(S, a[a1 + p]).fma(bv, x1);
                    x2 = FloatVector.broadcast(S, a[a2 + p]).fma(bv, x2);
                    x3 = FloatVector.broadcast(S, a[a3 + p]).fma(bv, x3);
                }
                x0.intoArray(tmp, 0);
                x1.intoArray(tmp, L);
                x2.intoArray(tmp, 2 * L);
                x3.intoArray(tmp, 3 * L);
                for (int t = 0; t < 4; t++) {
                    int ai = aOff + (i + t) * k, to = t * L;
                    for (int p = pv; p < k; p++) {
                        float av = a[ai + p];
                        for (int j = 0; j < n; j++) tmp[to + j] = Math.fma(av, b[bOff + p * n + j], tmp[to + j]);
                    }
                    System.arraycopy(tmp, to, c, cOff + (i + t) * n, n);
                }
            }
        }
        for (; i < m; i++) {
            int ai = aOff + i * k, ci = cOff + i * n;
            java.util.Arrays.fill(tmp, 0, 2 * L, 0f);
            if (accumulate) System.arraycopy(c, ci, tmp, 0, n);
            FloatVector x0 = FloatVector.fromArray(S, tmp, 0), x1 = FloatVector.fromArray(S, tmp, L);
            if (nv == 1) {
                for (int p = 0; p < pv; p++) x0 = FloatVector.broadcast(S, a[ai + p]).fma(FloatVector.fromArray(S, b, bOff + p * n), x0);
            } else {
                for (int p = 0; p < pv; p++) {
                    FloatVector v = FloatVector.broadcast(S, a[ai + p]);
                    int bp = bOff + p * n;
                    x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
                    x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
                }
            }
            x0.intoArray(tmp, 0);
            x1.intoArray(tmp, L);
            for (int p = pv; p < k; p++) {
                float av = a[ai + p];
                for (int j = 0; j < n; j++) tmp[j] = Math.fma(av, b[bOff + p * n + j], tmp[j]);
            }
            System.arraycopy(tmp, 0, c, ci, n);
        }
    }

    private static void scalarBlock(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i0, int i1, int j0, int j1,
                                    int k, int n, boolean accumulate) {
        // rows of C updated along contiguous rows of B; per element the same fma sequence over p
        for (int i = i0; i < i1; i++) {
            int ci = cOff + i * n;
            if (!accumulate) java.util.Arrays.fill(c, ci + j0, ci + j1, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * k + p];
                int bp = bOff + p * n;
                for (int j = j0; j < j1; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
            }
        }
    }

    @Override
    public void tn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        // C[i, :] += sum_p A[p, i] * B[p, :]: a 4-row block of C in registers, p streaming
        int jv4 = n - n % (4 * L);
        int jv = n - n % (2 * L);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            for (int j = 0; j < jv4; j += 4 * L) tnBlock4x4(a, aOff + i, m, b, bOff + j, n, c, cOff + i * n + j, k);
            for (int j = jv4; j < jv; j += 2 * L) {
                int c0 = cOff + i * n + j;
                FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
                FloatVector x10 = FloatVector.fromArray(S, c, c0 + n), x11 = FloatVector.fromArray(S, c, c0 + n + L);
                FloatVector x20 = FloatVector.fromArray(S, c, c0 + 2 * n), x21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
                FloatVector x30 = FloatVector.fromArray(S, c, c0 + 3 * n), x31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j, ap = aOff + p * m + i;
                    FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
                    FloatVector v = FloatVector.broadcast(S, a[ap]);
                    x00 = v.fma(b0, x00);
                    x01 = v.fma(b1, x01);
                    v = FloatVector.broadcast(S, a[ap + 1]);
                    x10 = v.fma(b0, x10);
                    x11 = v.fma(b1, x11);
                    v = FloatVector.broadcast(S, a[ap + 2]);
                    x20 = v.fma(b0, x20);
                    x21 = v.fma(b1, x21);
                    v = FloatVector.broadcast(S, a[ap + 3]);
                    x30 = v.fma(b0, x30);
                    x31 = v.fma(b1, x31);
                }
                x00.intoArray(c, c0);
                x01.intoArray(c, c0 + L);
                x10.intoArray(c, c0 + n);
                x11.intoArray(c, c0 + n + L);
                x20.intoArray(c, c0 + 2 * n);
                x21.intoArray(c, c0 + 2 * n + L);
                x30.intoArray(c, c0 + 3 * n);
                x31.intoArray(c, c0 + 3 * n + L);
            }
            if (jv < n) scalarTn(a, aOff, b, bOff, c, cOff, i, i + 4, jv, n, m, k, n);
        }
        for (; i < m; i++) { // leftover rows of C (9 for a 3x3 kernel on one channel = 2 blocks of 4 + 1): one row of vectors
            int ci = cOff + i * n;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, c, ci + j), x1 = FloatVector.fromArray(S, c, ci + j + L);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j;
                    FloatVector v = FloatVector.broadcast(S, a[aOff + p * m + i]);
                    x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
                    x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
                }
                x0.intoArray(c, ci + j);
                x1.intoArray(c, ci + j + L);
            }
            if (jv < n) scalarTn(a, aOff, b, bOff, c, cOff, i, i + 1, jv, n, m, k, n);
        }
    }

    /**
     * A valid convolution's rows without an im2col matrix ("implicit GEMM"): row i of A is read
     * straight from the input, {@code A[i, p] = x[base[i] + off[p]]}; then C = A B, + bias, ReLU.
     * The same fma chain per element as {@link #nn} on the im2col matrix, so the same bits.
     * For n >= 2 vectors (Gemm.convRows checks).
     */
    void convRows(float[] x, int[] base, int[] off, int m, int k, float[] b, float[] c, int cOff, int n, float[] bias, boolean relu) {
        int jv4 = n - n % (4 * L);
        int jv = n - n % (2 * L);
        int i = 0;
        if (n == 2 * L) { // two vectors wide (the first layer's 32 filters): 8 rows at a time, as nn's block8x2
            for (; i + 8 <= m; i += 8) {
                convBlock8x2(x, base, i, off, k, b, c, cOff + i * n);
                if (bias != null || relu) epilogue(c, cOff + i * n, 8, n, bias, relu);
            }
        }
        for (; i + 4 <= m; i += 4) {
            int r0 = base[i], r1 = base[i + 1], r2 = base[i + 2], r3 = base[i + 3];
            for (int j = 0; j < jv4; j += 4 * L) convBlock4x4(x, r0, r1, r2, r3, off, k, b, n, c, cOff + i * n + j, j);
            for (int j = jv4; j < jv; j += 2 * L) {
                int c0 = cOff + i * n + j;
                FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
                x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    int bp = p * n + j, o = off[p];
                    FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
                    FloatVector v = FloatVector.broadcast(S, x[r0 + o]);
                    x00 = v.fma(b0, x00);
                    x01 = v.fma(b1, x01);
                    v = FloatVector.broadcast(S, x[r1 + o]);
                    x10 = v.fma(b0, x10);
                    x11 = v.fma(b1, x11);
                    v = FloatVector.broadcast(S, x[r2 + o]);
                    x20 = v.fma(b0, x20);
                    x21 = v.fma(b1, x21);
                    v = FloatVector.broadcast(S, x[r3 + o]);
                    x30 = v.fma(b0, x30);
                    x31 = v.fma(b1, x31);
                }
                x00.intoArray(c, c0);
                x01.intoArray(c, c0 + L);
                x10.intoArray(c, c0 + n);
                x11.intoArray(c, c0 + n + L);
                x20.intoArray(c, c0 + 2 * n);
                x21.intoArray(c, c0 + 2 * n + L);
                x30.intoArray(c, c0 + 3 * n);
                x31.intoArray(c, c0 + 3 * n + L);
            }
            for (int r = i; r < i + 4; r++) convScalar(x, base[r], off, k, b, n, c, cOff + r * n, jv);
            if (bias != null || relu) epilogue(c, cOff + i * n, 4, n, bias, relu);
        }
        for (; i < m; i++) {
            int r0 = base[i], ci = cOff + i * n;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector x0 = FloatVector.zero(S), x1 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    int bp = p * n + j;
                    FloatVector v = FloatVector.broadcast(S, x[r0 + off[p]]);
                    x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
                    x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
                }
                x0.intoArray(c, ci + j);
                x1.intoArray(c, ci + j + L);
            }
            convScalar(x, r0, off, k, b, n, c, ci, jv);
            if (bias != null || relu) epilogue(c, ci, 1, n, bias, relu);
        }
    }

    /** Rows i..i+7 of {@link #convRows} for n = 2L: 16 accumulators, each broadcast feeding two FMAs; the same fma chain per element. */
    private static void convBlock8x2(float[] x, int[] base, int i, int[] off, int k, float[] b, float[] c, int c0) {
        int n = 2 * L;
        int r0 = base[i], r1 = base[i + 1], r2 = base[i + 2], r3 = base[i + 3], r4 = base[i + 4], r5 = base[i + 5], r6 = base[i + 6], r7 = base[i + 7];
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51, x60, x61, x70, x71;
        x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = x40 = x41 = x50 = x51 = x60 = x61 = x70 = x71 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int bp = p * n, o = off[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector v = FloatVector.broadcast(S, x[r0 + o]);
            x00 = v.fma(b0, x00); x01 = v.fma(b1, x01);
            v = FloatVector.broadcast(S, x[r1 + o]);
            x10 = v.fma(b0, x10); x11 = v.fma(b1, x11);
            v = FloatVector.broadcast(S, x[r2 + o]);
            x20 = v.fma(b0, x20); x21 = v.fma(b1, x21);
            v = FloatVector.broadcast(S, x[r3 + o]);
            x30 = v.fma(b0, x30); x31 = v.fma(b1, x31);
            v = FloatVector.broadcast(S, x[r4 + o]);
            x40 = v.fma(b0, x40); x41 = v.fma(b1, x41);
            v = FloatVector.broadcast(S, x[r5 + o]);
            x50 = v.fma(b0, x50); x51 = v.fma(b1, x51);
            v = FloatVector.broadcast(S, x[r6 + o]);
            x60 = v.fma(b0, x60); x61 = v.fma(b1, x61);
            v = FloatVector.broadcast(S, x[r7 + o]);
            x70 = v.fma(b0, x70); x71 = v.fma(b1, x71);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L);
        x20.intoArray(c, c0 + 2 * n); x21.intoArray(c, c0 + 2 * n + L);
        x30.intoArray(c, c0 + 3 * n); x31.intoArray(c, c0 + 3 * n + L);
        x40.intoArray(c, c0 + 4 * n); x41.intoArray(c, c0 + 4 * n + L);
        x50.intoArray(c, c0 + 5 * n); x51.intoArray(c, c0 + 5 * n + L);
        x60.intoArray(c, c0 + 6 * n); x61.intoArray(c, c0 + 6 * n + L);
        x70.intoArray(c, c0 + 7 * n); x71.intoArray(c, c0 + 7 * n + L);
    }

    /** Columns [j0, n) of one row of {@link #convRows}: zero, then one fma per p. */
    private static void convScalar(float[] x, int r0, int[] off, int k, float[] b, int n, float[] c, int ci, int j0) {
        if (j0 >= n) return;
        java.util.Arrays.fill(c, ci + j0, ci + n, 0f);
        for (int p = 0; p < k; p++) {
            float av = x[r0 + off[p]];
            int bp = p * n;
            for (int j = j0; j < n; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
        }
    }

    private static void convBlock4x4(float[] x, int r0, int r1, int r2, int r3, int[] off, int k, float[] b, int n, float[] c, int c0, int j) {
        int n2 = 2 * n, n3 = 3 * n;
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
        x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = x20 = x21 = x22 = x23 = x30 = x31 = x32 = x33 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int bp = p * n + j, o = off[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[r0 + o]);
            x00 = v.fma(b0, x00); x01 = v.fma(b1, x01); x02 = v.fma(b2, x02); x03 = v.fma(b3, x03);
            v = FloatVector.broadcast(S, x[r1 + o]);
            x10 = v.fma(b0, x10); x11 = v.fma(b1, x11); x12 = v.fma(b2, x12); x13 = v.fma(b3, x13);
            v = FloatVector.broadcast(S, x[r2 + o]);
            x20 = v.fma(b0, x20); x21 = v.fma(b1, x21); x22 = v.fma(b2, x22); x23 = v.fma(b3, x23);
            v = FloatVector.broadcast(S, x[r3 + o]);
            x30 = v.fma(b0, x30); x31 = v.fma(b1, x31); x32 = v.fma(b2, x32); x33 = v.fma(b3, x33);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L); x12.intoArray(c, c0 + n + 2 * L); x13.intoArray(c, c0 + n + 3 * L);
        x20.intoArray(c, c0 + n2); x21.intoArray(c, c0 + n2 + L); x22.intoArray(c, c0 + n2 + 2 * L); x23.intoArray(c, c0 + n2 + 3 * L);
        x30.intoArray(c, c0 + n3); x31.intoArray(c, c0 + n3 + L); x32.intoArray(c, c0 + n3 + 2 * L); x33.intoArray(c, c0 + n3 + 3 * L);
    }

    /**
     * The weight gradient of a valid convolution without an im2col matrix: C += A^T B with
     * {@code A[p, i] = x[base[p] + off[i]]} (p: output pixel, i: kernel tap and channel). The same
     * fma chain per element as {@link #tn} on the im2col matrix, so the same bits. n >= 2 vectors.
     */
    void convTn(float[] x, int[] base, int[] off, int m, int k, float[] b, int bOff, float[] c, int n) {
        int jv4 = n - n % (4 * L);
        int jv = n - n % (2 * L);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int o0 = off[i], o1 = off[i + 1], o2 = off[i + 2], o3 = off[i + 3];
            for (int j = 0; j < jv4; j += 4 * L) convTnBlock4x4(x, base, o0, o1, o2, o3, b, bOff + j, n, c, i * n + j, k);
            for (int j = jv4; j < jv; j += 2 * L) {
                int c0 = i * n + j;
                FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
                FloatVector x10 = FloatVector.fromArray(S, c, c0 + n), x11 = FloatVector.fromArray(S, c, c0 + n + L);
                FloatVector x20 = FloatVector.fromArray(S, c, c0 + 2 * n), x21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
                FloatVector x30 = FloatVector.fromArray(S, c, c0 + 3 * n), x31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j, r = base[p];
                    FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
                    FloatVector v = FloatVector.broadcast(S, x[r + o0]);
                    x00 = v.fma(b0, x00);
                    x01 = v.fma(b1, x01);
                    v = FloatVector.broadcast(S, x[r + o1]);
                    x10 = v.fma(b0, x10);
                    x11 = v.fma(b1, x11);
                    v = FloatVector.broadcast(S, x[r + o2]);
                    x20 = v.fma(b0, x20);
                    x21 = v.fma(b1, x21);
                    v = FloatVector.broadcast(S, x[r + o3]);
                    x30 = v.fma(b0, x30);
                    x31 = v.fma(b1, x31);
                }
                x00.intoArray(c, c0);
                x01.intoArray(c, c0 + L);
                x10.intoArray(c, c0 + n);
                x11.intoArray(c, c0 + n + L);
                x20.intoArray(c, c0 + 2 * n);
                x21.intoArray(c, c0 + 2 * n + L);
                x30.intoArray(c, c0 + 3 * n);
                x31.intoArray(c, c0 + 3 * n + L);
            }
            for (int t = i; t < i + 4; t++) convTnScalar(x, base, off[t], b, bOff, c, t * n, jv, n, k);
        }
        for (; i < m; i++) {
            int o = off[i], ci = i * n;
            for (int j = 0; j < jv; j += 2 * L) {
                FloatVector x0 = FloatVector.fromArray(S, c, ci + j), x1 = FloatVector.fromArray(S, c, ci + j + L);
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * n + j;
                    FloatVector v = FloatVector.broadcast(S, x[base[p] + o]);
                    x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
                    x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
                }
                x0.intoArray(c, ci + j);
                x1.intoArray(c, ci + j + L);
            }
            convTnScalar(x, base, o, b, bOff, c, ci, jv, n, k);
        }
    }

    private static void convTnScalar(float[] x, int[] base, int o, float[] b, int bOff, float[] c, int ci, int j0, int n, int k) {
        if (j0 >= n) return;
        for (int p = 0; p < k; p++) {
            float av = x[base[p] + o];
            int bp = bOff + p * n;
            for (int j = j0; j < n; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
        }
    }

    private static void convTnBlock4x4(float[] x, int[] base, int o0, int o1, int o2, int o3, float[] b, int b0, int n, float[] c, int c0, int k) {
        int n2 = 2 * n, n3 = 3 * n;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c0 + n), x11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c0 + n + 2 * L), x13 = FloatVector.fromArray(S, c, c0 + n + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c0 + n2), x21 = FloatVector.fromArray(S, c, c0 + n2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c0 + n2 + 2 * L), x23 = FloatVector.fromArray(S, c, c0 + n2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c0 + n3), x31 = FloatVector.fromArray(S, c, c0 + n3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c0 + n3 + 2 * L), x33 = FloatVector.fromArray(S, c, c0 + n3 + 3 * L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * n, r = base[p];
            FloatVector b0v = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector v = FloatVector.broadcast(S, x[r + o0]);
            x00 = v.fma(b0v, x00); x01 = v.fma(b1, x01); x02 = v.fma(b2, x02); x03 = v.fma(b3, x03);
            v = FloatVector.broadcast(S, x[r + o1]);
            x10 = v.fma(b0v, x10); x11 = v.fma(b1, x11); x12 = v.fma(b2, x12); x13 = v.fma(b3, x13);
            v = FloatVector.broadcast(S, x[r + o2]);
            x20 = v.fma(b0v, x20); x21 = v.fma(b1, x21); x22 = v.fma(b2, x22); x23 = v.fma(b3, x23);
            v = FloatVector.broadcast(S, x[r + o3]);
            x30 = v.fma(b0v, x30); x31 = v.fma(b1, x31); x32 = v.fma(b2, x32); x33 = v.fma(b3, x33);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L); x12.intoArray(c, c0 + n + 2 * L); x13.intoArray(c, c0 + n + 3 * L);
        x20.intoArray(c, c0 + n2); x21.intoArray(c, c0 + n2 + L); x22.intoArray(c, c0 + n2 + 2 * L); x23.intoArray(c, c0 + n2 + 3 * L);
        x30.intoArray(c, c0 + n3); x31.intoArray(c, c0 + n3 + L); x32.intoArray(c, c0 + n3 + 2 * L); x33.intoArray(c, c0 + n3 + 3 * L);
    }

    /**
     * The machine's fused multiply-add ceiling as this JVM reaches it: 12 independent vector
     * accumulators, no memory traffic, {@code iterations} rounds. Returns a value to keep the JIT
     * from dropping the loop; the caller times it (2 * 12 * L flops per round).
     */
    static float fmaCeiling(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector x0 = FloatVector.zero(S), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0, x10 = x0, x11 = x0;
        for (long i = 0; i < iterations; i++) {
            x0 = x0.fma(a, b); x1 = x1.fma(a, b); x2 = x2.fma(a, b); x3 = x3.fma(a, b);
            x4 = x4.fma(a, b); x5 = x5.fma(a, b); x6 = x6.fma(a, b); x7 = x7.fma(a, b);
            x8 = x8.fma(a, b); x9 = x9.fma(a, b); x10 = x10.fma(a, b); x11 = x11.fma(a, b);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11).reduceLanes(VectorOperators.ADD);
    }

    /** C[4 rows, 4 vectors] += A[:, 4 columns]^T B[:, 4 vectors], p ascending: 4 loads and 4 broadcasts feed 16 FMAs. */
    private static void tnBlock4x4(float[] a, int a0, int m, float[] b, int b0, int n, float[] c, int c0, int k) {
        int n2 = 2 * n, n3 = 3 * n;
        FloatVector x00 = FloatVector.fromArray(S, c, c0), x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x02 = FloatVector.fromArray(S, c, c0 + 2 * L), x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector x10 = FloatVector.fromArray(S, c, c0 + n), x11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector x12 = FloatVector.fromArray(S, c, c0 + n + 2 * L), x13 = FloatVector.fromArray(S, c, c0 + n + 3 * L);
        FloatVector x20 = FloatVector.fromArray(S, c, c0 + n2), x21 = FloatVector.fromArray(S, c, c0 + n2 + L);
        FloatVector x22 = FloatVector.fromArray(S, c, c0 + n2 + 2 * L), x23 = FloatVector.fromArray(S, c, c0 + n2 + 3 * L);
        FloatVector x30 = FloatVector.fromArray(S, c, c0 + n3), x31 = FloatVector.fromArray(S, c, c0 + n3 + L);
        FloatVector x32 = FloatVector.fromArray(S, c, c0 + n3 + 2 * L), x33 = FloatVector.fromArray(S, c, c0 + n3 + 3 * L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * n, ap = a0 + p * m;
            FloatVector b0v = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L), b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(b0v, x00); x01 = v.fma(b1, x01); x02 = v.fma(b2, x02); x03 = v.fma(b3, x03);
            v = FloatVector.broadcast(S, a[ap + 1]);
            x10 = v.fma(b0v, x10); x11 = v.fma(b1, x11); x12 = v.fma(b2, x12); x13 = v.fma(b3, x13);
            v = FloatVector.broadcast(S, a[ap + 2]);
            x20 = v.fma(b0v, x20); x21 = v.fma(b1, x21); x22 = v.fma(b2, x22); x23 = v.fma(b3, x23);
            v = FloatVector.broadcast(S, a[ap + 3]);
            x30 = v.fma(b0v, x30); x31 = v.fma(b1, x31); x32 = v.fma(b2, x32); x33 = v.fma(b3, x33);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c0 + n); x11.intoArray(c, c0 + n + L); x12.intoArray(c, c0 + n + 2 * L); x13.intoArray(c, c0 + n + 3 * L);
        x20.intoArray(c, c0 + n2); x21.intoArray(c, c0 + n2 + L); x22.intoArray(c, c0 + n2 + 2 * L); x23.intoArray(c, c0 + n2 + 3 * L);
        x30.intoArray(c, c0 + n3); x31.intoArray(c, c0 + n3 + L); x32.intoArray(c, c0 + n3 + 2 * L); x33.intoArray(c, c0 + n3 + 3 * L);
    }

    private static void scalarTn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i0, int i1, int j0, int j1,
                                 int m, int k, int n) {
        // p outermost, rows of B contiguous; per element still the fma sequence over ascending p
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * n;
            for (int i = i0; i < i1; i++) {
                float av = a[aOff + p * m + i];
                int ci = cOff + i * n;
                for (int j = j0; j < j1; j++) c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
            }
        }
    }
}
