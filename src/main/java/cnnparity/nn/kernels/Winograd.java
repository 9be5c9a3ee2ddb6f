package cnnparity.nn.kernels;

/**
 * A 3x3, stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2016): each 2x2 block of outputs comes from a
 * 4x4 input tile with 16 multiplies per channel pair instead of 36.
 *
 * <pre>
 * k: (3, 3, C, F)  ->  U: (16, C, F)      U = G k G^T               per (c, f)
 * x: (N, H, W, C)  ->  V: (16, T, C)      V = B^T d B               d: the 4x4xC tile at (2*ti, 2*tj)
 *                      M: (16, T, F)      M[xi] = V[xi] x U[xi]     16 matrix products (nn.kernels.Gemm)
 *                      y: 2x2xF per tile  y = A^T M A
 *
 *       | 1  0  0 |          | 1  0 -1  0 |          | 1  1  1  0 |
 *   G = | .5 .5 .5|    B^T = | 0  1  1  0 |    A^T = | 0  1 -1 -1 |
 *       | .5-.5 .5|          | 0 -1  1  0 |
 *       | 0  0  1 |          | 0  1  0 -1 |
 * </pre>
 * A 2x2 output block is exactly one window of a following 2x2/2 max pooling, which is the case
 * this serves (Conv2D + MaxPooling2D at inference and in the training forward): T counts the
 * pooling windows, and a conv output row or column no window reads (an odd size) is never
 * computed. The transforms are additions and subtractions only (G's halves are exact), and every
 * product goes through Gemm, so the portable and vector kernels give the same bits. The result is
 * not the direct convolution's bits: the sums run in another order, with a rounding error of the
 * same order (WinogradTest bounds it against a float64 convolution).
 */
public final class Winograd {
    interface Kernel {
        void kernelTransform(float[] k, int c, int f, float[] u);

        void inputTransform(float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v, int plane);

        void outputTransform(float[] m, int plane, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu);

        void gradTransform(float[] dz, int tiles, int ph, int pw, int f, float[] w, int plane);

        void inputGradTransform(float[] dv, int plane, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx);
    }

    private static final Kernel PORTABLE = new Scalar();
    private static final Kernel VECTOR = Gemm.VECTOR != null ? Gemm.vectorImpl("VectorWinograd") : null;

    private static volatile boolean enabled = !"false".equals(System.getProperty("cnnparity.winograd"));

    private Winograd() {
    }

    /**
     * Whether Conv2D + MaxPooling2D's fused passes (Model.forward, Backprop.step) use this
     * algorithm where it applies; on unless -Dcnnparity.winograd=false. The parity harness and
     * {@code verify} run layer by layer and never do.
     */
    public static boolean enabled() {
        return enabled;
    }

    /** Turns the Winograd path on or off (tests and benchmarks compare both). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** The same switch as Gemm's: the vector kernel once the JIT has compiled it (both give the same bits). */
    private static Kernel kernel() {
        return Gemm.choose(VECTOR, PORTABLE);
    }

    /**
     * The distance between two of the 16 (rows, cols) matrices: one cache line more than their
     * size, so that the 16 streams the transforms read or write at once do not all fall in the same
     * L1 sets (a 4 KB multiple would).
     */
    public static int plane(int rows, int cols) {
        return rows * cols + 16;
    }

    /** U (16, C, F), plane C*F, from the kernel k (3, 3, C, F). */
    public static void kernelTransform(float[] k, int c, int f, float[] u) {
        kernel().kernelTransform(k, c, f, u);
    }

    /**
     * V (16, T, C) at v, {@link #plane}(T, C) apart, for samples [b0, b1) of x (N, H, W, C): tile
     * t = ((b-b0)*PH + ti)*PW + tj reads rows 2ti..2ti+3, columns 2tj..2tj+3 (all inside when
     * 2*PH+1 < H and 2*PW+1 < W).
     */
    public static void inputTransform(float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v) {
        kernel().inputTransform(x, b0, b1, h, w, c, ph, pw, v, plane((b1 - b0) * ph * pw, c));
    }

    /** M (16, T, F), {@link #plane}(T, F) apart: M[xi] = V[xi] x U[xi] for each of the 16 tile positions. */
    public static void products(float[] v, float[] u, float[] m, int tiles, int c, int f) {
        int vp = plane(tiles, c), mp = plane(tiles, f);
        for (int xi = 0; xi < 16; xi++) Gemm.nn(v, xi * vp, u, xi * c * f, m, xi * mp, tiles, c, f, false);
    }

