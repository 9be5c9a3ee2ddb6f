package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import cnnparity.nn.kernels.DropoutMask;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.Dropout (keras/src/layers/regularization/dropout.py): identity at inference; in
 * training, inverted dropout: keep each value with probability 1-rate and scale it by 1/(1-rate).
 * The mask comes from a seeded Java RNG (java.util.SplittableRandom's stream, computed by
 * nn.kernels.DropoutMask), so a run is repeatable (not Keras's RNG stream: no fixture depends on
 * the mask; gradient fixtures set rate 0, as Keras's call is then identity).
 */
public final class Dropout extends Layer {
    private double rate;
    private long rngState; // new SplittableRandom(seed)'s state: the seed, moved by one gamma per draw
    private float[] mask; // null when the last forward was the identity

    public Dropout(ObjectNode c) {
        super(c);
        setRate(Configs.number(c, "rate", 0.5));
        long seed = Configs.has(c, "seed") ? Configs.integer(c, "seed", 0) : 1337L;
        rngState = seed;
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
        rngState = seed;
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
        // y = x * mask, mask = (u >= rate) / (1 - rate). Two 24-bit uniforms u per nextLong():
        // a 24-bit u is as fine as a float rate can be, and the mask costs a fraction of the
        // previous nextDouble() per element. Buffers are the layer's own, reused while the shape stays.
        float scale = (float) (1.0 / (1.0 - rate));
        int size = x.size();
        if (mask == null || mask.length != size) mask = new float[size];
        out = Tensor.reuse(out, x.shape);
        float[] m = mask, xd = x.data, yd = out.data;
        long threshold = (long) Math.ceil(rate * (1 << 24)); // u >= rate  <=>  bits >= rate * 2^24
        rngState = DropoutMask.fill(m, size, rngState, threshold, scale);
        for (int j = 0; j < size; j++) yd[j] = xd[j] * m[j];
        return out;
    }

    private Tensor out;
    private Tensor dxBuf;

    @Override
    public Tensor backward(Tensor dy) {
        if (mask == null) return dy;
        dxBuf = Tensor.reuse(dxBuf, dy.shape);
        float[] d = dxBuf.data, g = dy.data, m = mask;
        for (int i = 0; i < m.length; i++) d[i] = g[i] * m[i];
        return dxBuf;
    }
}
