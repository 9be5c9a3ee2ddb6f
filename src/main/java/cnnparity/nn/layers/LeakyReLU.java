package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.LeakyReLU: Keras 3 key {@code negative_slope} (default 0.3); Keras 2 files say {@code alpha}. */
public final class LeakyReLU extends ElementwiseActivationLayer {
    private final Activations.Fn fn;

    public LeakyReLU(ObjectNode c) {
        super(c);
        double slope = Configs.has(c, "negative_slope") ? Configs.number(c, "negative_slope", 0.3) : Configs.number(c, "alpha", 0.3);
        fn = Activations.leakyRelu(slope);
    }

    @Override
    Activations.Fn fn() {
        return fn;
    }
}
