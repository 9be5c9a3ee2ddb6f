package cnnparity.train;

/**
 * keras.optimizers.RMSprop (keras/src/optimizers/rmsprop.py): lr 1e-3, rho 0.9, momentum 0, epsilon 1e-7.
 * <pre>
 * v = rho * v + (1 - rho) * g^2
 * centered: a = rho * a + (1 - rho) * g;  denominator = v - a^2 + epsilon   else v + epsilon
 * increment = lr * g / sqrt(denominator)
 * momentum > 0: mom = momentum * mom + increment;  w -= mom      else w -= increment
 * </pre>
 */
public final class RMSprop extends Optimizer {
    final float rho, oneMinusRho, momentum, epsilon;
    final boolean centered;

    public RMSprop(LearningRateSchedule lr, double rho, double momentum, double epsilon, boolean centered) {
        super(lr);
        this.rho = (float) rho;
        this.oneMinusRho = (float) (1 - rho);
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
        this.centered = centered;
    }

    public String name() {
        return "RMSprop";
    }

    protected int slotCount() {
        return 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0);
    }

    protected void update(float[] w, float[] g, float[][] s, float lr, long it) {
        float[] v = s[0];
        float[] mom = momentum > 0 ? s[1] : null;
        float[] avg = centered ? s[momentum > 0 ? 2 : 1] : null;
        for (int i = 0; i < w.length; i++) {
            v[i] = rho * v[i] + oneMinusRho * (g[i] * g[i]);
            float den;
            if (centered) {
                avg[i] = rho * avg[i] + oneMinusRho * g[i];
                den = v[i] - avg[i] * avg[i] + epsilon;
            } else {
                den = v[i] + epsilon;
            }
            float inc = (lr * g[i]) / (float) Math.sqrt(den);
            if (mom != null) {
                mom[i] = momentum * mom[i] + inc;
                w[i] -= mom[i];
            } else {
                w[i] -= inc;
            }
        }
    }
}
