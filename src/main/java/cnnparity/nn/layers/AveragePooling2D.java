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
        int[] cells = new int[pool[0] * pool[1]];
        for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c, count = windowCells(b, i, j, cells);
            for (int t = 0; t < count; t++) for (int ch = 0; ch < c; ch++) yd[yo + ch] += xd[cells[t] + ch];
            float inv = 1f / count;
            for (int ch = 0; ch < c; ch++) yd[yo + ch] *= inv;
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // every real cell of a window gets dy / count
        Tensor dx = x.zerosLike();
        int n = x.dim(0);
        int[] cells = new int[pool[0] * pool[1]];
        for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c, count = windowCells(b, i, j, cells);
            float inv = 1f / count;
            for (int t = 0; t < count; t++) for (int ch = 0; ch < c; ch++) dx.data[cells[t] + ch] += dy.data[yo + ch] * inv;
        }
        return dx;
    }
}
