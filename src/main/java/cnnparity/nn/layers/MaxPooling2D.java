package cnnparity.nn.layers;

import cnnparity.nn.Tensor;
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
    private int[] argmax; // flat index into x for each output element
    private Tensor out;

    public MaxPooling2D(ObjectNode c) {
        super(c);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        setup(x);
        int n = x.dim(0);
        // output and argmax buffers are the layer's own, reused while the batch shape stays
        Tensor y = out != null && out.dim(0) == n && out.dim(1) == oh && out.dim(2) == ow && out.dim(3) == c ? out : Tensor.zeros(n, oh, ow, c);
        out = y;
        if (argmax == null || argmax.length != y.size()) argmax = new int[y.size()];
        float[] xd = x.data, yd = y.data;
        // samples in fixed chunks over the cores: each output is written by one chunk only
        cnnparity.nn.kernels.Parallel.forChunks((n + 15) / 16, chunk -> {
        for (int b = chunk * 16; b < Math.min(n, chunk * 16 + 16); b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int yo = ((b * oh + i) * ow + j) * c;
                    java.util.Arrays.fill(argmax, yo, yo + c, -1);
                    // window cells in row-major order, channels innermost (contiguous): the first
                    // strictly greater value wins, so ties keep the earliest cell
                    for (int a = 0; a < pool[0]; a++) {
                        int ih = i * strides[0] + a - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < pool[1]; e++) {
                            int iw = j * strides[1] + e - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c;
                            for (int ch = 0; ch < c; ch++) {
                                float v = xd[xo + ch];
                                int arg = argmax[yo + ch];
                                float best = yd[yo + ch];
                                if (arg < 0 || v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                                    yd[yo + ch] = v;
                                    argmax[yo + ch] = xo + ch;
                                }
                            }
                        }
                    }
                }
            }
        }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // dx[argmax[k]] += dy[k]
        Tensor dx = x.zerosLike();
        for (int k = 0; k < argmax.length; k++) dx.data[argmax[k]] += dy.data[k];
        return dx;
    }
}
