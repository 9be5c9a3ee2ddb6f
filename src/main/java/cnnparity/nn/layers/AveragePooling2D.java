package cnnparity.nn.layers;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.AveragePooling2D. With padding "same" a window that hangs over the edge divides by
 * the number of real cells it covers, not by the pool area (TensorFlow's AvgPool excludes padding).
 *
 * <pre>
 * x: (N, H, W, C) -> y: (N, OH, OW, C),  y = sum(window) / count(real cells in window)
 * </pre>
 */
public final class AveragePooling2D extends Pooling2D {
    public AveragePooling2D(ObjectNode c) {
        super(c);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        setup(x);
        int n = x.dim(0);
        Tensor y = Tensor.zeros(n, oh, ow, c);
        float[] xd = x.data, yd = y.data;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int yo = ((b * oh + i) * ow + j) * c;
                    int count = 0;
                    for (int a = 0; a < pool[0]; a++) {
                        int ih = i * strides[0] + a - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < pool[1]; e++) {
                            int iw = j * strides[1] + e - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            count++;
                            int xo = ((b * h + ih) * w + iw) * c;
                            for (int ch = 0; ch < c; ch++) yd[yo + ch] += xd[xo + ch];
                        }
                    }
                    float inv = 1f / count;
                    for (int ch = 0; ch < c; ch++) yd[yo + ch] *= inv;
                }
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // every real cell of a window gets dy / count
        Tensor dx = x.zerosLike();
        int n = x.dim(0);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int yo = ((b * oh + i) * ow + j) * c;
                    int count = 0;
                    for (int a = 0; a < pool[0]; a++) {
                        int ih = i * strides[0] + a - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < pool[1]; e++) {
                            int iw = j * strides[1] + e - padLeft;
                            if (iw >= 0 && iw < w) count++;
                        }
                    }
                    float inv = 1f / count;
                    for (int a = 0; a < pool[0]; a++) {
                        int ih = i * strides[0] + a - padTop;
                        if (ih < 0 || ih >= h) continue;
                        for (int e = 0; e < pool[1]; e++) {
                            int iw = j * strides[1] + e - padLeft;
                            if (iw < 0 || iw >= w) continue;
                            int xo = ((b * h + ih) * w + iw) * c;
                            for (int ch = 0; ch < c; ch++) dx.data[xo + ch] += dy.data[yo + ch] * inv;
                        }
                    }
                }
            }
        }
        return dx;
    }
}
