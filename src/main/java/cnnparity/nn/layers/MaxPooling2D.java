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

    public MaxPooling2D(ObjectNode c) {
        super(c);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        setup(x);
        int n = x.dim(0);
        Tensor y = Tensor.zeros(n, oh, ow, c);
        argmax = new int[y.size()];
        float[] xd = x.data, yd = y.data;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int yo = ((b * oh + i) * ow + j) * c;
                    for (int ch = 0; ch < c; ch++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int a = 0; a < pool[0]; a++) {
                            int ih = i * strides[0] + a - padTop;
                            if (ih < 0 || ih >= h) continue;
                            for (int e = 0; e < pool[1]; e++) {
                                int iw = j * strides[1] + e - padLeft;
                                if (iw < 0 || iw >= w) continue;
                                int xi = ((b * h + ih) * w + iw) * c + ch;
                                float v = xd[xi];
                                if (arg < 0 || v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                                    best = v;
                                    arg = xi;
                                }
                            }
                        }
                        yd[yo + ch] = best;
                        argmax[yo + ch] = arg;
                    }
                }
            }
        }
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
