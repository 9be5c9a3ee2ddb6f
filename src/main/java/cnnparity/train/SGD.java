package cnnparity.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * keras.optimizers.SGD (keras/src/optimizers/sgd.py): learning_rate 0.01, momentum 0, nesterov
 * False. update_step, all float32:
 * <pre>
 * momentum == 0: w -= g * lr
 * momentum != 0: m = m * momentum - g * lr;  w += m      (nesterov: w += m * momentum - g * lr)
 * </pre>
 */
public final class SGD extends Optimizer {
    final float momentum;
    final double momentumConfig;
    final boolean nesterov;

    public SGD(LearningRateSchedule lr, double momentum, boolean nesterov) {
        super(lr);
        // sgd.py: "`momentum` must be a float between [0, 1]."
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("SGD momentum must be a float between [0, 1], got " + momentum);
        this.momentumConfig = momentum;
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    public String name() {
        return "SGD";
    }

    public List<String> slotNames() {
        return momentum != 0 ? List.of("momentum") : List.of();
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

    protected void putConfig(ObjectNode c) {
        c.put("momentum", momentumConfig);
        c.put("nesterov", nesterov);
    }
}
