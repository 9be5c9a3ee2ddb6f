package cnnparity.train;

/**
 * keras.optimizers.Adam (keras/src/optimizers/adam.py): lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7.
 * <pre>
 * t = iterations + 1;  alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
 * w -= m * alpha / (sqrt(v) + epsilon)          (epsilon on the uncorrected sqrt(v))
 * </pre>
 */
public final class Adam extends Optimizer {
    final float beta1, beta2, epsilon, oneMinusBeta1, oneMinusBeta2;
    final boolean amsgrad;

    public Adam(LearningRateSchedule lr, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(lr);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        // Keras writes (1 - self.beta_1) in Python (double), then TensorFlow casts it to float32
        this.oneMinusBeta1 = (float) (1 - beta1);
        this.oneMinusBeta2 = (float) (1 - beta2);
        this.amsgrad = amsgrad;
    }

    public String name() {
        return "Adam";
    }

    protected int slotCount() {
        return amsgrad ? 3 : 2;
    }

    protected void update(float[] w, float[] g, float[][] s, float lr, long it) {
        float t = it + 1;
        float b1p = (float) Math.pow(beta1, t), b2p = (float) Math.pow(beta2, t);
        float alpha = lr * (float) Math.sqrt(1f - b2p) / (1f - b1p);
        float[] m = s[0], v = s[1];
        for (int i = 0; i < w.length; i++) {
            m[i] += (g[i] - m[i]) * oneMinusBeta1;
            v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2;
            float vi = v[i];
            if (amsgrad) {
                s[2][i] = Math.max(s[2][i], v[i]);
                vi = s[2][i];
            }
            w[i] -= (m[i] * alpha) / ((float) Math.sqrt(vi) + epsilon);
        }
    }
}
