package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.InputLayer: the identity; carries the input shape ({@code batch_shape} in Keras 3,
 * {@code batch_input_shape} in Keras 2). Models keep its shape and drop the layer itself.
 */
public final class InputLayer extends Layer {
    public InputLayer(ObjectNode c) {
        super(c);
    }

    /** The sample shape (batch dimension dropped), or null when the config gives none. */
    public static int[] shapeFromConfig(ObjectNode c) {
        JsonNode s = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
        if (s == null || !s.isArray() || s.size() < 2) {
            JsonNode shape = c.get("shape");
            if (shape != null && shape.isArray()) {
                int[] out = new int[shape.size()];
                for (int i = 0; i < out.length; i++) out[i] = shape.get(i).isNull() ? -1 : shape.get(i).asInt();
                return out;
            }
            return null;
        }
        int[] out = new int[s.size() - 1];
        for (int i = 0; i < out.length; i++) out[i] = s.get(i + 1).isNull() ? -1 : s.get(i + 1).asInt();
        return out;
    }

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return x;
    }

    @Override
    public Tensor backward(Tensor dy) {
        return dy;
    }
}