    /**
     * The conv output of the tiles, y = A^T M A, into z (T/(PH*PW), 2*PH, 2*PW, F): each tile's
     * 2x2 block at rows 2ti, 2ti+1 and columns 2tj, 2tj+1; then + bias (when not null) and ReLU
     * (when {@code relu}), as Gemm's epilogue does them.
     */
    public static void outputTransform(float[] m, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu) {
        kernel().outputTransform(m, plane(tiles, f), tiles, ph, pw, f, z, bias, relu);
    }

    /*
     * Backward. y = A^T (U . V) A is linear in U and in V, so with W = A dy A^T (the 2x2 output
     * gradient of a tile spread to 4x4):
     *   dU = sum over tiles of V . W      (per channel pair: 16 products (C,T) x (T,F))
     *   dk = G^T dU G                     (3x3 from 4x4)
     *   dV = W . U summed over filters    (16 products (T,F) x (F,C))
     *   dx += B dV B^T at the tile's 4x4 cells
     * the exact gradients of the forward above (the transposes of its linear maps).
     */

    /** W (16, T, F), {@link #plane}(T, F) apart, from dz (T/(PH*PW), 2*PH, 2*PW, F): the conv output gradient of the windows. */
    public static void gradTransform(float[] dz, int tiles, int ph, int pw, int f, float[] w) {
        kernel().gradTransform(dz, tiles, ph, pw, f, w, plane(tiles, f));
    }

    /** dU (16, C, F) += V[xi]^T W[xi] for each tile position: the weight gradient in the transformed domain. */
    public static void weightGradProducts(float[] v, float[] w, float[] du, int tiles, int c, int f) {
        int vp = plane(tiles, c), wp = plane(tiles, f);
        for (int xi = 0; xi < 16; xi++) Gemm.tn(v, xi * vp, w, xi * wp, du, xi * c * f, c, tiles, f);
    }

    /** uT (16, F, C): each position's U transposed, for {@link #inputGradProducts}. */
    public static void transposeU(float[] u, int c, int f, float[] uT) {
        for (int xi = 0; xi < 16; xi++) {
            int o = xi * c * f;
            for (int ch = 0; ch < c; ch++) for (int q = 0; q < f; q++) uT[o + q * c + ch] = u[o + ch * f + q];
        }
    }

    /** dV (16, T, C), {@link #plane}(T, C) apart: dV[xi] = W[xi] x U[xi]^T. */
    public static void inputGradProducts(float[] w, float[] uT, float[] dv, int tiles, int c, int f) {
        int wp = plane(tiles, f), vp = plane(tiles, c);
        for (int xi = 0; xi < 16; xi++) Gemm.nn(w, xi * wp, uT, xi * f * c, dv, xi * vp, tiles, f, c, false);
    }

    /**
     * dx += B dV B^T at each tile's 4x4 cells, samples [b0, b1) of dx (N, H, W, C), tiles in order
     * (overlapping tiles add in a fixed order). dx must hold zeros (or what to add to) there.
     */
    public static void inputGradTransform(float[] dv, int tiles, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx) {
        kernel().inputGradTransform(dv, plane(tiles, c), b0, b1, h, w, c, ph, pw, dx);
    }

