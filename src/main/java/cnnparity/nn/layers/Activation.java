package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.Activation: applies the activation named by {@code activation}. */
public final class Activation extends ElementwiseActivationLayer {
    private final Activations.Fn fn;

    public Activation(ObjectNode c) {
        super(c);
        fn = Activations.fromConfig(c.get("activation"), name);
    }

    @Override
    Activations.Fn fn() {
        return fn;
    }
}
