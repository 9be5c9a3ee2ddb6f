package cnnparity.train;

import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keras 3's optimizer step (keras/src/optimizers/base_optimizer.py {@code apply} and
 * {@code _backend_apply_gradients}), in this order:
 * <ol>
 * <li>the learning rate is the schedule evaluated at {@code iterations} (before the increment);
 * <li>{@code _clip_gradients}: clipnorm (per variable, {@code g * c / max(||g||, c)}, as
 *     {@code tf.clip_by_norm}), else global_clipnorm ({@code clip_by_global_norm}), else clipvalue;
 * <li>{@code _apply_weight_decay}: {@code w -= w * weight_decay * lr} for every variable not excluded;
 * <li>{@code update_step} of each trainable variable, in the order given;
 * <li>{@code iterations += 1}.
 * </ol>
 * All arithmetic is float32, in Keras's operation order, so the rounding matches TensorFlow's
 * closely (reductions such as norms are accumulated in double and rounded once).
 *
 * <p>Per-variable state ("slots": momentums, velocities...) is created, zeroed, the first time a
 * param is stepped, as Keras builds its optimizer variables on the first {@code apply}.
 */
public abstract class Optimizer {
    protected final LearningRateSchedule lr;
    protected long iterations;
    private final Map<Param, float[][]> slots = new IdentityHashMap<>();
    private final List<Param> order = new ArrayList<>();

    private Double weightDecay;
    private Double clipnorm;
    private Double clipvalue;
    private Double globalClipnorm;
    private Pattern excludeFromWeightDecay;

    protected Optimizer(LearningRateSchedule lr) {
        if (lr == null) throw new IllegalArgumentException("no learning rate given");
        this.lr = lr;
    }

    /** The Keras class name (SGD, Adam, AdamW, RMSprop). */
    public abstract String name();

    /**
     * The names of the per-variable state arrays, in Keras's order of optimizer variables
     * (Adam: momentum, velocity[, velocity_hat]; SGD: [momentum]; RMSprop: velocity[, momentum][, average_gradient]).
     */
    public abstract List<String> slotNames();

    /** One variable's update_step: w, g and the slots are flat arrays of the same length. */
    protected abstract void update(float[] w, float[] g, float[][] slots, float lr, long iterations);

    /** The hyperparameters of this optimizer's Keras config (beta_1, momentum...). */
    protected abstract void putConfig(ObjectNode config);

    protected int slotCount() {
        return slotNames().size();
    }

    // ---- base_optimizer options -------------------------------------------------------------

