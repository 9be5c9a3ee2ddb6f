package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/**
 * keras.layers.Dropout (keras/src/layers/regularization/dropout.py): identity at inference; in
 * training, inverted dropout: keep each value with probability 1-rate and scale it by 1/(1-rate).
 * The mask comes from a seeded Java RNG, so a run is repeatable (not Keras's RNG stream: no
 * fixture depends on the mask; gradient fixtures set rate 0, as Keras's call is then identity).
 */
public final class Dropout extends Layer {
    private double rate;
    private SplittableRandom rng;
    private float[] mask; // null when the last forward was the identity

    public Dropout(ObjectNode c) {
        super(c);
        setRate(Configs.number(c, "rate", 0.5));
        long seed = Configs.has(c, "seed") ? Configs.integer(c, "seed", 0) : 1337L;
        rng = new SplittableRandom(seed);
    }

    public double rate() {
        return rate;
    }

    public void setRate(double rate) {
        if (!(rate >= 0 && rate < 1)) throw Configs.bad(config, "rate", "must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    @Override
    public void setSeed(long seed) {
        rng = new SplittableRandom(seed);
    }

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training || rate == 0) {
            mask = null;
            return x;
        }
        // y = x * mask, mask = (u >= rate) / (1 - rate)
        float scale = (float) (1.0 / (1.0 - rate));
        mask = new float[x.size()];
        Tensor y = x.zerosLike();
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() >= rate ? scale : 0f;
            y.data[i] = x.data[i] * mask[i];
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (mask == null) return dy;
        Tensor dx = dy.zerosLike();
        for (int i = 0; i < mask.length; i++) dx.data[i] = dy.data[i] * mask[i];
        return dx;
    }
}
