package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.Reshape: {@code target_shape} excludes the batch axis; one entry may be -1. */
public final class Reshape extends Layer {
    final int[] target;
    private int[] xShape;

    public Reshape(ObjectNode c) {
        super(c);
        target = Configs.intList(c, "target_shape");
        int unknown = 0;
        for (int t : target) {
            if (t == -1) unknown++;
            else if (t <= 0) throw Configs.bad(c, "target_shape", "entries must be positive or -1");
        }
        if (unknown > 1) throw Configs.bad(c, "target_shape", "can hold at most one -1");
    }

    @Override
    public int[] outputShape(int[] in) {
        long total = Tensor.numel(in);
        int[] out = target.clone();
        long known = 1;
        int free = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) free = i;
            else known *= out[i];
        }
        if (free >= 0) {
            if (known == 0 || total % known != 0) throw new IllegalArgumentException("layer '" + name + "' (Reshape): cannot reshape " + Tensor.kerasShapeString(in) + " to " + java.util.Arrays.toString(target));
            out[free] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("layer '" + name + "' (Reshape): cannot reshape " + Tensor.kerasShapeString(in) + " (" + total + " values) to " + java.util.Arrays.toString(target));
        }
        return out;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        xShape = x.shape;
        return x.reshape(Tensor.withBatch(x.dim(0), outputShape(x.sampleShape())));
    }

    @Override
    public Tensor backward(Tensor dy) {
        return dy.reshape(xShape);
    }
}
