package cnnparity.nn.layers;

import cnnparity.nn.Tensor;
import cnnparity.nn.kernels.MaxPool2x2;
import cnnparity.nn.kernels.Parallel;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.MaxPooling2D. Padded cells count as -inf (they never win).
 *
 * <pre>
 * x: (N, H, W, C) -> y: (N, OH, OW, C),  y[n,i,j,c] = max over the window of x[n, i*sh+a-padTop, j*sw+b-padLeft, c]
 * </pre>
 * Backward routes each output gradient to one input cell: the first maximum in row-major scan order
 * of the window, as TensorFlow's CPU MaxPoolGrad does (tensorflow/core/kernels/maxpooling_op.cc
 * SpatialMaxPoolWithArgMaxHelper updates only on a strictly greater value).
 */
public final class MaxPooling2D extends Pooling2D {
    private Tensor out;
    private Tensor dxBuf;

    public MaxPooling2D(ObjectNode c) {
        super(c);
    }

    /**
     * Whether this layer pools an (H, W, .) input with the plain 2x2 window, stride 2, every window
     * inside the image (nn.kernels.MaxPool2x2, on vectors of channels): "valid", or "same" on an
     * even size. "same" on an odd size hangs its last windows over the bottom/right edge.
     */
    boolean isPlain2x2For(int h, int w) {
        if (pool[0] != 2 || pool[1] != 2 || strides[0] != 2 || strides[1] != 2 || h < 2 || w < 2) return false;
        int[] a = outSize(h, 0), b = outSize(w, 1);
        return a[1] == 0 && b[1] == 0 && 2 * a[0] <= h && 2 * b[0] <= w;
    }

    /** Whether Conv2D may run this pooling fused with it (Conv2D.forwardInferenceFused): the plain 2x2 case, "valid" only. */
    boolean fusesAfterConvFor(int h, int w) {
        return !same && isPlain2x2For(h, w);
    }

    /** This layer's output buffer for (N, OH, OW, C), reused while the shape stays. */
    Tensor outputBuffer(int n, int oh, int ow, int c) {
        if (out == null || out.dim(0) != n || out.dim(1) != oh || out.dim(2) != ow || out.dim(3) != c) out = Tensor.zeros(n, oh, ow, c);
        return out;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        setup(x);
        int n = x.dim(0);
        Tensor y = outputBuffer(n, oh, ow, c);
        float[] xd = x.data, yd = y.data;
        boolean fast = isPlain2x2For(h, w);
        // samples in fixed chunks over the cores: each output is written by one chunk only.
        // Math.max gives the window's maximum; NaN wins, as in TensorFlow's CPU kernel (the first
        // NaN stops its strict-greater scan); +0/-0 ties may differ in sign only, which no later
        // product or sum can tell apart.
        Parallel.forChunks((n + 15) / 16, chunk -> {
            int b0 = chunk * 16, b1 = Math.min(n, b0 + 16);
            if (fast) {
                MaxPool2x2.forward(xd, yd, b0, b1, h, w, c, oh, ow);
                return;
            }
            int[] cells = new int[pool[0] * pool[1]];
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c, count = windowCells(b, i, j, cells);
                System.arraycopy(xd, cells[0], yd, yo, c);
                for (int t = 1; t < count; t++) for (int ch = 0; ch < c; ch++) yd[yo + ch] = Math.max(yd[yo + ch], xd[cells[t] + ch]);
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // dx[first cell of the window holding the maximum] += dy: the first maximum in row-major scan
        // order is the cell TensorFlow's strict-greater scan keeps (a NaN maximum: the first NaN).
        // Found again here from x and y rather than stored by forward: no argmax array to write and read.
        int n = x.dim(0);
        Tensor dx = dxBuf = Tensor.reuse(dxBuf, x.shape);
        float[] xd = x.data, yd = out.data, g = dy.data, d = dx.data;
        boolean fast = isPlain2x2For(h, w);
        Parallel.forChunks((n + 15) / 16, chunk -> {
            int b0 = chunk * 16, b1 = Math.min(n, b0 + 16);
            if (fast) {
                MaxPool2x2.backward(xd, yd, g, d, b0, b1, h, w, c, oh, ow);
                return;
            }
            java.util.Arrays.fill(d, b0 * h * w * c, b1 * h * w * c, 0f);
            int[] cells = new int[pool[0] * pool[1]];
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c, count = windowCells(b, i, j, cells);
                for (int ch = 0; ch < c; ch++) {
                    float v = yd[yo + ch];
                    boolean nan = v != v;
                    for (int t = 0; t < count; t++) {
                        int xo = cells[t] + ch;
                        if (xd[xo] == v || nan && xd[xo] != xd[xo]) {
                            d[xo] += g[yo + ch];
                            break;
                        }
                    }
                }
            }
        });
        return dx;
    }
}
