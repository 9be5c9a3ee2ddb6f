package cnnparity.nn.layers;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.GlobalAveragePooling2D: x: (N, H, W, C) -> y: (N, C) (or (N, 1, 1, C)), the mean over H, W. */
public final class GlobalAveragePooling2D extends GlobalPooling2D {
    public GlobalAveragePooling2D(ObjectNode c) {
        super(c);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        int n = x.dim(0), hw = x.dim(1) * x.dim(2), c = x.dim(3);
        Tensor y = output(n, c);
        double[] acc = new double[c];
        for (int b = 0; b < n; b++) {
            java.util.Arrays.fill(acc, 0);
            for (int p = 0; p < hw; p++) {
                int xo = (b * hw + p) * c;
                for (int ch = 0; ch < c; ch++) acc[ch] += x.data[xo + ch];
            }
            for (int ch = 0; ch < c; ch++) y.data[b * c + ch] = (float) (acc[ch] / hw);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // dx[n,h,w,c] = dy[n,c] / (H*W)
        int n = x.dim(0), hw = x.dim(1) * x.dim(2), c = x.dim(3);
        Tensor dx = x.zerosLike();
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < hw; p++) {
                int xo = (b * hw + p) * c;
                for (int ch = 0; ch < c; ch++) dx.data[xo + ch] = dy.data[b * c + ch] / hw;
            }
        }
        return dx;
    }
}
