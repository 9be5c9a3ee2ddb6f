package cnnparity.train;

import cnnparity.nn.Param;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 3's optimizer step (keras/src/optimizers/base_optimizer.py {@code apply}): the learning
 * rate is the schedule at {@code iterations}, then each trainable variable gets
 * {@link #update}, then {@code iterations += 1}. All arithmetic is float32, in Keras's order.
 */
public abstract class Optimizer {
    protected final LearningRateSchedule lr;
    protected long iterations;
    private final Map<Param, float[][]> slots = new IdentityHashMap<>();
    private final List<Param> order = new ArrayList<>();

    protected Optimizer(LearningRateSchedule lr) {
        this.lr = lr;
    }

    /** The Keras class name (SGD, Adam, RMSprop). */
    public abstract String name();

    /** Number of per-variable state arrays (momentums, velocities...). */
    protected abstract int slotCount();

    /** One variable's update: w, g and the slots are flat arrays of the same length. */
    protected abstract void update(float[] w, float[] g, float[][] slots, float lr, long iterations);

    public long iterations() {
        return iterations;
    }

    public float currentLearningRate() {
        return lr.at(iterations);
    }

    /** Applies each trainable param's {@code grad} to its value. */
    public void step(List<Param> params) {
        float rate = lr.at(iterations);
        for (Param p : params) {
            if (!p.trainable) continue;
            float[][] s = slots.computeIfAbsent(p, k -> {
                order.add(k);
                float[][] a = new float[slotCount()][];
                for (int i = 0; i < a.length; i++) a[i] = new float[k.value.size()];
                return a;
            });
            update(p.value.data, p.grad.data, s, rate, iterations);
        }
        iterations++;
    }

    /** Optimizer state for a checkpoint: "<index>/<slot>" -> values, in the order params were first stepped. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            float[][] s = slots.get(order.get(i));
            for (int k = 0; k < s.length; k++) out.put(i + "/" + k, s[k].clone());
        }
        return out;
    }

    /** Restores {@link #state()} for these params (same order as when saved) and the iteration count. */
    public void loadState(List<Param> params, Map<String, float[]> state, long iterations) {
        slots.clear();
        order.clear();
        int i = 0;
        for (Param p : params) {
            if (!p.trainable) continue;
            float[][] a = new float[slotCount()][];
            for (int k = 0; k < a.length; k++) {
                float[] v = state.get(i + "/" + k);
                if (v == null || v.length != p.value.size()) throw new IllegalArgumentException("optimizer state does not match the model (variable " + i + ")");
                a[k] = v.clone();
            }
            slots.put(p, a);
            order.add(p);
            i++;
        }
        this.iterations = iterations;
    }
}
