package cnnparity.nn.layers;

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
 * results are identical run to run and machine to machine. Buffers are reused per thread.
 */
final class ConvKernels {
    static final int CHUNK = 16;
    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[2][0]);

    private ConvKernels() {
    }

    private static float[] buffer(int slot, int size) {
        float[][] w = WORK.get();
        if (w[slot].length < size) w[slot] = new float[size];
        return w[slot];
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
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        for (int e = 0; e < kw; e++) {
                            int iw = j * sw + e * dw - padLeft;
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
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < kw; e++) {
                            int iw = j * sw + e * dw - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c, co = ro + (a * kw + e) * c;
                            for (int ch = 0; ch < c; ch++) dx[xo + ch] += dcol[co + ch];
                        }
                    }
                }
            }
        }
    }

    /** z (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F)) + bias. */
    static void forward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                        int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                        float[] bias, float[] z, boolean relu, float[] colAll) {
        int kd = kh * kw * c, p = oh * ow;
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forChunks(chunks, ci -> {
            int b0 = ci * CHUNK, b1 = Math.min(n, b0 + CHUNK);
            int rows = (b1 - b0) * p;
            int co = b0 * p * kd;
            float[] col = colAll != null ? colAll : buffer(0, rows * kd);
            if (colAll == null) co = 0;
            im2colAt(x, b0, b1, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, col, co);
            int zo = b0 * p * f;
            Gemm.nn(col, co, k, 0, z, zo, rows, kd, f, false);
            if (bias != null || relu) {
                for (int r = 0; r < rows; r++) {
                    int o = zo + r * f;
                    if (bias != null) for (int q = 0; q < f; q++) z[o + q] += bias[q];
                    if (relu) for (int q = 0; q < f; q++) z[o + q] = z[o + q] > 0 ? z[o + q] : 0f;
                }
            }
        });
    }

    /** From dz (N, OH, OW, F): dx (N, H, W, C) += (unless dx is null), dk (KH, KW, C, F) +=, dbias (F) +=. */
    static void backward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                         int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                         float[] dz, float[] dx, float[] dk, float[] dbias, float[] colAll) {
        int kd = kh * kw * c, p = oh * ow;
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[] kT = new float[f * kd];
        Gemm.transpose(k, kd, f, kT);
        float[][] dkPart = new float[chunks][];
        float[][] dbPart = new float[chunks][];
        Parallel.forChunks(chunks, ci -> {
            int b0 = ci * CHUNK, b1 = Math.min(n, b0 + CHUNK);
            int rows = (b1 - b0) * p;
            // the forward's im2col matrix when the caller kept it, else rebuilt here
            float[] col = colAll;
            int co = b0 * p * kd;
            if (col == null) {
                col = buffer(0, rows * kd);
                co = 0;
                im2colAt(x, b0, b1, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, col, 0);
            }
            int zo = b0 * p * f;
            float[] part = new float[kd * f];
            Gemm.tn(col, co, dz, zo, part, 0, kd, rows, f);
            dkPart[ci] = part;
            if (dbias != null) {
                float[] db = new float[f];
                for (int r = 0; r < rows; r++) for (int q = 0; q < f; q++) db[q] += dz[zo + r * f + q];
                dbPart[ci] = db;
            }
            if (dx != null) { // null: the caller needs no input gradient (the model's first layer in training)
                float[] dcol = buffer(1, rows * kd);
                Gemm.nn(dz, zo, kT, 0, dcol, 0, rows, f, kd, false);
                col2im(dcol, b0, b1, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow, dx);
            }
        });
        for (int ci = 0; ci < chunks; ci++) {
            float[] part = dkPart[ci];
            for (int i = 0; i < part.length; i++) dk[i] += part[i];
            if (dbias != null) for (int q = 0; q < f; q++) dbias[q] += dbPart[ci][q];
        }
    }
}