    /** Keras {@code weight_decay}: before each update {@code w -= w * weight_decay * lr}. */
    public Optimizer setWeightDecay(Double weightDecay) {
        if (weightDecay != null && !(weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /** Keras {@code exclude_from_weight_decay(var_names=...)}: params whose name matches one of these (regex search) keep their value. */
    public Optimizer excludeFromWeightDecay(List<String> varNames) {
        this.excludeFromWeightDecay = varNames == null || varNames.isEmpty() ? null : Pattern.compile(String.join("|", varNames));
        return this;
    }

    /** Keras {@code clipnorm}: each gradient is scaled to an L2 norm of at most this. */
    public Optimizer setClipnorm(Double v) {
        clipnorm = v;
        checkClipping();
        return this;
    }

    /** Keras {@code clipvalue}: each gradient element is clipped to [-v, v]. */
    public Optimizer setClipvalue(Double v) {
        clipvalue = v;
        checkClipping();
        return this;
    }

    /** Keras {@code global_clipnorm}: all gradients are scaled together to a global L2 norm of at most this. */
    public Optimizer setGlobalClipnorm(Double v) {
        globalClipnorm = v;
        checkClipping();
        return this;
    }

    private void checkClipping() {
        int set = (clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0) + (globalClipnorm != null ? 1 : 0);
        if (set > 1) {
            throw new IllegalArgumentException("Only one of clipnorm, clipvalue and global_clipnorm can be set (clipnorm="
                    + clipnorm + ", clipvalue=" + clipvalue + ", global_clipnorm=" + globalClipnorm + ")");
        }
    }

    public Double weightDecay() {
        return weightDecay;
    }

    public Double clipnorm() {
        return clipnorm;
    }

    public Double clipvalue() {
        return clipvalue;
    }

    public Double globalClipnorm() {
        return globalClipnorm;
    }

    // ---- the step -----------------------------------------------------------------------------

    public long iterations() {
        return iterations;
    }

    public LearningRateSchedule learningRateSchedule() {
        return lr;
    }

    /** The learning rate the next {@link #step} will use: the schedule at {@code iterations}. */
    public float currentLearningRate() {
        return lr.at(iterations);
    }

    /**
     * Applies each trainable param's {@code grad} to its {@code value} (Keras
     * {@code optimizer.apply(grads, trainable_variables)}); non-trainable params are skipped. The
     * grads are read, not modified.
     */
    public void step(List<Param> params) {
        List<Param> vars = new ArrayList<>(params.size());
        for (Param p : params) if (p.trainable) vars.add(p);
        float rate = lr.at(iterations);
        float[][] grads = clipGradients(vars);
        if (weightDecay != null) applyWeightDecay(vars, rate);
        for (int i = 0; i < vars.size(); i++) {
            Param p = vars.get(i);
            update(p.value.data, grads[i], slotsOf(p), rate, iterations);
        }
        iterations++;
    }

    private float[][] slotsOf(Param p) {
        return slots.computeIfAbsent(p, k -> {
            order.add(k);
            float[][] a = new float[slotCount()][];
            for (int i = 0; i < a.length; i++) a[i] = new float[k.value.size()];
            return a;
        });
    }

    /** base_optimizer._clip_gradients; returns the params' own grad arrays when nothing clips. */
    private float[][] clipGradients(List<Param> vars) {
        float[][] g = new float[vars.size()][];
        for (int i = 0; i < g.length; i++) {
            Param p = vars.get(i);
            if (p.grad == null) throw new IllegalArgumentException("param " + p.name + " is trainable but has no gradient");
            g[i] = p.grad.data;
        }
        if (clipnorm != null && clipnorm > 0) {
            for (int i = 0; i < g.length; i++) g[i] = clipByNorm(g[i], clipnorm);
        } else if (globalClipnorm != null && globalClipnorm > 0) {
            clipByGlobalNorm(g, globalClipnorm);
        } else if (clipvalue != null && clipvalue > 0) {
            float hi = (float) (double) clipvalue, lo = -hi;
            for (int i = 0; i < g.length; i++) {
                float[] c = g[i].clone();
                for (int j = 0; j < c.length; j++) c[j] = Math.min(Math.max(c[j], lo), hi);
                g[i] = c;
            }
        }
        return g;
    }

    /**
     * tf.clip_by_norm (keras/src/backend/tensorflow/optimizer.py {@code _clip_by_norm}):
     * {@code l2norm = sqrt(sum(t^2))} (0 when the sum is 0), {@code t * c / max(l2norm, c)}.
     */
    static float[] clipByNorm(float[] t, double clip) {
        float c = (float) clip;
        double sum = 0;
        for (float v : t) sum += (double) v * v;
        float l2sum = (float) sum;
        float l2norm = l2sum > 0 ? (float) Math.sqrt(l2sum) : l2sum;
        float den = Math.max(l2norm, c);
        float[] out = new float[t.length];
        for (int j = 0; j < t.length; j++) out[j] = (t[j] * c) / den;
        return out;
    }

    /**
     * base_optimizer.clip_by_global_norm: {@code use_norm = sqrt(sum of all squares)},
     * {@code scale = c * min(1/use_norm, 1/c) + (use_norm - use_norm)} (NaN for a non-finite norm),
     * every gradient times scale. Replaces the arrays of {@code g} with scaled copies.
     */
    static void clipByGlobalNorm(float[][] g, double clip) {
        double sum = 0;
        for (float[] t : g) {
            double s = 0;
            for (float v : t) s += (double) v * v;
            sum += (float) s;
        }
        float useNorm = (float) Math.sqrt((float) sum);
        float scaleForFinite = (float) clip * Math.min(1f / useNorm, (float) (1.0 / clip));
        float scale = scaleForFinite + (useNorm - useNorm);
        for (int i = 0; i < g.length; i++) {
            float[] c = new float[g[i].length];
            for (int j = 0; j < c.length; j++) c[j] = g[i][j] * scale;
            g[i] = c;
        }
    }

    /** base_optimizer._apply_weight_decay: {@code w = w - w * wd * lr} in float32. */
    private void applyWeightDecay(List<Param> vars, float rate) {
        float wd = (float) (double) weightDecay;
        for (Param p : vars) {
            if (excludeFromWeightDecay != null && excludeFromWeightDecay.matcher(p.name).find()) continue;
            float[] w = p.value.data;
            for (int j = 0; j < w.length; j++) w[j] = w[j] - w[j] * wd * rate;
        }
    }

    // ---- state for checkpoints ----------------------------------------------------------------

    /**
     * Optimizer state for a checkpoint: {@code "<param index>/<slot index>"} -> values, params in
     * the order they were first stepped (the order of {@code model.trainableParams()}), slots in
     * {@link #slotNames()} order. Together with {@link #iterations()} this is the whole state.
     */
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
        if (iterations < 0) throw new IllegalArgumentException("negative iteration count " + iterations);
        Map<Param, float[][]> loaded = new IdentityHashMap<>();
        List<Param> loadedOrder = new ArrayList<>();
        int i = 0;
        for (Param p : params) {
            if (!p.trainable) continue;
            float[][] a = new float[slotCount()][];
            for (int k = 0; k < a.length; k++) {
                float[] v = state.get(i + "/" + k);
                if (v == null || v.length != p.value.size()) {
                    throw new IllegalArgumentException("optimizer state does not match the model: " + name() + " " + slotNames().get(k)
                            + " of variable " + i + " (" + p.name + ", " + p.value.size() + " values) is "
                            + (v == null ? "missing" : v.length + " values"));
                }
                a[k] = v.clone();
            }
            loaded.put(p, a);
            loadedOrder.add(p);
            i++;
        }
        if (state.size() != i * slotCount()) {
            throw new IllegalArgumentException("optimizer state does not match the model: " + state.size() + " arrays for "
                    + i + " variables x " + slotCount() + " slots of " + name());
        }
        slots.clear();
        order.clear();
        slots.putAll(loaded);
        order.addAll(loadedOrder);
        this.iterations = iterations;
    }

    /** Slot {@code k} (see {@link #slotNames()}) of a param, or null before the param's first step. */
    public float[] slot(Param p, int k) {
        float[][] s = slots.get(p);
        return s == null ? null : s[k];
    }

    // ---- Keras config -------------------------------------------------------------------------

    /** The Keras 3 serialized optimizer ({@code keras.optimizers.serialize}), as compile_config holds it. */
    public ObjectNode toConfig() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("module", "keras.optimizers");
        o.put("class_name", name());
        ObjectNode c = o.putObject("config");
        c.put("name", name().equals("SGD") ? "SGD" : name().toLowerCase(java.util.Locale.ROOT));
        c.set("learning_rate", lr.toConfig());
        putNullable(c, "weight_decay", weightDecay);
        putNullable(c, "clipnorm", clipnorm);
        putNullable(c, "global_clipnorm", globalClipnorm);
        putNullable(c, "clipvalue", clipvalue);
        c.put("use_ema", false);
        c.put("ema_momentum", 0.99);
        c.putNull("ema_overwrite_frequency");
        c.putNull("loss_scale_factor");
        c.putNull("gradient_accumulation_steps");
        putConfig(c);
        o.putNull("registered_name");
        return o;
    }

    private static void putNullable(ObjectNode c, String key, Double v) {
        if (v == null) c.putNull(key);
        else c.put(key, v);
    }

    @Override
    public String toString() {
        return toConfig().toString();
    }
}
