package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the global poolings share (keras/src/layers/pooling/base_global_pooling.py): keepdims. */
abstract class GlobalPooling2D extends Layer {
    final boolean keepdims;
    Tensor x;

    GlobalPooling2D(ObjectNode c) {
        super(c);
        Configs.requireChannelsLast(c);
        keepdims = Configs.bool(c, "keepdims", false);
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new IllegalArgumentException("layer '" + name + "' (" + className() + ") needs input (H, W, C), got " + Tensor.kerasShapeString(in));
        return keepdims ? new int[] {1, 1, in[2]} : new int[] {in[2]};
    }

    Tensor output(int n, int c) {
        return keepdims ? Tensor.zeros(n, 1, 1, c) : Tensor.zeros(n, c);
    }
}
