package cnnparity.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * keras.optimizers.RMSprop (keras/src/optimizers/rmsprop.py): lr 1e-3, rho 0.9, momentum 0,
 * epsilon 1e-7, centered False. update_step, all float32:
 * <pre>
 * v = rho * v + (1 - rho) * g^2
 * centered: a = rho * a + (1 - rho) * g;  denominator = v - a^2 + epsilon      else v + epsilon
 * increment = (lr * g) / sqrt(denominator)
 * momentum > 0: mom = momentum * mom + increment;  w -= mom                    else w -= increment
 * </pre>
 * Slots in Keras's order: velocity, momentum (if momentum > 0), average_gradient (if centered).
 */
public final class RMSprop extends Optimizer {
    final float rho, oneMinusRho, momentum, epsilon;
    final double rhoConfig, momentumConfig, epsilonConfig;
    final boolean centered;

    public RMSprop(LearningRateSchedule lr, double rho, double momentum, double epsilon, boolean centered) {
        super(lr);
        this.rhoConfig = rho;
        this.momentumConfig = momentum;
        this.epsilonConfig = epsilon;
        this.rho = (float) rho;
        this.oneMinusRho = (float) (1 - rho); // Python double, then float32
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
        this.centered = centered;
    }

    public String name() {
        return "RMSprop";
    }

    public List<String> slotNames() {
        List<String> n = new ArrayList<>(List.of("velocity"));
        if (momentumConfig > 0) n.add("momentum");
        if (centered) n.add("average_gradient");
        return n;
    }

    protected void update(float[] w, float[] g, float[][] s, float lr, long it) {
        float[] v = s[0];
        float[] mom = momentumConfig > 0 ? s[1] : null;
        float[] avg = centered ? s[momentumConfig > 0 ? 2 : 1] : null;
        for (int i = 0; i < w.length; i++) {
            float gi = g[i];
            v[i] = rho * v[i] + oneMinusRho * (gi * gi);
            float den;
            if (avg != null) {
                avg[i] = rho * avg[i] + oneMinusRho * gi;
                den = v[i] - avg[i] * avg[i] + epsilon;
            } else {
                den = v[i] + epsilon;
            }
            float inc = (lr * gi) / (float) Math.sqrt(den);
            if (mom != null) {
                mom[i] = momentum * mom[i] + inc;
                w[i] -= mom[i];
            } else {
                w[i] -= inc;
            }
        }
    }

    protected void putConfig(ObjectNode c) {
        c.put("rho", rhoConfig);
        c.put("momentum", momentumConfig);
        c.put("epsilon", epsilonConfig);
        c.put("centered", centered);
    }
}
