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
    /**
     * The transforms, pass by pass: each call computes one row of the result for every tile of a
     * group, so that a pass is a small unit of work (VectorWinograd explains why that matters).
     * Both kernels run the same passes in the same order: per element the same operations, so the
     * same bits, overlapping tiles included.
     */
    interface Kernel {
        /** Row i (0..3) of U for every (c, f): t.src = k, t.dst = u, t.n = C*F, t.plane = U's plane. */
        void kernelRows(Tiles t, int i);

        /** Row i (0..3) of V = B^T d B for every tile: t.src = x, t.dst = v. */
        void inputRows(Tiles t, int i);

        /** Output row r (0..1) of y = A^T M A for every tile, then the epilogue: t.src = m, t.dst = z. */
        void outputRows(Tiles t, int r);

        /** Row i (0..3) of W = A dy A^T for every tile: t.src = dz, t.dst = w. */
        void gradRows(Tiles t, int i);

        /** Tile row i (0..3) of dx += B dV B^T for every tile, in tile order: t.src = dv, t.dst = dx. */
        void inputGradRows(Tiles t, int i);
    }

    /** What a pass reads and writes, for a group of samples [b0, b1) (x (N, H, W, C), PH x PW tiles each, F filters). */
    static final class Tiles {
        float[] src, dst, bias;
        boolean relu;
        int plane, b0, b1, h, w, c, ph, pw, f, tiles, n;

        Tiles set(float[] src, float[] dst, int plane, int b0, int b1, int h, int w, int c, int ph, int pw, int f, int tiles) {
            this.src = src;
            this.dst = dst;
            this.plane = plane;
            this.b0 = b0;
            this.b1 = b1;
            this.h = h;
            this.w = w;
            this.c = c;
            this.ph = ph;
            this.pw = pw;
            this.f = f;
            this.tiles = tiles;
            this.bias = null;
            this.relu = false;
            return this;
        }
    }

    private static final ThreadLocal<Tiles> TILES = ThreadLocal.withInitial(Tiles::new);

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

    /** U (16, C, F), {@link #plane}(C, F) apart, from the kernel k (3, 3, C, F). */
    public static void kernelTransform(float[] k, int c, int f, float[] u) {
        kernelTransform(kernel(), k, c, f, u);
    }

    static void kernelTransform(Kernel kn, float[] k, int c, int f, float[] u) {
        Tiles t = TILES.get().set(k, u, plane(c, f), 0, 0, 0, 0, c, 0, 0, f, 0);
        t.n = c * f;
        for (int i = 0; i < 4; i++) kn.kernelRows(t, i);
    }

    /**
     * V (16, T, C) at v, {@link #plane}(T, C) apart, for samples [b0, b1) of x (N, H, W, C): tile
     * t = ((b-b0)*PH + ti)*PW + tj reads rows 2ti..2ti+3, columns 2tj..2tj+3 (all inside when
     * 2*PH+1 < H and 2*PW+1 < W).
     */
    public static void inputTransform(float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v) {
        inputTransform(kernel(), x, b0, b1, h, w, c, ph, pw, v);
    }

    static void inputTransform(Kernel kn, float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v) {
        int tiles = (b1 - b0) * ph * pw;
        Tiles t = TILES.get().set(x, v, plane(tiles, c), b0, b1, h, w, c, ph, pw, 0, tiles);
        for (int i = 0; i < 4; i++) kn.inputRows(t, i);
    }

    /** M (16, T, F), {@link #plane}(T, F) apart: M[xi] = V[xi] x U[xi] for each of the 16 tile positions. */
    public static void products(float[] v, float[] u, float[] m, int tiles, int c, int f) {
        int vp = plane(tiles, c), mp = plane(tiles, f), up = plane(c, f);
        for (int xi = 0; xi < 16; xi++) Gemm.nn(v, xi * vp, u, xi * up, m, xi * mp, tiles, c, f, false);
    }

    /**
     * The conv output of the tiles, y = A^T M A, into z (T/(PH*PW), 2*PH, 2*PW, F): each tile's
     * 2x2 block at rows 2ti, 2ti+1 and columns 2tj, 2tj+1; then + bias (when not null) and ReLU
     * (when {@code relu}), as Gemm's epilogue does them.
     */
    public static void outputTransform(float[] m, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu) {
        outputTransform(kernel(), m, tiles, ph, pw, f, z, bias, relu);
    }

    static void outputTransform(Kernel kn, float[] m, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu) {
        Tiles t = TILES.get().set(m, z, plane(tiles, f), 0, tiles / (ph * pw), 0, 0, 0, ph, pw, f, tiles);
        t.bias = bias;
        t.relu = relu;
        for (int r = 0; r < 2; r++) kn.outputRows(t, r);
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
        gradTransform(kernel(), dz, tiles, ph, pw, f, w);
    }

    static void gradTransform(Kernel kn, float[] dz, int tiles, int ph, int pw, int f, float[] w) {
        Tiles t = TILES.get().set(dz, w, plane(tiles, f), 0, tiles / (ph * pw), 0, 0, 0, ph, pw, f, tiles);
        for (int i = 0; i < 4; i++) kn.gradRows(t, i);
    }

    /** dU (16, C, F), {@link #plane}(C, F) apart, += V[xi]^T W[xi] for each tile position: the weight gradient in the transformed domain. */
    public static void weightGradProducts(float[] v, float[] w, float[] du, int tiles, int c, int f) {
        int vp = plane(tiles, c), wp = plane(tiles, f), up = plane(c, f);
        for (int xi = 0; xi < 16; xi++) Gemm.tn(v, xi * vp, w, xi * wp, du, xi * up, c, tiles, f);
    }

    /** uT (16, F, C): each position's U transposed, for {@link #inputGradProducts}. */
    public static void transposeU(float[] u, int c, int f, float[] uT) {
        for (int xi = 0; xi < 16; xi++) {
            int o = xi * plane(c, f);
            for (int ch = 0; ch < c; ch++) for (int q = 0; q < f; q++) uT[o + q * c + ch] = u[o + ch * f + q];
        }
    }

    /** dV (16, T, C), {@link #plane}(T, C) apart: dV[xi] = W[xi] x U[xi]^T. */
    public static void inputGradProducts(float[] w, float[] uT, float[] dv, int tiles, int c, int f) {
        int wp = plane(tiles, f), vp = plane(tiles, c), up = plane(c, f);
        for (int xi = 0; xi < 16; xi++) Gemm.nn(w, xi * wp, uT, xi * up, dv, xi * vp, tiles, f, c, false);
    }

    /**
     * dx += B dV B^T at each tile's 4x4 cells, samples [b0, b1) of dx (N, H, W, C): row 0 of every
     * tile, then row 1, ..., each in tile order (overlapping tiles add in this fixed order). dx
     * must hold zeros (or what to add to) there.
     */
    public static void inputGradTransform(float[] dv, int tiles, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx) {
        inputGradTransform(kernel(), dv, tiles, b0, b1, h, w, c, ph, pw, dx);
    }

    static void inputGradTransform(Kernel kn, float[] dv, int tiles, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx) {
        Tiles t = TILES.get().set(dv, dx, plane(tiles, c), b0, b1, h, w, c, ph, pw, 0, tiles);
        for (int i = 0; i < 4; i++) kn.inputGradRows(t, i); // row by row over all tiles: the order of the adds where tiles overlap
    }

    /** dk (3, 3, C, F) += G^T dU G, from dU (16, C, F), {@link #plane}(C, F) apart. Once per step: plain loops. */
    public static void kernelGradTransform(float[] du, int c, int f, float[] dk) {
        int cf = c * f, up = plane(c, f);
        for (int q = 0; q < cf; q++) {
            // G^T D, column by column: D0 + (D1 + D2)/2, (D1 - D2)/2, (D1 + D2)/2 + D3
            float d0 = du[q], d1 = du[4 * up + q], d2 = du[8 * up + q], d3 = du[12 * up + q];
            float r00 = d0 + 0.5f * (d1 + d2), r10 = 0.5f * (d1 - d2), r20 = 0.5f * (d1 + d2) + d3;
            d0 = du[up + q]; d1 = du[5 * up + q]; d2 = du[9 * up + q]; d3 = du[13 * up + q];
            float r01 = d0 + 0.5f * (d1 + d2), r11 = 0.5f * (d1 - d2), r21 = 0.5f * (d1 + d2) + d3;
            d0 = du[2 * up + q]; d1 = du[6 * up + q]; d2 = du[10 * up + q]; d3 = du[14 * up + q];
            float r02 = d0 + 0.5f * (d1 + d2), r12 = 0.5f * (d1 - d2), r22 = 0.5f * (d1 + d2) + d3;
            d0 = du[3 * up + q]; d1 = du[7 * up + q]; d2 = du[11 * up + q]; d3 = du[15 * up + q];
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

    /** Plain loops; the vector kernel (VectorWinograd) runs the same passes with the same operations per element. */
    static final class Scalar implements Kernel {
        @Override
        public void kernelRows(Tiles t, int i) {
            kernelRowsRange(t, i, 0, t.n);
        }

        @Override
        public void inputRows(Tiles t, int i) {
            inputRowsRange(t, i, 0, t.c);
        }

        @Override
        public void outputRows(Tiles t, int r) {
            outputRowsRange(t, r, 0, t.f);
        }

        @Override
        public void gradRows(Tiles t, int i) {
            gradRowsRange(t, i, 0, t.f);
        }

        @Override
        public void inputGradRows(Tiles t, int i) {
            inputGradRowsRange(t, i, 0, t.c);
        }
    }

    /** Row i of U = G k G^T for q = c*F + f in [q0, q1): G's rows 0, (0+1+2)/2, (0-1+2)/2, 2, down each column of k, then across. */
    static void kernelRowsRange(Tiles t, int i, int q0, int q1) {
        float[] k = t.src, u = t.dst;
        int cf = t.n, up = t.plane, o = 4 * i * up;
        for (int q = q0; q < q1; q++) {
            float g0 = k[q], g1 = k[3 * cf + q], g2 = k[6 * cf + q];       // kernel column 0, rows 0..2
            float h0 = k[cf + q], h1 = k[4 * cf + q], h2 = k[7 * cf + q];  // column 1
            float j0 = k[2 * cf + q], j1 = k[5 * cf + q], j2 = k[8 * cf + q]; // column 2
            float a, b, d;
            if (i == 0) {
                a = g0; b = h0; d = j0;
            } else if (i == 1) {
                a = 0.5f * (g0 + g1 + g2); b = 0.5f * (h0 + h1 + h2); d = 0.5f * (j0 + j1 + j2);
            } else if (i == 2) {
                a = 0.5f * (g0 - g1 + g2); b = 0.5f * (h0 - h1 + h2); d = 0.5f * (j0 - j1 + j2);
            } else {
                a = g2; b = h2; d = j2;
            }
            u[o + q] = a;
            u[o + up + q] = 0.5f * (a + b + d);
            u[o + 2 * up + q] = 0.5f * (a - b + d);
            u[o + 3 * up + q] = d;
        }
    }

    /** The image rows the 4 rows of B^T d combine: d0 - d2, d1 + d2, d2 - d1, d1 - d3. */
    static final int[] INPUT_A = {0, 1, 2, 1}, INPUT_B = {2, 2, 1, 3};

    /** Row i of V for channels [ch0, ch1) of every tile: e = (B^T d) row i down each column, then e0-e2, e1+e2, e2-e1, e1-e3 across. */
    static void inputRowsRange(Tiles t, int i, int ch0, int ch1) {
        float[] x = t.src, v = t.dst;
        int c = t.c, row = t.w * c, plane = t.plane, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int x0 = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c;
            int r = x0 + INPUT_A[i] * row, s = x0 + INPUT_B[i] * row, p = tt * c + 4 * i * plane;
            for (int ch = ch0; ch < ch1; ch++) {
                float e0, e1, e2, e3;
                if (i == 1) {
                    e0 = x[r + ch] + x[s + ch]; e1 = x[r + c + ch] + x[s + c + ch];
                    e2 = x[r + 2 * c + ch] + x[s + 2 * c + ch]; e3 = x[r + 3 * c + ch] + x[s + 3 * c + ch];
                } else {
                    e0 = x[r + ch] - x[s + ch]; e1 = x[r + c + ch] - x[s + c + ch];
                    e2 = x[r + 2 * c + ch] - x[s + 2 * c + ch]; e3 = x[r + 3 * c + ch] - x[s + 3 * c + ch];
                }
                v[p + ch] = e0 - e2;
                v[p + plane + ch] = e1 + e2;
                v[p + 2 * plane + ch] = e2 - e1;
                v[p + 3 * plane + ch] = e1 - e3;
            }
        }
    }

    /** Output row r of every tile for filters [q0, q1): g = (A^T M) row r down each column (m0+m1+m2 or m1-m2-m3), y = [g0+g1+g2, g1-g2-g3], then the epilogue. */
    static void outputRowsRange(Tiles t, int r, int q0, int q1) {
        float[] m = t.src, z = t.dst, bias = t.bias;
        int f = t.f, plane = t.plane, zRow = 2 * t.pw * f, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int zo = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f + r * zRow, p = tt * f;
            for (int q = q0; q < q1; q++) {
                float g0, g1, g2, g3;
                if (r == 0) {
                    g0 = m[p + q] + m[p + 4 * plane + q] + m[p + 8 * plane + q];
                    g1 = m[p + plane + q] + m[p + 5 * plane + q] + m[p + 9 * plane + q];
                    g2 = m[p + 2 * plane + q] + m[p + 6 * plane + q] + m[p + 10 * plane + q];
                    g3 = m[p + 3 * plane + q] + m[p + 7 * plane + q] + m[p + 11 * plane + q];
                } else {
                    g0 = m[p + 4 * plane + q] - m[p + 8 * plane + q] - m[p + 12 * plane + q];
                    g1 = m[p + 5 * plane + q] - m[p + 9 * plane + q] - m[p + 13 * plane + q];
                    g2 = m[p + 6 * plane + q] - m[p + 10 * plane + q] - m[p + 14 * plane + q];
                    g3 = m[p + 7 * plane + q] - m[p + 11 * plane + q] - m[p + 15 * plane + q];
                }
                float b = bias != null ? bias[q] : 0f;
                z[zo + q] = epilogue(g0 + g1 + g2, b, bias != null, t.relu);
                z[zo + f + q] = epilogue(g1 - g2 - g3, b, bias != null, t.relu);
            }
        }
    }

    /** + bias (none: nothing added, which would turn -0 into +0), then ReLU: as ScalarGemm's epilogue. */
    private static float epilogue(float y, float b, boolean addBias, boolean relu) {
        float z = addBias ? y + b : y;
        return relu ? (z > 0 ? z : 0f) : z;
    }

    /** Row i of W for filters [q0, q1) of every tile: (A dy) row i = [p r], [p+s r+t], [p-s r-t], [-s -t] for dy = [[p r] [s t]]; then [a, a+b, a-b, -b] across. */
    static void gradRowsRange(Tiles t, int i, int q0, int q1) {
        float[] dz = t.src, w = t.dst;
        int f = t.f, plane = t.plane, zRow = 2 * t.pw * f, tt = 0;
        for (int s0 = t.b0; s0 < t.b1; s0++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int z0 = ((s0 * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f, z1 = z0 + zRow, o = tt * f + 4 * i * plane;
            for (int q = q0; q < q1; q++) {
                float p = dz[z0 + q], r = dz[z0 + f + q], s = dz[z1 + q], u = dz[z1 + f + q];
                float a, b;
                if (i == 0) {
                    a = p; b = r;
                } else if (i == 1) {
                    a = p + s; b = r + u;
                } else if (i == 2) {
                    a = p - s; b = r - u;
                } else {
                    a = -s; b = -u;
                }
                w[o + q] = a;
                w[o + plane + q] = a + b;
                w[o + 2 * plane + q] = a - b;
                w[o + 3 * plane + q] = -b;
            }
        }
    }

    /** Tile row i of dx += B dV B^T for channels [ch0, ch1), tiles in order: e = (B D) row i (D0, D1 - D2 + D3, D2 + D1 - D0, -D3 down each column), then [e0, e1 - e2 + e3, e2 + e1 - e0, -e3] across. */
    static void inputGradRowsRange(Tiles t, int i, int ch0, int ch1) {
        float[] dv = t.src, dx = t.dst;
        int c = t.c, row = t.w * c, plane = t.plane, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int xo = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c + i * row, p = tt * c;
            for (int ch = ch0; ch < ch1; ch++) {
                int o = p + ch;
                float e0 = inputGradColumn(dv, o, plane, i), e1 = inputGradColumn(dv, o + plane, plane, i);
                float e2 = inputGradColumn(dv, o + 2 * plane, plane, i), e3 = inputGradColumn(dv, o + 3 * plane, plane, i);
                dx[xo + ch] += e0;
                dx[xo + c + ch] += e1 - e2 + e3;
                dx[xo + 2 * c + ch] += e2 + e1 - e0;
                dx[xo + 3 * c + ch] += -e3;
            }
        }
    }

    /** (B D) at row i of one column, D's rows {@code plane * 4} apart from o. */
    private static float inputGradColumn(float[] dv, int o, int plane, int i) {
        float d0 = dv[o], d1 = dv[o + 4 * plane], d2 = dv[o + 8 * plane], d3 = dv[o + 12 * plane];
        return i == 0 ? d0 : i == 1 ? d1 - d2 + d3 : i == 2 ? d2 + d1 - d0 : -d3;
    }
}
