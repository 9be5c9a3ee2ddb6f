package cnnparity.nn.layers;

/**
 * The Conv2D loops, on flat NHWC arrays. Kept apart from the layer so faster kernels can replace
 * them without touching Conv2D's contract. The innermost loop always runs over the contiguous
 * filter axis of the kernel and the output, which the JIT vectorizes.
 */
final class ConvKernels {
    private ConvKernels() {
    }

    /** z (N, OH, OW, F) = conv(x (N, H, W, C), k (KH, KW, C, F)) + bias. */
    static void forward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                        int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                        float[] bias, float[] z) {
        float[] acc = new float[f];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    if (bias != null) System.arraycopy(bias, 0, acc, 0, f);
                    else java.util.Arrays.fill(acc, 0f);
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < kw; e++) {
                            int iw = j * sw + e * dw - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c;
                            int ko = (a * kw + e) * c * f;
                            for (int ch = 0; ch < c; ch++) {
                                float xv = x[xo + ch];
                                int kr = ko + ch * f;
                                for (int o = 0; o < f; o++) acc[o] += xv * k[kr + o];
                            }
                        }
                    }
                    System.arraycopy(acc, 0, z, ((b * oh + i) * ow + j) * f, f);
                }
            }
        }
    }

    /** From dz (N, OH, OW, F): dx (N, H, W, C) +=, dk (KH, KW, C, F) +=, dbias (F) +=. */
    static void backward(float[] x, int n, int h, int w, int c, float[] k, int kh, int kw, int f,
                         int sh, int sw, int dh, int dw, int padTop, int padLeft, int oh, int ow,
                         float[] dz, float[] dx, float[] dk, float[] dbias) {
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int zo = ((b * oh + i) * ow + j) * f;
                    if (dbias != null) for (int o = 0; o < f; o++) dbias[o] += dz[zo + o];
                    for (int a = 0; a < kh; a++) {
                        int ih = i * sh + a * dh - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < kw; e++) {
                            int iw = j * sw + e * dw - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c;
                            int ko = (a * kw + e) * c * f;
                            for (int ch = 0; ch < c; ch++) {
                                float xv = x[xo + ch];
                                int kr = ko + ch * f;
                                float s = 0f;
                                for (int o = 0; o < f; o++) {
                                    dk[kr + o] += xv * dz[zo + o];
                                    s += k[kr + o] * dz[zo + o];
                                }
                                dx[xo + ch] += s;
                            }
                        }
                    }
                }
            }
        }
    }
}
