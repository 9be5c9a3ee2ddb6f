package cnnparity.nn.layers;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.GlobalMaxPooling2D: x: (N, H, W, C) -> y: (N, C) (or (N, 1, 1, C)), the max over H, W.
 * Backward: TensorFlow's reduce_max gradient splits dy evenly over all cells equal to the max
 * (tensorflow/python/ops/math_grad.py _MinOrMaxGrad), unlike MaxPool's first-argmax rule.
 */
public final class GlobalMaxPooling2D extends GlobalPooling2D {
    private Tensor y;

    public GlobalMaxPooling2D(ObjectNode c) {
        super(c);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        int n = x.dim(0), hw = x.dim(1) * x.dim(2), c = x.dim(3);
        y = output(n, c);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < hw; p++) {
                    float v = x.data[(b * hw + p) * c + ch];
                    if (v > m || Float.isNaN(v)) m = v;
                    if (Float.isNaN(m)) break;
                }
                y.data[b * c + ch] = m;
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = x.dim(0), hw = x.dim(1) * x.dim(2), c = x.dim(3);
        Tensor dx = x.zerosLike();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                float m = y.data[b * c + ch];
                int ties = 0;
                for (int p = 0; p < hw; p++) if (x.data[(b * hw + p) * c + ch] == m) ties++;
                if (ties == 0) continue;
                float g = dy.data[b * c + ch] / ties;
                for (int p = 0; p < hw; p++) if (x.data[(b * hw + p) * c + ch] == m) dx.data[(b * hw + p) * c + ch] = g;
            }
        }
        return dx;
    }
}