    /** dk (3, 3, C, F) += G^T dU G, from dU (16, C, F). Once per step: plain loops. */
    public static void kernelGradTransform(float[] du, int c, int f, float[] dk) {
        int cf = c * f;
        for (int q = 0; q < cf; q++) {
            // G^T D, column by column: D0 + (D1 + D2)/2, (D1 - D2)/2, (D1 + D2)/2 + D3
            float d0 = du[q], d1 = du[4 * cf + q], d2 = du[8 * cf + q], d3 = du[12 * cf + q];
            float r00 = d0 + 0.5f * (d1 + d2), r10 = 0.5f * (d1 - d2), r20 = 0.5f * (d1 + d2) + d3;
            d0 = du[cf + q]; d1 = du[5 * cf + q]; d2 = du[9 * cf + q]; d3 = du[13 * cf + q];
            float r01 = d0 + 0.5f * (d1 + d2), r11 = 0.5f * (d1 - d2), r21 = 0.5f * (d1 + d2) + d3;
            d0 = du[2 * cf + q]; d1 = du[6 * cf + q]; d2 = du[10 * cf + q]; d3 = du[14 * cf + q];
            float r02 = d0 + 0.5f * (d1 + d2), r12 = 0.5f * (d1 - d2), r22 = 0.5f * (d1 + d2) + d3;
            d0 = du[3 * cf + q]; d1 = du[7 * cf + q]; d2 = du[11 * cf + q]; d3 = du[15 * cf + q];
            float r03 = d0 + 0.5f * (d1 + d2), r13 = 0.5f * (d1 - d2), r23 = 0.5f * (d1 + d2) + d3;
            // (G^T D) G, row by row
            kernelGradRow(dk, 0, cf, q, r00, r01, r02, r03);
            kernelGradRow(dk, 3, cf, q, r10, r11, r12, r13);
            kernelGradRow(dk, 6, cf, q, r20, r21, r22, r23);
        }
    }

    private static void kernelGradRow(float[] dk, int cell, int cf, int q, float e0, float e1, float e2, float e3) {
        dk[cell * cf + q] += e0 + 0.5f * (e1 + e2);
        dk[(cell + 1) * cf + q] += 0.5f * (e1 - e2);
        dk[(cell + 2) * cf + q] += 0.5f * (e1 + e2) + e3;
    }

    /** One tile's W for filters [q0, q1): dz's 2x2 block at z0 (and z0 + zRow). */
    static void gradTile(float[] dz, int z0, int zRow, int f, float[] w, int o, int plane, int q0, int q1) {
        int z1 = z0 + zRow;
        for (int q = q0; q < q1; q++) {
            float p = dz[z0 + q], r = dz[z0 + f + q], s = dz[z1 + q], t = dz[z1 + f + q];
            // A dy: rows [p r], [p+s r+t], [p-s r-t], [-s -t]; then (A dy) A^T: [a, a+b, a-b, -b] along each row
            gradRow(w, o + q, plane, 0, p, r);
            gradRow(w, o + q, plane, 4, p + s, r + t);
            gradRow(w, o + q, plane, 8, p - s, r - t);
            gradRow(w, o + q, plane, 12, -s, -t);
        }
    }

    private static void gradRow(float[] w, int p, int plane, int xi, float a, float b) {
        w[p + xi * plane] = a;
        w[p + (xi + 1) * plane] = a + b;
        w[p + (xi + 2) * plane] = a - b;
        w[p + (xi + 3) * plane] = -b;
    }

    /** One tile's dx += B dV B^T for channels [ch0, ch1): dV at o, the tile's top-left cell of dx at x0. */
    static void inputGradTile(float[] dv, int o, int plane, float[] dx, int x0, int row, int c, int ch0, int ch1) {
        for (int ch = ch0; ch < ch1; ch++) {
            int p = o + ch;
            // B D, column by column: D0, D1 - D2 + D3, D2 + D1 - D0, -D3
            float d0 = dv[p], d1 = dv[p + 4 * plane], d2 = dv[p + 8 * plane], d3 = dv[p + 12 * plane];
            float e00 = d0, e10 = d1 - d2 + d3, e20 = d2 + d1 - d0, e30 = -d3;
            d0 = dv[p + plane]; d1 = dv[p + 5 * plane]; d2 = dv[p + 9 * plane]; d3 = dv[p + 13 * plane];
            float e01 = d0, e11 = d1 - d2 + d3, e21 = d2 + d1 - d0, e31 = -d3;
            d0 = dv[p + 2 * plane]; d1 = dv[p + 6 * plane]; d2 = dv[p + 10 * plane]; d3 = dv[p + 14 * plane];
            float e02 = d0, e12 = d1 - d2 + d3, e22 = d2 + d1 - d0, e32 = -d3;
            d0 = dv[p + 3 * plane]; d1 = dv[p + 7 * plane]; d2 = dv[p + 11 * plane]; d3 = dv[p + 15 * plane];
            float e03 = d0, e13 = d1 - d2 + d3, e23 = d2 + d1 - d0, e33 = -d3;
            // (B D) B^T, row by row, added at the tile's row i
            inputGradRow(dx, x0 + ch, c, e00, e01, e02, e03);
            inputGradRow(dx, x0 + row + ch, c, e10, e11, e12, e13);
            inputGradRow(dx, x0 + 2 * row + ch, c, e20, e21, e22, e23);
            inputGradRow(dx, x0 + 3 * row + ch, c, e30, e31, e32, e33);
        }
    }

