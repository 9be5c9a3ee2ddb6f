package cnnparity.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * keras.optimizers.Adam (keras/src/optimizers/adam.py): lr 1e-3, beta_1 0.9, beta_2 0.999,
 * epsilon 1e-7, amsgrad False. update_step, all float32:
 * <pre>
 * t = iterations + 1;  alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * m += (g - m) * (1 - beta_1);  v += (g*g - v) * (1 - beta_2)
 * amsgrad: v_hat = max(v_hat, v) and v_hat replaces v below
 * w -= (m * alpha) / (sqrt(v) + epsilon)          (epsilon on the uncorrected sqrt(v))
 * </pre>
 * keras.optimizers.AdamW (keras/src/optimizers/adamw.py) is this with weight_decay (default
 * 0.004), which the base optimizer applies before the update: see {@link #adamW}.
 */
public final class Adam extends Optimizer {
    final float beta1, beta2, epsilon, oneMinusBeta1, oneMinusBeta2;
    final double beta1Config, beta2Config, epsilonConfig;
    final boolean amsgrad;
    private final String className;

    public Adam(LearningRateSchedule lr, double beta1, double beta2, double epsilon, boolean amsgrad) {
        this(lr, beta1, beta2, epsilon, amsgrad, "Adam");
    }

    private Adam(LearningRateSchedule lr, double beta1, double beta2, double epsilon, boolean amsgrad, String className) {
        super(lr);
        this.beta1Config = beta1;
        this.beta2Config = beta2;
        this.epsilonConfig = epsilon;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        // Keras writes (1 - self.beta_1) in Python (double); TensorFlow then casts it to float32
        this.oneMinusBeta1 = (float) (1 - beta1);
        this.oneMinusBeta2 = (float) (1 - beta2);
        this.amsgrad = amsgrad;
        this.className = className;
    }

    /** keras.optimizers.AdamW: Adam with {@code weight_decay} (Keras default 0.004). */
    public static Adam adamW(LearningRateSchedule lr, double weightDecay, double beta1, double beta2, double epsilon, boolean amsgrad) {
        Adam a = new Adam(lr, beta1, beta2, epsilon, amsgrad, "AdamW");
        a.setWeightDecay(weightDecay);
        return a;
    }

    public String name() {
        return className;
    }

    public List<String> slotNames() {
        return amsgrad ? List.of("momentum", "velocity", "velocity_hat") : List.of("momentum", "velocity");
    }

    protected void update(float[] w, float[] g, float[][] s, float lr, long it) {
        float t = (float) (it + 1);
        float b1p = (float) Math.pow(beta1, t), b2p = (float) Math.pow(beta2, t);
        float alpha = lr * (float) Math.sqrt(1f - b2p) / (1f - b1p);
        float[] m = s[0], v = s[1], vHat = amsgrad ? s[2] : null;
        for (int i = 0; i < w.length; i++) {
            float gi = g[i];
            m[i] += (gi - m[i]) * oneMinusBeta1;
            v[i] += (gi * gi - v[i]) * oneMinusBeta2;
            float vi = v[i];
            if (vHat != null) {
                vHat[i] = Math.max(vHat[i], v[i]);
                vi = vHat[i];
            }
            w[i] -= (m[i] * alpha) / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    protected void putConfig(ObjectNode c) {
        c.put("beta_1", beta1Config);
        c.put("beta_2", beta2Config);
        c.put("epsilon", epsilonConfig);
        c.put("amsgrad", amsgrad);
    }
}
