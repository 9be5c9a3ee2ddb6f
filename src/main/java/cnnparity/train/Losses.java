package cnnparity.train;

import cnnparity.nn.Activations;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The Keras losses, as Keras 3 computes them on the TensorFlow backend.
 *
 * <ul>
 * <li>keras/src/losses/losses.py: label smoothing ({@code y*(1-ls) + ls/K} for categorical,
 *     {@code y*(1-ls) + 0.5*ls} for binary), binary cross-entropy and MSE are means over the last axis.
 * <li>keras/src/backend/tensorflow/nn.py: categorical_crossentropy normalizes {@code p / sum(p)}
 *     along the last axis, clips to [eps, 1-eps] and takes {@code -sum(y log p)};
 *     sparse_categorical_crossentropy clips p, takes its log and feeds that as logits to
 *     {@code sparse_softmax_cross_entropy_with_logits} (so the loss is {@code -log(pc_y / sum(pc))},
 *     no normalization before the clip); binary_crossentropy clips p and takes
 *     {@code -(y log p + (1-y) log(1-p))}. From logits: {@code softmax_cross_entropy_with_logits},
 *     {@code sparse_softmax_cross_entropy_with_logits}, {@code sigmoid_cross_entropy_with_logits}.
 * <li>keras/src/losses/loss.py: reduction {@code sum_over_batch_size} (default; also {@code mean},
 *     and tf.keras 2's {@code auto}) divides the sum by the number of per-sample losses; {@code sum}
 *     does not divide.
 * </ul>
 * epsilon is {@code keras.config.epsilon()} = 1e-7, which TensorFlow uses as float32 constants.
 */
public final class Losses {
    /** keras.config.epsilon() and 1 - epsilon as float32 (the clip bounds TensorFlow applies). */
    static final float EPS = 1e-7f;
    static final float ONE_MINUS_EPS = (float) (1.0 - 1e-7);

    public static final String SUM_OVER_BATCH_SIZE = "sum_over_batch_size";
    public static final String SUM = "sum";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Losses() {
    }

    /**
     * A loss by Keras function name or class name ({@code categorical_crossentropy},
     * {@code CategoricalCrossentropy}, {@code sparse_categorical_crossentropy},
     * {@code binary_crossentropy}, {@code mse}, {@code mean_squared_error}, {@code mae},
     * {@code mean_absolute_error}), with Keras's defaults (from_logits False).
     */
    public static Loss get(String name) {
        if (name == null) throw new IllegalArgumentException("no loss given");
        return switch (name.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "categoricalcrossentropy" -> new CategoricalCrossentropy(false);
            case "sparsecategoricalcrossentropy" -> new SparseCategoricalCrossentropy(false);
            case "binarycrossentropy" -> new BinaryCrossentropy(false);
            case "mse", "meansquarederror" -> new MeanSquaredError();
            case "mae", "meanabsoluteerror" -> new MeanAbsoluteError();
            default -> throw new IllegalArgumentException("unsupported loss '" + name
                    + "' (supported: categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, mean_absolute_error)");
        };
    }

    /**
     * A loss from Keras JSON: a name ({@code "categorical_crossentropy"}), a serialized loss object
     * {@code {"class_name": "CategoricalCrossentropy", "config": {"from_logits": .., "label_smoothing": ..,
     * "reduction": ..}}}, or a serialized loss function
     * {@code {"class_name": "function", "config": "categorical_crossentropy"}}.
     */
    public static Loss fromConfig(JsonNode c) {
        if (c == null || c.isNull() || c.isMissingNode()) throw new IllegalArgumentException("no loss given");
        if (c.isTextual()) return get(c.asText());
        if (!c.isObject()) throw new IllegalArgumentException("unsupported loss config " + c + " (one loss for one output is supported)");
        JsonNode cfg = c.path("config");
        String cls = c.path("class_name").asText("");
        if (cfg.isTextual()) return get(cfg.asText());
        boolean logits = cfg.path("from_logits").asBoolean(false);
        double ls = cfg.path("label_smoothing").asDouble(0);
        String reduction = reduction(cfg, cls);
        int axis = cfg.path("axis").asInt(-1);
        if (axis != -1) throw new IllegalArgumentException(cls + ": axis " + axis + " is not supported (only the last axis, -1)");
        return switch (cls.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "categoricalcrossentropy" -> new CategoricalCrossentropy(logits, ls, reduction);
            case "sparsecategoricalcrossentropy" -> {
                if (cfg.hasNonNull("ignore_class")) throw new IllegalArgumentException(cls + ": ignore_class is not supported");
                yield new SparseCategoricalCrossentropy(logits, reduction);
            }
            case "binarycrossentropy" -> new BinaryCrossentropy(logits, ls, reduction);
            case "meansquarederror", "mse" -> new MeanSquaredError(reduction);
            case "meanabsoluteerror", "mae" -> new MeanAbsoluteError(reduction);
            default -> get(cls.isEmpty() ? c.toString() : cls);
        };
    }

    private static String reduction(JsonNode cfg, String cls) {
        if (!cfg.has("reduction")) return SUM_OVER_BATCH_SIZE;
        JsonNode r = cfg.get("reduction");
        String s = r.isNull() ? "none" : r.asText();
        return switch (s) {
            case "sum_over_batch_size", "mean", "auto" -> SUM_OVER_BATCH_SIZE;
            case "sum" -> SUM;
            default -> throw new IllegalArgumentException(cls + ": reduction '" + s
                    + "' is not supported (sum_over_batch_size, mean, sum)");
        };
    }

    /** Softmax over the last axis (the engine's, keras/src/backend/tensorflow/nn.py softmax). */
    public static Tensor softmax(Tensor z) {
        Tensor p = z.zerosLike();
        Activations.SOFTMAX.forward(z.data, p.data, z.dim(-1));
        return p;
    }

    /** log_softmax of one row, in double. */
    static double[] logSoftmax(float[] z, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, z[off + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) sum += Math.exp(z[off + j] - max);
        double lse = max + Math.log(sum);
        double[] out = new double[k];
        for (int j = 0; j < k; j++) out[j] = z[off + j] - lse;
        return out;
    }

    /** tf.clip_by_value(v, epsilon, 1 - epsilon) in float32. */
    static float clip(float v) {
        return Math.min(Math.max(v, EPS), ONE_MINUS_EPS);
    }

    /** Where tf.clip_by_value passes the gradient: min <= v <= max (ClipByValue's gradient). */
    static boolean inside(float v) {
        return v >= EPS && v <= ONE_MINUS_EPS;
    }

    static void checkSameSize(Tensor p, Tensor y, String name) {
        if (p.size() != y.size() || p.rank() == 0) {
            throw new IllegalArgumentException(name + ": predictions " + Tensor.shapeString(p.shape) + " and targets "
                    + Tensor.shapeString(y.shape) + " differ in size");
        }
    }

    /** Shared reduction handling. */
    abstract static class Base implements Loss {
        final String reduction;

        Base(String reduction) {
            if (!reduction.equals(SUM_OVER_BATCH_SIZE) && !reduction.equals(SUM)) {
                throw new IllegalArgumentException("unsupported reduction " + reduction);
            }
            this.reduction = reduction;
        }

        /** The factor applied to the sum of {@code count} per-sample losses. */
        final double scale(int count) {
            return reduction.equals(SUM) ? 1.0 : 1.0 / count;
        }

        ObjectNode config(String className, String name) {
            ObjectNode o = JSON.objectNode();
            o.put("module", "keras.losses");
            o.put("class_name", className);
            ObjectNode c = o.putObject("config");
            c.put("name", name);
            c.put("reduction", reduction);
            o.putNull("registered_name");
            return o;
        }
    }

    /**
     * Label smoothing of one-hot targets over the last axis (keras/src/losses/losses.py
     * categorical_crossentropy): {@code y * (1 - ls) + ls / K} in float32.
     */
    static float[] smoothCategorical(Tensor y, int k, double ls) {
        if (ls == 0) return y.data;
        float keep = (float) (1.0 - ls), add = (float) ls / (float) k;
        float[] out = new float[y.size()];
        for (int i = 0; i < out.length; i++) out[i] = y.data[i] * keep + add;
        return out;
    }

    /** Binary label smoothing (keras/src/losses/losses.py binary_crossentropy): {@code y * (1 - ls) + 0.5 * ls}. */
    static float[] smoothBinary(Tensor y, double ls) {
        if (ls == 0) return y.data;
        float keep = (float) (1.0 - ls), add = (float) (0.5 * ls);
        float[] out = new float[y.size()];
        for (int i = 0; i < out.length; i++) out[i] = y.data[i] * keep + add;
        return out;
    }

    /** Categorical cross-entropy (one-hot or soft targets, same shape as the predictions). */
    public static final class CategoricalCrossentropy extends Base {
        final boolean fromLogits;
        final double labelSmoothing;

        public CategoricalCrossentropy(boolean fromLogits) {
            this(fromLogits, 0, SUM_OVER_BATCH_SIZE);
        }

        public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing, String reduction) {
            super(reduction);
            if (labelSmoothing < 0 || labelSmoothing > 1) throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
            this.fromLogits = fromLogits;
            this.labelSmoothing = labelSmoothing;
        }

        public String name() {
            return "categorical_crossentropy";
        }

        public double value(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            if (fromLogits) return valueFromLogits(p, y);
            int k = p.dim(-1), n = p.size() / k;
            float[] t = smoothCategorical(y, k, labelSmoothing);
            double total = 0;
            for (int r = 0; r < n; r++) {
                int o = r * k;
                float s = 0;
                for (int j = 0; j < k; j++) s += p.data[o + j];
                for (int j = 0; j < k; j++) total -= t[o + j] * Math.log(clip(p.data[o + j] / s));
            }
            return total * scale(n);
        }

        /**
         * q = p / S with S = sum(p); g_j = -y_j / q_j where q_j is not clipped (else 0);
         * dL/dp_i = (g_i - sum_j g_j q_j) / S, times the reduction factor.
         */
        public Tensor gradient(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            if (fromLogits) return logitsGradient(softmax(p), y);
            int k = p.dim(-1), n = p.size() / k;
            float[] t = smoothCategorical(y, k, labelSmoothing);
            double f = scale(n);
            Tensor d = p.zerosLike();
            double[] g = new double[k];
            for (int r = 0; r < n; r++) {
                int o = r * k;
                float s = 0;
                for (int j = 0; j < k; j++) s += p.data[o + j];
                double dot = 0;
                for (int j = 0; j < k; j++) {
                    float q = p.data[o + j] / s;
                    g[j] = inside(q) ? -t[o + j] / (double) q : 0;
                    dot += g[j] * q;
                }
                for (int j = 0; j < k; j++) d.data[o + j] = (float) ((g[j] - dot) / s * f);
            }
            return d;
        }

        public boolean fusesWithSoftmax() {
            return true;
        }

        /** {@code softmax_cross_entropy_with_logits}: {@code -sum(y * log_softmax(z))}, reduced. */
        public double valueFromLogits(Tensor z, Tensor y) {
            checkSameSize(z, y, name());
            int k = z.dim(-1), n = z.size() / k;
            float[] t = smoothCategorical(y, k, labelSmoothing);
            double total = 0;
            for (int r = 0; r < n; r++) {
                double[] ls = logSoftmax(z.data, r * k, k);
                for (int j = 0; j < k; j++) total -= t[r * k + j] * ls[j];
            }
            return total * scale(n);
        }

        /** d/dz of {@code -sum(y log softmax(z))} = {@code p * sum(y) - y}, reduced. */
        public Tensor logitsGradient(Tensor probs, Tensor y) {
            checkSameSize(probs, y, name());
            int k = probs.dim(-1), n = probs.size() / k;
            float[] t = smoothCategorical(y, k, labelSmoothing);
            double f = scale(n);
            Tensor d = probs.zerosLike();
            for (int r = 0; r < n; r++) {
                int o = r * k;
                double ysum = 0;
                for (int j = 0; j < k; j++) ysum += t[o + j];
                for (int j = 0; j < k; j++) d.data[o + j] = (float) ((probs.data[o + j] * ysum - t[o + j]) * f);
            }
            return d;
        }

        public ObjectNode toConfig() {
            ObjectNode o = config("CategoricalCrossentropy", name());
            ObjectNode c = (ObjectNode) o.get("config");
            c.put("from_logits", fromLogits);
            c.put("label_smoothing", labelSmoothing);
            c.put("axis", -1);
            return o;
        }
    }

    /**
     * Sparse categorical cross-entropy: class indices as floats, shape (N) or (N, 1) for (N, K)
     * predictions (Keras squeezes a trailing 1).
     */
    public static final class SparseCategoricalCrossentropy extends Base {
        final boolean fromLogits;

        public SparseCategoricalCrossentropy(boolean fromLogits) {
            this(fromLogits, SUM_OVER_BATCH_SIZE);
        }

        public SparseCategoricalCrossentropy(boolean fromLogits, String reduction) {
            super(reduction);
            this.fromLogits = fromLogits;
        }

        public String name() {
            return "sparse_categorical_crossentropy";
        }

        private static int label(Tensor y, int r, int k) {
            float v = y.data[r];
            int c = (int) v;
            if (c != v || c < 0 || c >= k) {
                throw new IllegalArgumentException("sparse_categorical_crossentropy: label " + v + " (sample " + r + ") is not a class index in [0, " + k + ")");
            }
            return c;
        }

        private static void check(Tensor p, Tensor y) {
            int k = p.dim(-1);
            if (y.size() != p.size() / k) {
                throw new IllegalArgumentException("sparse_categorical_crossentropy: " + y.size() + " labels " + Tensor.shapeString(y.shape)
                        + " for " + p.size() / k + " predictions " + Tensor.shapeString(p.shape));
            }
        }

        public double value(Tensor p, Tensor y) {
            if (fromLogits) return valueFromLogits(p, y);
            check(p, y);
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int r = 0; r < n; r++) {
                int c = label(y, r, k);
                // logits = log(clip(p)); -log_softmax(logits)[c] = -log(pc_c / sum(pc))
                double s = 0;
                for (int j = 0; j < k; j++) s += clip(p.data[r * k + j]);
                total -= Math.log(clip(p.data[r * k + c]) / s);
            }
            return total * scale(n);
        }

        /** dL/dp_j = [p_j not clipped] * (1/sum(pc) - [j == c] / pc_c), reduced. */
        public Tensor gradient(Tensor p, Tensor y) {
            if (fromLogits) return logitsGradient(softmax(p), y);
            check(p, y);
            int k = p.dim(-1), n = p.size() / k;
            double f = scale(n);
            Tensor d = p.zerosLike();
            for (int r = 0; r < n; r++) {
                int o = r * k, c = label(y, r, k);
                double s = 0;
                for (int j = 0; j < k; j++) s += clip(p.data[o + j]);
                for (int j = 0; j < k; j++) {
                    float v = p.data[o + j];
                    double g = 1 / s - (j == c ? 1.0 / clip(v) : 0);
                    d.data[o + j] = inside(v) ? (float) (g * f) : 0f;
                }
            }
            return d;
        }

        public boolean fusesWithSoftmax() {
            return true;
        }

        /** {@code sparse_softmax_cross_entropy_with_logits}: {@code -log_softmax(z)[label]}, reduced. */
        public double valueFromLogits(Tensor z, Tensor y) {
            check(z, y);
            int k = z.dim(-1), n = z.size() / k;
            double total = 0;
            for (int r = 0; r < n; r++) total -= logSoftmax(z.data, r * k, k)[label(y, r, k)];
            return total * scale(n);
        }

        /** {@code (p - onehot(label))}, reduced. */
        public Tensor logitsGradient(Tensor probs, Tensor y) {
            check(probs, y);
            int k = probs.dim(-1), n = probs.size() / k;
            double f = scale(n);
            Tensor d = probs.zerosLike();
            for (int r = 0; r < n; r++) {
                int o = r * k, c = label(y, r, k);
                for (int j = 0; j < k; j++) d.data[o + j] = (float) ((probs.data[o + j] - (j == c ? 1 : 0)) * f);
            }
            return d;
        }

        public ObjectNode toConfig() {
            ObjectNode o = config("SparseCategoricalCrossentropy", name());
            ObjectNode c = (ObjectNode) o.get("config");
            c.put("from_logits", fromLogits);
            c.putNull("ignore_class");
            return o;
        }
    }

    /** Binary cross-entropy: the mean over the last axis, then the reduction over the rest. */
    public static final class BinaryCrossentropy extends Base {
        final boolean fromLogits;
        final double labelSmoothing;

        public BinaryCrossentropy(boolean fromLogits) {
            this(fromLogits, 0, SUM_OVER_BATCH_SIZE);
        }

        public BinaryCrossentropy(boolean fromLogits, double labelSmoothing, String reduction) {
            super(reduction);
            if (labelSmoothing < 0 || labelSmoothing > 1) throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
            this.fromLogits = fromLogits;
            this.labelSmoothing = labelSmoothing;
        }

        public String name() {
            return "binary_crossentropy";
        }

        public double value(Tensor p, Tensor y) {
            if (fromLogits) return valueFromLogits(p, y);
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            float[] t = smoothBinary(y, labelSmoothing);
            double total = 0;
            for (int i = 0; i < p.size(); i++) {
                float c = clip(p.data[i]);
                total -= t[i] * Math.log(c) + (1 - t[i]) * Math.log(1f - c);
            }
            return total / k * scale(n);
        }

        public Tensor gradient(Tensor p, Tensor y) {
            if (fromLogits) return logitsGradient(sigmoid(p), y);
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            float[] t = smoothBinary(y, labelSmoothing);
            double f = scale(n) / k;
            Tensor d = p.zerosLike();
            for (int i = 0; i < p.size(); i++) {
                float v = p.data[i];
                double g = inside(v) ? -t[i] / (double) v + (1 - t[i]) / (double) (1f - v) : 0;
                d.data[i] = (float) (g * f);
            }
            return d;
        }

        public boolean fusesWithSigmoid() {
            return true;
        }

        /** {@code sigmoid_cross_entropy_with_logits}: {@code max(z, 0) - z y + log(1 + exp(-|z|))}. */
        public double valueFromLogits(Tensor z, Tensor y) {
            checkSameSize(z, y, name());
            int k = z.dim(-1), n = z.size() / k;
            float[] t = smoothBinary(y, labelSmoothing);
            double total = 0;
            for (int i = 0; i < z.size(); i++) {
                double v = z.data[i];
                total += Math.max(v, 0) - v * t[i] + Math.log1p(Math.exp(-Math.abs(v)));
            }
            return total / k * scale(n);
        }

        /** {@code (sigmoid(z) - y) / K}, reduced; {@code probs} = sigmoid(z). */
        public Tensor logitsGradient(Tensor probs, Tensor y) {
            checkSameSize(probs, y, name());
            int k = probs.dim(-1), n = probs.size() / k;
            float[] t = smoothBinary(y, labelSmoothing);
            double f = scale(n) / k;
            Tensor d = probs.zerosLike();
            for (int i = 0; i < probs.size(); i++) d.data[i] = (float) (((double) probs.data[i] - t[i]) * f);
            return d;
        }

        public ObjectNode toConfig() {
            ObjectNode o = config("BinaryCrossentropy", name());
            ObjectNode c = (ObjectNode) o.get("config");
            c.put("from_logits", fromLogits);
            c.put("label_smoothing", labelSmoothing);
            c.put("axis", -1);
            return o;
        }
    }

    static Tensor sigmoid(Tensor z) {
        Tensor p = z.zerosLike();
        for (int i = 0; i < z.size(); i++) p.data[i] = (float) Activations.sigmoid(z.data[i]);
        return p;
    }

    /** Mean squared error: {@code mean((y - p)^2)} over the last axis, then the reduction. */
    public static final class MeanSquaredError extends Base {
        public MeanSquaredError() {
            this(SUM_OVER_BATCH_SIZE);
        }

        public MeanSquaredError(String reduction) {
            super(reduction);
        }

        public String name() {
            return "mean_squared_error";
        }

        public double value(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int i = 0; i < p.size(); i++) {
                double d = p.data[i] - (double) y.data[i];
                total += d * d;
            }
            return total / k * scale(n);
        }

        public Tensor gradient(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double f = scale(n) / k;
            Tensor d = p.zerosLike();
            for (int i = 0; i < p.size(); i++) d.data[i] = (float) (2.0 * (p.data[i] - (double) y.data[i]) * f);
            return d;
        }

        public ObjectNode toConfig() {
            return config("MeanSquaredError", name());
        }
    }

    /** Mean absolute error: {@code mean(|y - p|)} over the last axis; gradient sign(p - y) (0 at equality, as TF's Abs). */
    public static final class MeanAbsoluteError extends Base {
        public MeanAbsoluteError() {
            this(SUM_OVER_BATCH_SIZE);
        }

        public MeanAbsoluteError(String reduction) {
            super(reduction);
        }

        public String name() {
            return "mean_absolute_error";
        }

        public double value(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int i = 0; i < p.size(); i++) total += Math.abs(p.data[i] - (double) y.data[i]);
            return total / k * scale(n);
        }

        public Tensor gradient(Tensor p, Tensor y) {
            checkSameSize(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double f = scale(n) / k;
            Tensor d = p.zerosLike();
            for (int i = 0; i < p.size(); i++) d.data[i] = (float) (Math.signum(p.data[i] - (double) y.data[i]) * f);
            return d;
        }

        public ObjectNode toConfig() {
            return config("MeanAbsoluteError", name());
        }
    }
}