    private static void inputGradRow(float[] dx, int xo, int c, float e0, float e1, float e2, float e3) {
        dx[xo] += e0;
        dx[xo + c] += e1 - e2 + e3;
        dx[xo + 2 * c] += e2 + e1 - e0;
        dx[xo + 3 * c] += -e3;
    }

    /** Plain loops; the vector kernel (VectorWinograd) does the same operations in the same order per element. */
    static final class Scalar implements Kernel {
        @Override
        public void kernelTransform(float[] k, int c, int f, float[] u) {
            kernelTransformRange(k, c * f, 0, c * f, u);
        }

        @Override
        public void inputTransform(float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v, int plane) {
            int t = 0;
            for (int b = b0; b < b1; b++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
                int x0 = ((b * h + 2 * ti) * w + 2 * tj) * c;
                inputTile(x, x0, w * c, c, v, t * c, plane, 0, c);
            }
        }

        @Override
        public void gradTransform(float[] dz, int tiles, int ph, int pw, int f, float[] w, int plane) {
            int t = 0;
            for (int s = 0; s < tiles / (ph * pw); s++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
                int z0 = ((s * 2 * ph + 2 * ti) * 2 * pw + 2 * tj) * f;
                gradTile(dz, z0, 2 * pw * f, f, w, t * f, plane, 0, f);
            }
        }

        @Override
        public void inputGradTransform(float[] dv, int plane, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx) {
            int t = 0;
            for (int b = b0; b < b1; b++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
                int x0 = ((b * h + 2 * ti) * w + 2 * tj) * c;
                inputGradTile(dv, t * c, plane, dx, x0, w * c, c, 0, c);
            }
        }

        @Override
        public void outputTransform(float[] m, int plane, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu) {
            int t = 0;
            for (int s = 0; s < tiles / (ph * pw); s++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
                int z0 = ((s * 2 * ph + 2 * ti) * 2 * pw + 2 * tj) * f;
                outputTile(m, t * f, plane, z, z0, 2 * pw * f, f, 0, f, bias, relu);
            }
        }
    }

    /** U for q = c*F + f in [q0, q1). */
    static void kernelTransformRange(float[] k, int cf, int q0, int q1, float[] u) {
        for (int q = q0; q < q1; q++) {
            float g00 = k[q], g01 = k[cf + q], g02 = k[2 * cf + q];
            float g10 = k[3 * cf + q], g11 = k[4 * cf + q], g12 = k[5 * cf + q];
            float g20 = k[6 * cf + q], g21 = k[7 * cf + q], g22 = k[8 * cf + q];
            // G g: rows 0, (0+1+2)/2, (0-1+2)/2, 2 of g; then (G g) G^T, the same along each row
            kernelRow(u, 0, cf, q, g00, g01, g02);
            kernelRow(u, 4, cf, q, 0.5f * (g00 + g10 + g20), 0.5f * (g01 + g11 + g21), 0.5f * (g02 + g12 + g22));
            kernelRow(u, 8, cf, q, 0.5f * (g00 - g10 + g20), 0.5f * (g01 - g11 + g21), 0.5f * (g02 - g12 + g22));
            kernelRow(u, 12, cf, q, g20, g21, g22);
        }
    }

    private static void kernelRow(float[] u, int xi, int cf, int q, float a, float b, float d) {
        u[xi * cf + q] = a;
        u[(xi + 1) * cf + q] = 0.5f * (a + b + d);
        u[(xi + 2) * cf + q] = 0.5f * (a - b + d);
        u[(xi + 3) * cf + q] = d;
    }

