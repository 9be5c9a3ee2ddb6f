package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.Softmax over the last axis (keras/src/layers/activations/softmax.py). */
public final class Softmax extends ElementwiseActivationLayer {
    public Softmax(ObjectNode c) {
        super(c);
        JsonNode axis = c.get("axis");
        if (axis != null && !axis.isNull() && !(axis.isIntegralNumber() && axis.asInt() == -1)
                && !(axis.isArray() && axis.size() == 1 && axis.get(0).asInt() == -1)) {
            throw Configs.bad(c, "axis", "only the last axis (-1) is supported, got " + axis);
        }
    }

    @Override
    Activations.Fn fn() {
        return Activations.SOFTMAX;
    }
}
