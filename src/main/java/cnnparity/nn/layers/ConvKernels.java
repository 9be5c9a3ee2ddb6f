package cnnparity.nn.layers;

import cnnparity.nn.kernels.BiasGrad;
import cnnparity.nn.kernels.Gemm;
import cnnparity.nn.kernels.Parallel;

/**
 * The Conv2D arithmetic on flat NHWC arrays, as im2col + matrix products (nn.kernels.Gemm).
 *
 * <pre>
 * col: (B*OH*OW, KH*KW*C)   the receptive field of every output pixel, zero where padded
 * z   = col x kernel          kernel viewed as (KH*KW*C, F); then + bias (TF's BiasAdd comes after the conv)
 * dkernel += col^T x dz       dcol = dz x kernel^T, scattered back (col2im) into dx
 * </pre>
 * Work is split by samples into chunks of {@link #CHUNK}: a fixed partition that does not depend
 * on the number of threads, with per-chunk weight-gradient partials summed in chunk order, so
 * results are identical run to run and machine to machine. Within a chunk, samples go through in
 * small groups whose im2col block fits in L2 ({@link #group}). Buffers are reused per thread and
 * per layer ({@link Workspace}): a steady-state training step allocates nothing here.
 */
final class ConvKernels {
    static final int CHUNK = 16;
    /** This thread's reusable blocks: an im2col block, a conv output (or its col2im source), an output gradient, Winograd's U, V and M (or W). */
    private static final int COL = 0, Z = 1, DZ = 2, WINO_U = 3, WINO_V = 4, WINO_M = 5;
    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[6][0]);

    private ConvKernels() {
    }

    private static float[] buffer(int slot, int size) {
        float[][] w = WORK.get();
        if (w[slot].length < size) w[slot] = new float[size];
        return w[slot];
    }

    private static final ThreadLocal<int[]> INTS = ThreadLocal.withInitial(() -> new int[0]);

    /** This thread's reusable table of x offsets (one product's rows), at least {@code size} long. */
    private static int[] ints(int size) {
        if (INTS.get().length < size) INTS.set(new int[size]);
        return INTS.get();
    }

    /**
     * Whether the products read x directly instead of an im2col block: every receptive field inside
     * the image (valid padding), the vector kernel in use, and short runs of side-by-side values
     * (kw*c < 16: the first layer on a grey image, where im2col spends its time on 3-value copies).
     * With long runs (conv2d_1: 96 values) im2col's block copies and the contiguous reads of the
     * product were faster (A/B: 2.0/5.1 ms against 2.4/5.5 ms forward/backward).
     */
    static boolean implicitGemm(int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft,
                                int oh, int ow, int f) {
        boolean inside = padTop == 0 && padLeft == 0 && (oh - 1) * sh + (kh - 1) * dh < h && (ow - 1) * sw + (kw - 1) * dw < w;
        return inside && kw * c < 16 && Gemm.convRowsAvailable(f);
    }

    /** Offset in x of column p = (a*KW + e)*C + ch of the im2col matrix, from the field's top-left cell. */
    static int[] fieldOffsets(int w, int c, int kh, int kw, int dh, int dw) {
        int[] off = new int[kh * kw * c];
        for (int a = 0; a < kh; a++) for (int e = 0; e < kw; e++) for (int ch = 0; ch < c; ch++) off[(a * kw + e) * c + ch] = (a * dh * w + e * dw) * c + ch;
        return off;
    }

    /** Fills col for samples [b0, b1): row r = ((b-b0)*OH + i)*OW + j, column ((a*KW + e)*C + ch). */
    static void im2colAt(float[] x, int b0, int b1, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
                         int padTop, int padLeft, int oh, int ow, float[] col, int colOffset) {
        int kd = kh * kw * c;
        int r = 0;
        for (int b = b0; b < b1; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, r++) {
                    int ro = colOffset + r * kd;
                    int iw0 = j * sw - padLeft;
                    // the kw cells of a kernel row lie side by side in x when not dilated along w and
                    // inside the image: one copy of kw*c values (96 for conv2d_1) instead of kw
                    boolean span = dw == 1 && iw0 >= 0 && iw0 + kw <= w;
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        if (span && ih >= 0 && ih < h) {
                            int xo = ((b * h + ih) * w + iw0) * c, co = ro + a * kw * c, len = kw * c;
                            if (len < 16) {
                                for (int t = 0; t < len; t++) col[co + t] = x[xo + t];
                            } else {
                                System.arraycopy(x, xo, col, co, len);
                            }
                            continue;
                        }
                        for (int e = 0; e < kw; e++) {
                            int iw = iw0 + e * dw;
                            int co = ro + (a * kw + e) * c;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                                for (int ch = 0; ch < c; ch++) col[co + ch] = 0f;
                            } else if (c < 16) { // a few channels: a plain loop beats the arraycopy call
                                int xo = ((b * h + ih) * w + iw) * c;
                                for (int ch = 0; ch < c; ch++) col[co + ch] = x[xo + ch];
                            } else {
                                System.arraycopy(x, ((b * h + ih) * w + iw) * c, col, co, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** dx += col2im(dcol) for samples [b0, b1). */
    static void col2im(float[] dcol, int b0, int b1, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
                       int padTop, int padLeft, int oh, int ow, float[] dx) {
        int kd = kh * kw * c;
        int r = 0;
        for (int b = b0; b < b1; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, r++) {
                    int ro = r * kd;
                    int iw0 = j * sw - padLeft;
                    boolean span = dw == 1 && iw0 >= 0 && iw0 + kw <= w; // as in im2colAt: one run of kw*c values
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        if (ih < 0 || ih >= h) continue;
                        if (span) {
                            int xo = ((b * h + ih) * w + iw0) * c, co = ro + a * kw * c, len = kw * c;
                            if (len >= 16) {
                                cnnparity.nn.kernels.Elementwise.addInto(dx, xo, dcol, co, len);
                            } else {
                                for (int t = 0; t < len; t++) dx[xo + t] += dcol[co + t];
                            }
                            continue;
                        }
                        for (int e = 0; e < kw; e++) {
                            int iw = iw0 + e * dw;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c, co = ro + (a * kw + e) * c;
                            for (int ch = 0; ch < c; ch++) dx[xo + ch] += dcol[co + ch];
                        }
                    }
                }
            }
        }
    }

    /**
     * Samples per im2col + GEMM step: the im2col block of one step stays within about 128 KB, so it
     * is still in the core's L2 cache when the GEMM reads it (a whole batch's im2col matrix, 18 MB
     * for conv2d_1 of the MNIST convnet, would go out to memory and back).
     */
    static int group(int p, int kd) {
        return Math.max(1, Math.min(CHUNK, (32 * 1024) / Math.max(1, p * kd)));
    }

    /**
     * One call's geometry, and what follows from it: whether the products read x directly
     * ({@link #implicitGemm}, through the offset table {@code off}) or an im2col block. The
     * per-group steps that forward, backward and their pooled variants share live here.
     */
    private record Plan(float[] x, int h, int w, int c, int kh, int kw, int f, int sh, int sw, int dh, int dw,
                        int padTop, int padLeft, int oh, int ow, int kd, int p, boolean implicit, int[] off) {
        static Plan of(float[] x, int h, int w, int c, int kh, int kw, int f, int sh, int sw, int dh, int dw,
                       int padTop, int padLeft, int oh, int ow) {
            boolean implicit = implicitGemm(h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, f);
            return new Plan(x, h, w, c, kh, kw, f, sh, sw, dh, dw, padTop, padLeft, oh, ow, kh * kw * c, oh * ow, implicit,
                    implicit ? fieldOffsets(w, c, kh, kw, dh, dw) : null);
        }

        /** The x offset of each output pixel's receptive field, samples [b0, b1), in this thread's table. */
        int[] origins(int b0, int b1) {
            int rows = (b1 - b0) * p;
            int[] base = ints(rows);
            int r = 0;
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) base[r++] = ((b * h + i * sh) * w + j * sw) * c;
            return base;
        }

        /** The x offsets of window row wi's cells of sample b, in window order: (2wi, 2j), (2wi, 2j+1), (2wi+1, 2j), (2wi+1, 2j+1). */
        void windowRowOrigins(int b, int wi, int pw, int[] origins) {
            for (int j = 0, r = 0; j < pw; j++) {
                for (int cell = 0; cell < 4; cell++, r++) {
                    int i = 2 * wi + (cell >> 1), jj = 2 * j + (cell & 1);
                    origins[r] = ((b * h + i * sh) * w + jj * sw) * c;
                }
            }
        }

        /** This thread's im2col block of samples [b0, b1). */
        float[] im2col(int b0, int b1) {
            float[] col = buffer(COL, (b1 - b0) * p * kd);
            im2colAt(x, b0, b1, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, col, 0);
            return col;
        }

        /** z rows of samples [b0, b1), at zo: the fields times the kernel, + bias, then ReLU. */
        void product(int b0, int b1, float[] k, float[] z, int zo, float[] bias, boolean relu) {
            int rows = (b1 - b0) * p;
            if (implicit) {
                Gemm.convRows(x, origins(b0, b1), off, rows, kd, k, z, zo, f, bias, relu);
            } else { // bias, then ReLU, applied to each finished band of the product while it is in L1
                Gemm.nnBias(im2col(b0, b1), 0, k, 0, z, zo, rows, kd, f, bias, relu);
            }
        }

        /**
         * part (KH*KW*C, F) += fields^T dz for samples [b0, b1): per element one fma chain over the
         * rows in ascending order, block after block.
         */
        void weightGrad(int b0, int b1, float[] dz, int dzo, float[] part) {
            int rows = (b1 - b0) * p;
            if (implicit) {
                Gemm.convTn(x, origins(b0, b1), off, kd, rows, dz, dzo, part, f);
            } else { // the forward's im2col block, rebuilt (cheaper than keeping the batch's in memory)
                Gemm.tn(im2col(b0, b1), 0, dz, dzo, part, 0, kd, rows, f);
            }
        }

        /** dx of samples [b0, b1) = col2im(dz kernel^T), overwritten. */
        void inputGrad(int b0, int b1, float[] dz, int dzo, float[] kT, float[] dx) {
            int rows = (b1 - b0) * p;
            float[] dcol = buffer(Z, rows * kd);
            java.util.Arrays.fill(dx, b0 * h * w * c, b1 * h * w * c, 0f);
            Gemm.nn(dz, dzo, kT, 0, dcol, 0, rows, f, kd, false);
            col2im(dcol, b0, b1, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, dx);
        }
    }

    /** z (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F)) + bias, then ReLU in place when {@code relu}. */
    static void forward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                        int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                        float[] bias, float[] z, boolean relu) {
        Plan plan = Plan.of(x, h, w, c, kh, kw, f, sh, sw, dh, dw, padTop, padLeft, oh, ow);
        int p = plan.p, gs = group(p, plan.kd);
        Parallel.forChunks((n + CHUNK - 1) / CHUNK, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            for (int b0 = c0; b0 < c1; b0 += gs) {
                int b1 = Math.min(c1, b0 + gs);
                plan.product(b0, b1, k, z, b0 * p * f, bias, relu);
            }
        });
    }

    /**
     * Conv2D and a following 2x2/2 MaxPooling2D at once: each sample's conv output is computed
     * into a per-thread block and pooled while still in cache, into pooled (N, OH/2, OW/2, F); the
     * full-size conv output is never written. With {@code codes} (training), the winning cell of
     * each window is kept for {@link #backwardPooled}. Per element the same operations as
     * {@link #forward} then the pooling, so the same bits; except where {@link #winogradFor} holds,
     * where the conv outputs come from Winograd's F(2x2, 3x3) (other sums, the same rounding level).
     */
    static void forwardPooled(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                              float[] bias, boolean relu, float[] pooled, float[] codes) {
        if (winogradFor(c, kh, kw, sh, sw, dh, dw, padTop, padLeft)) {
            forwardPooledWinograd(x, n, h, w, c, k, f, oh, ow, bias, relu, pooled, codes);
            return;
        }
        Plan plan = Plan.of(x, h, w, c, kh, kw, f, sh, sw, dh, dw, padTop, padLeft, oh, ow);
        // inference: the product only; bias and ReLU go on the pooled values (4x fewer), which gives
        // the same numbers since both are monotone (MaxPool2x2.forwardBiasRelu)
        float[] epiBias = codes == null ? null : bias;
        boolean epiRelu = codes != null && relu;
        if (plan.implicit) {
            forwardPooledByWindowRows(plan, n, k, f, bias, relu, epiBias, epiRelu, pooled, codes);
            return;
        }
        Parallel.forChunks((n + CHUNK - 1) / CHUNK, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            float[] zb = buffer(Z, plan.p * f);
            for (int b = c0; b < c1; b++) {
                plan.product(b, b + 1, k, zb, 0, epiBias, epiRelu);
                if (codes == null) {
                    cnnparity.nn.kernels.MaxPool2x2.forwardBlockBiasRelu(zb, pooled, b, b + 1, oh, ow, f, oh / 2, ow / 2, bias, relu);
                } else { // training: also which cell of each window won, for backward
                    cnnparity.nn.kernels.MaxPool2x2.forwardWinners(zb, pooled, codes, b, b + 1, oh, ow, f, oh / 2, ow / 2);
                }
            }
        });
    }

    /**
     * {@link #forwardPooled} for an implicit-GEMM layer (the first layer on a grey image), one row
     * of pooling windows at a time: the product's rows are the windows' cells in window order
     * (cells 0..3 of window 0, then of window 1, ...), so a row of windows (52 rows x 32 filters
     * for the convnet's first layer, 6.6 KB) is computed into L1 and pooled from there; the
     * sample's whole conv output (86 KB) is never written. Per element the same fma chain,
     * epilogue and pooling as the sample-at-a-time path, so the same bits.
     */
    private static void forwardPooledByWindowRows(Plan plan, int n, float[] k, int f, float[] bias, boolean relu,
                                                  float[] epiBias, boolean epiRelu, float[] pooled, float[] codes) {
        int ph = plan.oh / 2, pw = plan.ow / 2, rows = 4 * pw;
        // training with a bias and ReLU: those go into the pooling pass (the same operations per cell)
        boolean poolEpilogue = codes != null && bias != null && relu;
        float[] productBias = poolEpilogue ? null : epiBias;
        boolean productRelu = !poolEpilogue && epiRelu;
        Parallel.forChunks((n + CHUNK - 1) / CHUNK, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            float[] zb = buffer(Z, rows * f);
            int[] origins = ints(rows);
            for (int b = c0; b < c1; b++) {
                for (int wi = 0; wi < ph; wi++) {
                    plan.windowRowOrigins(b, wi, pw, origins);
                    Gemm.convRows(plan.x, origins, plan.off, rows, plan.kd, k, zb, 0, f, productBias, productRelu);
                    // the block as an image of 2*PW rows and 2 columns, one window per row pair:
                    // pooled index (b*PH + wi)*PW + j, cells at 4j, 4j+1, 4j+2, 4j+3
                    int bb = b * ph + wi;
                    if (codes == null) {
                        cnnparity.nn.kernels.MaxPool2x2.forwardBlockBiasRelu(zb, pooled, bb, bb + 1, 2 * pw, 2, f, pw, 1, bias, relu);
                    } else if (poolEpilogue) {
                        cnnparity.nn.kernels.MaxPool2x2.forwardWinnersBiasRelu(zb, pooled, codes, bb, bb + 1, 2 * pw, 2, f, pw, 1, bias);
                    } else {
                        cnnparity.nn.kernels.MaxPool2x2.forwardWinners(zb, pooled, codes, bb, bb + 1, 2 * pw, 2, f, pw, 1);
                    }
                }
            }
        });
    }

    /**
     * Whether {@link #forwardPooled} runs through Winograd's F(2x2, 3x3): a 3x3 kernel, stride 1,
     * no dilation, 'valid' padding, and enough input channels for the 16 products to be real
     * matrix products (the first layer on a grey image, C = 1, stays on its implicit GEMM).
     * Off ({@link cnnparity.nn.kernels.Winograd#setEnabled}): the fused paths give the layer-by-layer bits.
     */
    static boolean winogradFor(int c, int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        return cnnparity.nn.kernels.Winograd.enabled() && kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && padTop == 0 && padLeft == 0 && c >= 8;
    }

    /**
     * {@link #forwardPooled} by Winograd (nn.kernels.Winograd): a 2x2 block of conv outputs per
     * pooling window, so only the pooled windows' outputs are computed. Samples go through in groups
     * whose transformed tiles and products stay in L2.
     */
    private static void forwardPooledWinograd(float[] x, int n, int h, int w, int c, float[] k, int f, int oh, int ow,
                                              float[] bias, boolean relu, float[] pooled, float[] codes) {
        int ph = oh / 2, pw = ow / 2, perSample = ph * pw;
        float[] u = buffer(WINO_U, 16 * cnnparity.nn.kernels.Winograd.plane(c, f)); // the calling thread's; read only by the chunk tasks
        cnnparity.nn.kernels.Winograd.kernelTransform(k, c, f, u);
        int gs = winogradGroup(perSample), maxTiles = gs * perSample;
        Parallel.forChunks((n + CHUNK - 1) / CHUNK, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            float[] v = buffer(WINO_V, 16 * cnnparity.nn.kernels.Winograd.plane(maxTiles, c));
            float[] m = buffer(WINO_M, 16 * cnnparity.nn.kernels.Winograd.plane(maxTiles, f));
            float[] zb = buffer(Z, maxTiles * 4 * f);
            for (int b0 = c0; b0 < c1; b0 += gs) {
                int b1 = Math.min(c1, b0 + gs), tiles = (b1 - b0) * perSample;
                cnnparity.nn.kernels.Winograd.inputTransform(x, b0, b1, h, w, c, ph, pw, v);
                cnnparity.nn.kernels.Winograd.products(v, u, m, tiles, c, f);
                if (codes == null) { // inference: bias and ReLU after the pooling, as in the direct path
                    cnnparity.nn.kernels.Winograd.outputTransform(m, tiles, ph, pw, f, zb, null, false);
                    cnnparity.nn.kernels.MaxPool2x2.forwardBlockBiasRelu(zb, pooled, b0, b1, 2 * ph, 2 * pw, f, ph, pw, bias, relu);
                } else { // training: + bias and ReLU on each output (the GEMM epilogue's), then which cell of each window won
                    cnnparity.nn.kernels.Winograd.outputTransform(m, tiles, ph, pw, f, zb, bias, relu);
                    cnnparity.nn.kernels.MaxPool2x2.forwardWinners(zb, pooled, codes, b0, b1, 2 * ph, 2 * pw, f, ph, pw);
                }
            }
        });
    }

    /**
     * Tiles per Winograd group: 4 samples of conv2d_1 (25 windows each), whose transformed tiles,
     * products and block stay in L2 (A/B on one core, 16 samples: 1, 2, 4 samples per group gave
     * 158, 144, 132 us of products). -Dcnnparity.winogradTiles overrides it.
     */
    private static final int WINO_TILES = Integer.getInteger("cnnparity.winogradTiles", 100);

    /** Samples per Winograd group: as many as fit in {@link #WINO_TILES} tiles, at least one, at most a chunk. */
    private static int winogradGroup(int tilesPerSample) {
        return Math.max(1, Math.min(CHUNK, WINO_TILES / Math.max(1, tilesPerSample)));
    }

    /**
     * Backward of {@link #forwardPooled} in training: from d(loss)/d(pooled), each sample's
     * d(loss)/d(z) is rebuilt in a per-thread block from the winner codes (and the ReLU mask,
     * pooled > 0), then the same weight, bias and input gradients as {@link #backward}, in the same
     * order: the same bits as the layer-by-layer backward through MaxPooling2D and Conv2D. Where
     * {@link #winogradFor} holds, the gradients of the Winograd forward instead (to rounding).
     */
    static void backwardPooled(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                               int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                               float[] dPooled, float[] pooled, float[] codes, boolean relu,
                               float[] dx, float[] dk, float[] dbias, Workspace ws) {
        if (winogradFor(c, kh, kw, sh, sw, dh, dw, padTop, padLeft)) {
            backwardPooledWinograd(x, n, h, w, c, k, f, oh, ow, dPooled, pooled, codes, relu, dx, dk, dbias, ws);
            return;
        }
        Plan plan = Plan.of(x, h, w, c, kh, kw, f, sh, sw, dh, dw, padTop, padLeft, oh, ow);
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[] kT = ws.prepare(chunks, k, plan.kd, f);
        Parallel.forChunks(chunks, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            ws.zero(ci);
            float[] part = ws.dkPart[ci], db = ws.dbPart[ci];
            float[] dz = buffer(DZ, plan.p * f);
            for (int b = c0; b < c1; b++) {
                cnnparity.nn.kernels.MaxPool2x2.unpool(codes, pooled, dPooled, dz, b, b + 1, oh, ow, f, oh / 2, ow / 2, relu);
                if (dbias != null) BiasGrad.maskAndSum(null, dz, 0, dz, 0, plan.p, f, db);
                plan.weightGrad(b, b + 1, dz, 0, part);
                if (dx != null) plan.inputGrad(b, b + 1, dz, 0, kT, dx);
            }
        });
        ws.addPartials(chunks, dk, dbias);
    }

    /**
     * Backward of {@link #forwardPooledWinograd}, in the same transformed domain
     * (nn.kernels.Winograd): from each window's gradient (the winner cell's, 0 where the ReLU was
     * off) W = A dy A^T per tile; the weight gradient as 16 products V^T W summed over the tiles
     * of a chunk (chunk partials added in chunk order, then G^T dU G once); the input gradient as
     * 16 products W U^T, then B dV B^T added at each tile's cells. Conv outputs no window reads
     * have a zero gradient and are skipped. The exact gradients of the Winograd forward, which is
     * the convolution; to rounding the layer-by-layer ones (FastPathsTest).
     */
    private static void backwardPooledWinograd(float[] x, int n, int h, int w, int c, float[] k, int f, int oh, int ow,
                                               float[] dPooled, float[] pooled, float[] codes, boolean relu,
                                               float[] dx, float[] dk, float[] dbias, Workspace ws) {
        int ph = oh / 2, pw = ow / 2, perSample = ph * pw;
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[] uT = ws.prepareWinograd(chunks, k, c, f, dx != null);
        int gs = winogradGroup(perSample), maxTiles = gs * perSample;
        Parallel.forChunks(chunks, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            java.util.Arrays.fill(ws.duPart[ci], 0f);
            java.util.Arrays.fill(ws.dbPart[ci], 0f);
            float[] du = ws.duPart[ci], db = ws.dbPart[ci];
            float[] v = buffer(WINO_V, 16 * cnnparity.nn.kernels.Winograd.plane(maxTiles, c));
            float[] wt = buffer(WINO_M, 16 * cnnparity.nn.kernels.Winograd.plane(maxTiles, f));
            float[] dz = buffer(DZ, maxTiles * 4 * f);
            for (int b0 = c0; b0 < c1; b0 += gs) {
                int b1 = Math.min(c1, b0 + gs), tiles = (b1 - b0) * perSample;
                // the windows' conv output gradient, (b1-b0, 2PH, 2PW, F): dy at each winner, 0 elsewhere
                cnnparity.nn.kernels.MaxPool2x2.unpool(codes, pooled, dPooled, dz, b0, b1, 2 * ph, 2 * pw, f, ph, pw, relu);
                if (dbias != null) BiasGrad.maskAndSum(null, dz, 0, dz, 0, tiles * 4, f, db);
                cnnparity.nn.kernels.Winograd.gradTransform(dz, tiles, ph, pw, f, wt);
                cnnparity.nn.kernels.Winograd.inputTransform(x, b0, b1, h, w, c, ph, pw, v);
                cnnparity.nn.kernels.Winograd.weightGradProducts(v, wt, du, tiles, c, f);
                if (dx != null) { // dV into v (its V is used up), then added at the tiles' cells
                    cnnparity.nn.kernels.Winograd.inputGradProducts(wt, uT, v, tiles, c, f);
                    java.util.Arrays.fill(dx, b0 * h * w * c, b1 * h * w * c, 0f);
                    cnnparity.nn.kernels.Winograd.inputGradTransform(v, tiles, b0, b1, h, w, c, ph, pw, dx);
                }
            }
        });
        // the chunks' partials in chunk order (a fixed sum order), into the first; then back to the 3x3 kernel
        Workspace.addInOrder(ws.duPart, 1, chunks, ws.duPart[0]);
        cnnparity.nn.kernels.Winograd.kernelGradTransform(ws.duPart[0], c, f, dk);
        if (dbias != null) Workspace.addInOrder(ws.dbPart, 0, chunks, dbias);
    }

    /** What backward keeps between calls, so a training step allocates nothing once shapes settle. */
    static final class Workspace {
        float[] kT = new float[0];
        float[][] dkPart = new float[0][];
        float[][] dbPart = new float[0][];
        float[][] duPart = new float[0][];
        float[] u = new float[0];
        float[] uT = new float[0];

        /** Sizes the Winograd backward's buffers; returns each position's U^T (16, F, C) when the input gradient is wanted. */
        float[] prepareWinograd(int chunks, float[] k, int c, int f, boolean inputGrad) {
            int size = 16 * cnnparity.nn.kernels.Winograd.plane(c, f);
            duPart = parts(duPart, chunks, size);
            dbPart = parts(dbPart, chunks, f);
            if (!inputGrad) return null;
            if (u.length != size) {
                u = new float[size];
                uT = new float[size];
            }
            cnnparity.nn.kernels.Winograd.kernelTransform(k, c, f, u);
            cnnparity.nn.kernels.Winograd.transposeU(u, c, f, uT);
            return uT;
        }

        /** Sizes the buffers and returns kernel^T (F, KH*KW*C). */
        float[] prepare(int chunks, float[] k, int kd, int f) {
            if (kT.length != kd * f) kT = new float[kd * f];
            dkPart = parts(dkPart, chunks, kd * f);
            dbPart = parts(dbPart, chunks, f);
            Gemm.transpose(k, kd, f, kT);
            return kT;
        }

        /** Zeroes chunk ci's partials (in the chunk's own task, so on its core). */
        void zero(int ci) {
            java.util.Arrays.fill(dkPart[ci], 0f);
            java.util.Arrays.fill(dbPart[ci], 0f);
        }

        /** dk += the chunks' weight-gradient partials, dbias += theirs, in chunk order (a fixed sum order). */
        void addPartials(int chunks, float[] dk, float[] dbias) {
            addInOrder(dkPart, 0, chunks, dk);
            if (dbias != null) addInOrder(dbPart, 0, chunks, dbias);
        }

        /** into += parts[from], parts[from + 1], ..., parts[to - 1], in that order. */
        static void addInOrder(float[][] parts, int from, int to, float[] into) {
            for (int ci = from; ci < to; ci++) {
                float[] part = parts[ci];
                for (int i = 0; i < into.length; i++) into[i] += part[i];
            }
        }

        /** cur when it holds {@code chunks} arrays of {@code size}, else new ones (shapes settle after the first step). */
        static float[][] parts(float[][] cur, int chunks, int size) {
            return cur.length == chunks && (chunks == 0 || cur[0].length == size) ? cur : new float[chunks][size];
        }
    }

    /**
     * From dz (N, OH, OW, F): dx (N, H, W, C) = (overwritten; skipped when dx is null), dk (KH, KW, C, F) +=,
     * dbias (F) +=. With {@code reluY} (the forward's output of a ReLU conv), dz is taken as
     * {@code dy * (y > 0)}, masked block by block instead of in a separate pass over the batch.
     */
    static void backward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                         int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                         float[] dy, float[] reluY, float[] dx, float[] dk, float[] dbias, Workspace ws) {
        Plan plan = Plan.of(x, h, w, c, kh, kw, f, sh, sw, dh, dw, padTop, padLeft, oh, ow);
        int p = plan.p, gs = group(p, plan.kd);
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[] kT = ws.prepare(chunks, k, plan.kd, f);
        Parallel.forChunks(chunks, ci -> {
            int c0 = ci * CHUNK, c1 = Math.min(n, c0 + CHUNK);
            ws.zero(ci);
            float[] part = ws.dkPart[ci], db = ws.dbPart[ci];
            float[] masked = reluY != null ? buffer(DZ, gs * p * f) : null;
            for (int b0 = c0; b0 < c1; b0 += gs) {
                int b1 = Math.min(c1, b0 + gs), rows = (b1 - b0) * p, zo = b0 * p * f;
                float[] dz = dy;
                int dzo = zo;
                if (reluY != null) { // dz = dy where y > 0 (exactly where z > 0), and the bias gradient, in one pass
                    BiasGrad.maskAndSum(reluY, dy, zo, masked, 0, rows, f, dbias != null ? db : null);
                    dz = masked;
                    dzo = 0;
                } else if (dbias != null) {
                    BiasGrad.maskAndSum(null, dy, zo, dy, zo, rows, f, db);
                }
                plan.weightGrad(b0, b1, dz, dzo, part);
                // dx null: the caller needs no input gradient (the model's first layer in training)
                if (dx != null) plan.inputGrad(b0, b1, dz, dzo, kT, dx);
            }
        });
        ws.addPartials(chunks, dk, dbias);
    }
}