    /** One tile's V for channels [ch0, ch1): x0 the tile's top-left cell, row the distance between image rows. */
    static void inputTile(float[] x, int x0, int row, int c, float[] v, int o, int plane, int ch0, int ch1) {
        int x1 = x0 + row, x2 = x1 + row, x3 = x2 + row;
        for (int ch = ch0; ch < ch1; ch++) {
            // B^T d: rows d0-d2, d1+d2, d2-d1, d1-d3, for each of the 4 columns
            float e00 = x[x0 + ch] - x[x2 + ch], e01 = x[x0 + c + ch] - x[x2 + c + ch];
            float e02 = x[x0 + 2 * c + ch] - x[x2 + 2 * c + ch], e03 = x[x0 + 3 * c + ch] - x[x2 + 3 * c + ch];
            float e10 = x[x1 + ch] + x[x2 + ch], e11 = x[x1 + c + ch] + x[x2 + c + ch];
            float e12 = x[x1 + 2 * c + ch] + x[x2 + 2 * c + ch], e13 = x[x1 + 3 * c + ch] + x[x2 + 3 * c + ch];
            float e20 = x[x2 + ch] - x[x1 + ch], e21 = x[x2 + c + ch] - x[x1 + c + ch];
            float e22 = x[x2 + 2 * c + ch] - x[x1 + 2 * c + ch], e23 = x[x2 + 3 * c + ch] - x[x1 + 3 * c + ch];
            float e30 = x[x1 + ch] - x[x3 + ch], e31 = x[x1 + c + ch] - x[x3 + c + ch];
            float e32 = x[x1 + 2 * c + ch] - x[x3 + 2 * c + ch], e33 = x[x1 + 3 * c + ch] - x[x3 + 3 * c + ch];
            // (B^T d) B: the same along each row
            int p = o + ch;
            v[p] = e00 - e02;
            v[p + plane] = e01 + e02;
            v[p + 2 * plane] = e02 - e01;
            v[p + 3 * plane] = e01 - e03;
            v[p + 4 * plane] = e10 - e12;
            v[p + 5 * plane] = e11 + e12;
            v[p + 6 * plane] = e12 - e11;
            v[p + 7 * plane] = e11 - e13;
            v[p + 8 * plane] = e20 - e22;
            v[p + 9 * plane] = e21 + e22;
            v[p + 10 * plane] = e22 - e21;
            v[p + 11 * plane] = e21 - e23;
            v[p + 12 * plane] = e30 - e32;
            v[p + 13 * plane] = e31 + e32;
            v[p + 14 * plane] = e32 - e31;
            v[p + 15 * plane] = e31 - e33;
        }
    }

    /** One tile's 2x2 outputs for filters [q0, q1): M at o, z's two rows at z0 and z0 + zRow. */
    static void outputTile(float[] m, int o, int plane, float[] z, int z0, int zRow, int f, int q0, int q1, float[] bias, boolean relu) {
        int z1 = z0 + zRow;
        for (int q = q0; q < q1; q++) {
            int p = o + q;
            // A^T M: rows m0+m1+m2 and m1-m2-m3, for each of the 4 columns
            float g00 = m[p] + m[p + 4 * plane] + m[p + 8 * plane];
            float g01 = m[p + plane] + m[p + 5 * plane] + m[p + 9 * plane];
            float g02 = m[p + 2 * plane] + m[p + 6 * plane] + m[p + 10 * plane];
            float g03 = m[p + 3 * plane] + m[p + 7 * plane] + m[p + 11 * plane];
            float g10 = m[p + 4 * plane] - m[p + 8 * plane] - m[p + 12 * plane];
            float g11 = m[p + 5 * plane] - m[p + 9 * plane] - m[p + 13 * plane];
            float g12 = m[p + 6 * plane] - m[p + 10 * plane] - m[p + 14 * plane];
            float g13 = m[p + 7 * plane] - m[p + 11 * plane] - m[p + 15 * plane];
            // (A^T M) A: the same along each row
            float b = bias != null ? bias[q] : 0f;
            z[z0 + q] = epilogue(g00 + g01 + g02, b, bias != null, relu);
            z[z0 + f + q] = epilogue(g01 - g02 - g03, b, bias != null, relu);
            z[z1 + q] = epilogue(g10 + g11 + g12, b, bias != null, relu);
            z[z1 + f + q] = epilogue(g11 - g12 - g13, b, bias != null, relu);
        }
    }

    /** + bias (none: nothing added, which would turn -0 into +0), then ReLU: as ScalarGemm's epilogue. */
    private static float epilogue(float y, float b, boolean addBias, boolean relu) {
        float z = addBias ? y + b : y;
        return relu ? (z > 0 ? z : 0f) : z;
    }
}
