package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** keras.layers.ELU: {@code alpha} (default 1.0). */
public final class ELU extends ElementwiseActivationLayer {
    private final Activations.Fn fn;

    public ELU(ObjectNode c) {
        super(c);
        fn = Activations.elu(Configs.number(c, "alpha", 1.0));
    }

    @Override
    Activations.Fn fn() {
        return fn;
    }
}
