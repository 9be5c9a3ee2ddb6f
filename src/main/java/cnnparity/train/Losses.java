package cnnparity.train;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The Keras losses, as the TensorFlow backend computes them (keras/src/backend/tensorflow/nn.py).
 * Values are accumulated in double; gradients are what TensorFlow's autodiff gives for the same
 * expression, including zero gradient where {@code clip_by_value} clipped.
 */
public final class Losses {
    /** keras.config.epsilon() and 1 - epsilon as TensorFlow sees them: float32 constants. */
    static final float EPS = 1e-7f;
    static final float ONE_MINUS_EPS = (float) (1.0 - 1e-7);

    private Losses() {
    }

    /** A loss by Keras name or class name, or a serialized {@code {"class_name", "config"}}. */
    public static Loss get(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace("_", "")) {
            case "categoricalcrossentropy" -> new CategoricalCrossentropy(false);
            case "sparsecategoricalcrossentropy" -> new SparseCategoricalCrossentropy(false);
            case "binarycrossentropy" -> new BinaryCrossentropy(false);
            case "mse", "meansquarederror" -> new MeanSquaredError();
            default -> throw new IllegalArgumentException("unsupported loss '" + name
                    + "' (supported: categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error)");
        };
    }

    public static Loss fromConfig(JsonNode c) {
        if (c == null || c.isNull()) throw new IllegalArgumentException("no loss given");
        if (c.isTextual()) return get(c.asText());
        String cls = c.path("class_name").asText("");
        boolean logits = c.path("config").path("from_logits").asBoolean(false);
        return switch (cls) {
            case "CategoricalCrossentropy" -> new CategoricalCrossentropy(logits);
            case "SparseCategoricalCrossentropy" -> new SparseCategoricalCrossentropy(logits);
            case "BinaryCrossentropy" -> new BinaryCrossentropy(logits);
            case "MeanSquaredError" -> new MeanSquaredError();
            default -> get(cls.isEmpty() ? c.toString() : cls);
        };
    }

    static void checkShapes(Tensor p, Tensor y, String name) {
        if (p.size() != y.size()) {
            throw new IllegalArgumentException(name + ": predictions " + Tensor.shapeString(p.shape) + " and targets "
                    + Tensor.shapeString(y.shape) + " differ in size");
        }
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

    /**
     * Categorical cross-entropy. From probabilities: {@code p / sum(p)}, clipped to [eps, 1-eps],
     * {@code -sum(y log p)}. From logits: {@code softmax_cross_entropy_with_logits}.
     */
    public static final class CategoricalCrossentropy implements Loss {
        final boolean fromLogits;

        public CategoricalCrossentropy(boolean fromLogits) {
            this.fromLogits = fromLogits;
        }

        public String name() {
            return "categorical_crossentropy";
        }

        public double value(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            if (fromLogits) return valueFromLogits(p, y);
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int r = 0; r < n; r++) {
                float s = 0;
                for (int j = 0; j < k; j++) s += p.data[r * k + j];
                for (int j = 0; j < k; j++) {
                    float q = clip(p.data[r * k + j] / s);
                    total -= y.data[r * k + j] * Math.log(q);
                }
            }
            return total / n;
        }

        // q = p/S; g_i = -y_i/q_i where not clipped; dL/dp_j = (g_j - sum_i g_i q_i) / S, then / N
        public Tensor gradient(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            if (fromLogits) return logitsGradient(softmax(p), y);
            int k = p.dim(-1), n = p.size() / k;
            Tensor d = p.zerosLike();
            double[] g = new double[k];
            for (int r = 0; r < n; r++) {
                float s = 0;
                for (int j = 0; j < k; j++) s += p.data[r * k + j];
                double dot = 0;
                for (int j = 0; j < k; j++) {
                    float q = p.data[r * k + j] / s;
                    g[j] = (q >= EPS && q <= ONE_MINUS_EPS) ? -y.data[r * k + j] / (double) q : 0;
                    dot += g[j] * q;
                }
                for (int j = 0; j < k; j++) d.data[r * k + j] = (float) ((g[j] - dot) / s / n);
            }
            return d;
        }

        public boolean fusesWithSoftmax() {
            return !fromLogits;
        }

        public double valueFromLogits(Tensor z, Tensor y) {
            int k = z.dim(-1), n = z.size() / k;
            double total = 0;
            for (int r = 0; r < n; r++) {
                double[] ls = logSoftmax(z.data, r * k, k);
                for (int j = 0; j < k; j++) total -= y.data[r * k + j] * ls[j];
            }
            return total / n;
        }

        public Tensor logitsGradient(Tensor probs, Tensor y) {
            int k = probs.dim(-1), n = probs.size() / k;
            Tensor d = probs.zerosLike();
            for (int r = 0; r < n; r++) {
                double ysum = 0;
                for (int j = 0; j < k; j++) ysum += y.data[r * k + j];
                // d/dz of -sum y log softmax(z) = p * sum(y) - y
                for (int j = 0; j < k; j++) d.data[r * k + j] = (float) ((probs.data[r * k + j] * ysum - y.data[r * k + j]) / n);
            }
            return d;
        }
    }

    /**
     * Sparse categorical cross-entropy: integer labels (N) or (N, 1). From probabilities Keras clips
     * p to [eps, 1-eps], takes its log and feeds that as logits to
     * {@code sparse_softmax_cross_entropy_with_logits}: the loss is {@code -log(pc_y / sum(pc))}.
     */
    public static final class SparseCategoricalCrossentropy implements Loss {
        final boolean fromLogits;

        public SparseCategoricalCrossentropy(boolean fromLogits) {
            this.fromLogits = fromLogits;
        }

        public String name() {
            return "sparse_categorical_crossentropy";
        }

        private static int label(Tensor y, int r, int k) {
            float v = y.data[r];
            int c = (int) v;
            if (c != v || c < 0 || c >= k) throw new IllegalArgumentException("sparse_categorical_crossentropy: label " + v + " is not a class in [0, " + k + ")");
            return c;
        }

        private static void check(Tensor p, Tensor y) {
            int k = p.dim(-1);
            if (y.size() != p.size() / k) throw new IllegalArgumentException("sparse_categorical_crossentropy: " + y.size() + " labels for " + p.size() / k + " predictions");
        }

        public double value(Tensor p, Tensor y) {
            check(p, y);
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int r = 0; r < n; r++) {
                int c = label(y, r, k);
                if (fromLogits) {
                    total -= logSoftmax(p.data, r * k, k)[c];
                } else {
                    double s = 0;
                    for (int j = 0; j < k; j++) s += clip(p.data[r * k + j]);
                    total -= Math.log(clip(p.data[r * k + c]) / s);
                }
            }
            return total / n;
        }

        public Tensor gradient(Tensor p, Tensor y) {
            check(p, y);
            int k = p.dim(-1), n = p.size() / k;
            Tensor d = p.zerosLike();
            for (int r = 0; r < n; r++) {
                int c = label(y, r, k);
                if (fromLogits) {
                    double[] ls = logSoftmax(p.data, r * k, k);
                    for (int j = 0; j < k; j++) d.data[r * k + j] = (float) ((Math.exp(ls[j]) - (j == c ? 1 : 0)) / n);
                } else {
                    // L = -log(pc_c) + log(sum pc);  dL/dp_j = mask_j * (1/sum - [j==c]/pc_c)
                    double s = 0;
                    for (int j = 0; j < k; j++) s += clip(p.data[r * k + j]);
                    for (int j = 0; j < k; j++) {
                        double v = p.data[r * k + j];
                        boolean inside = v >= EPS && v <= ONE_MINUS_EPS;
                        double g = 1 / s - (j == c ? 1 / clip(v) : 0);
                        d.data[r * k + j] = inside ? (float) (g / n) : 0f;
                    }
                }
            }
            return d;
        }

        public boolean fusesWithSoftmax() {
            return !fromLogits;
        }

        public double valueFromLogits(Tensor z, Tensor y) {
            return new SparseCategoricalCrossentropy(true).value(z, y);
        }

        public Tensor logitsGradient(Tensor probs, Tensor y) {
            check(probs, y);
            int k = probs.dim(-1), n = probs.size() / k;
            Tensor d = probs.zerosLike();
            for (int r = 0; r < n; r++) {
                int c = label(y, r, k);
                for (int j = 0; j < k; j++) d.data[r * k + j] = (float) ((probs.data[r * k + j] - (j == c ? 1 : 0)) / n);
            }
            return d;
        }
    }

    /** tf.clip_by_value(v, epsilon, 1 - epsilon) in float32. */
    static float clip(double v) {
        return Math.min(Math.max((float) v, EPS), ONE_MINUS_EPS);
    }

    /**
     * Binary cross-entropy, the mean over the last axis then over the batch. From probabilities:
     * clip to [eps, 1-eps], {@code -(y log p + (1-y) log(1-p))}; from logits:
     * {@code sigmoid_cross_entropy_with_logits}.
     */
    public static final class BinaryCrossentropy implements Loss {
        final boolean fromLogits;

        public BinaryCrossentropy(boolean fromLogits) {
            this.fromLogits = fromLogits;
        }

        public String name() {
            return "binary_crossentropy";
        }

        public double value(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int i = 0; i < p.size(); i++) {
                double v = p.data[i], t = y.data[i];
                if (fromLogits) total += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
                else total -= t * Math.log(clip(v)) + (1 - t) * Math.log(1f - clip(v));
            }
            return total / k / n;
        }

        public Tensor gradient(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            Tensor d = p.zerosLike();
            for (int i = 0; i < p.size(); i++) {
                double v = p.data[i], t = y.data[i];
                double g;
                if (fromLogits) {
                    g = org_sigmoid(v) - t;
                } else {
                    boolean inside = v >= EPS && v <= ONE_MINUS_EPS;
                    g = inside ? -t / v + (1 - t) / (1f - (float) v) : 0;
                }
                d.data[i] = (float) (g / k / n);
            }
            return d;
        }

        private static double org_sigmoid(double v) {
            return cnnparity.nn.Activations.sigmoid(v);
        }
    }

    /** Mean squared error: mean over the last axis, then over the batch. */
    public static final class MeanSquaredError implements Loss {
        public String name() {
            return "mean_squared_error";
        }

        public double value(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            double total = 0;
            for (int i = 0; i < p.size(); i++) {
                double d = p.data[i] - y.data[i];
                total += d * d;
            }
            return total / k / n;
        }

        public Tensor gradient(Tensor p, Tensor y) {
            checkShapes(p, y, name());
            int k = p.dim(-1), n = p.size() / k;
            Tensor d = p.zerosLike();
            for (int i = 0; i < p.size(); i++) d.data[i] = (float) (2.0 * (p.data[i] - y.data[i]) / k / n);
            return d;
        }
    }

    static Tensor softmax(Tensor z) {
        Tensor p = z.zerosLike();
        cnnparity.nn.Activations.SOFTMAX.forward(z.data, p.data, z.dim(-1));
        return p;
    }
}
