package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.ReLU (keras/src/layers/activations/relu.py):
 * {@code y = x >= max_value ? max_value : x >= threshold ? x : negative_slope * (x - threshold)}.
 */
public final class ReLU extends ElementwiseActivationLayer {
    private final Activations.Fn fn;

    public ReLU(ObjectNode c) {
        super(c);
        double maxValue = Configs.has(c, "max_value") ? Configs.number(c, "max_value", 0) : Double.POSITIVE_INFINITY;
        double slope = Configs.number(c, "negative_slope", 0.0);
        double threshold = Configs.number(c, "threshold", 0.0);
        if (maxValue < 0) throw Configs.bad(c, "max_value", "must be >= 0");
        if (slope < 0) throw Configs.bad(c, "negative_slope", "must be >= 0");
        fn = new Activations.Fn() {
            public String name() {
                return "relu";
            }

            public void forward(float[] z, float[] y, int k) {
                for (int i = 0; i < z.length; i++) {
                    double v = z[i];
                    y[i] = (float) (v >= maxValue ? maxValue : v >= threshold ? v : slope * (v - threshold));
                }
            }

            public void backward(float[] z, float[] y, float[] dy, float[] dz, int k) {
                for (int i = 0; i < z.length; i++) {
                    double v = z[i];
                    // TF's relu gradient is 0 at exactly 0 (x > 0), and 0 above max_value
                    double d = v >= maxValue ? 0 : v > threshold ? 1 : (v == threshold && threshold != 0 ? 1 : slope);
                    dz[i] = (float) (dy[i] * d);
                }
            }
        };
    }

    @Override
    Activations.Fn fn() {
        return fn;
    }
}
