package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.Flatten: x: (N, H, W, C) -> y: (N, H*W*C), row-major, which for channels_last data is
 * the flat array as it is (no copy).
 */
public final class Flatten extends Layer {
    private int[] xShape;

    public Flatten(ObjectNode c) {
        super(c);
        Configs.requireChannelsLast(c);
    }

    @Override
    public int[] outputShape(int[] in) {
        return new int[] {(int) Tensor.numel(in)};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        xShape = x.shape;
        return x.reshape(x.dim(0), x.sampleSize());
    }

    @Override
    public Tensor backward(Tensor dy) {
        return dy.reshape(xShape);
    }
}
