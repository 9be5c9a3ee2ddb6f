package cnnparity.train;

/**
 * keras.optimizers.SGD (keras/src/optimizers/sgd.py): learning_rate 0.01, momentum 0, nesterov.
 * <pre>
 * momentum == 0: w -= g * lr
 * momentum  > 0: m = m * momentum - g * lr;  w += m   (nesterov: w += m * momentum - g * lr)
 * </pre>
 */
public final class SGD extends Optimizer {
    final float momentum;
    final boolean nesterov;

    public SGD(LearningRateSchedule lr, double momentum, boolean nesterov) {
        super(lr);
        if (momentum < 0 || momentum > 1) throw new IllegalArgumentException("SGD momentum must be in [0, 1], got " + momentum);
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    public String name() {
        return "SGD";
    }

    protected int slotCount() {
        return momentum != 0 ? 1 : 0;
    }

    protected void update(float[] w, float[] g, float[][] s, float lr, long it) {
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= g[i] * lr;
            return;
        }
        float[] m = s[0];
        for (int i = 0; i < w.length; i++) {
            m[i] = m[i] * momentum - g[i] * lr;
            w[i] += nesterov ? m[i] * momentum - g[i] * lr : m[i];
        }
    }
}
