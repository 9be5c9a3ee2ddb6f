package cnnparity.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Keras activation functions, forward and backward (keras/src/activations/activations.py).
 *
 * <p>Element-wise functions are evaluated in double and rounded to float, which is within an ulp of
 * TensorFlow's float32 kernels. {@code softmax} works over the last axis ({@code lastDim} values).
 */
public final class Activations {
    /** One activation: {@code y = f(z)} and {@code dz = dy * f'(z)}. */
    public interface Fn {
        String name();

        void forward(float[] z, float[] y, int lastDim);

        /** z: pre-activation, y: f(z) from forward, dy: d(loss)/dy; writes d(loss)/dz into dz. */
        void backward(float[] z, float[] y, float[] dy, float[] dz, int lastDim);

        default boolean isLinear() {
            return false;
        }

        default boolean isSoftmax() {
            return false;
        }
    }

    private Activations() {
    }

    /** Element-wise activation given by f(z) and f'(z) (which may use y = f(z)). */
    private abstract static class Pointwise implements Fn {
        private final String name;

        Pointwise(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        abstract double f(double z);

        abstract double df(double z, double y);

        public void forward(float[] z, float[] y, int lastDim) {
            for (int i = 0; i < z.length; i++) y[i] = (float) f(z[i]);
        }

        public void backward(float[] z, float[] y, float[] dy, float[] dz, int lastDim) {
            for (int i = 0; i < z.length; i++) dz[i] = (float) (dy[i] * df(z[i], y[i]));
        }
    }

    public static final Fn LINEAR = new Fn() {
        public String name() {
            return "linear";
        }

        public void forward(float[] z, float[] y, int lastDim) {
            if (y != z) System.arraycopy(z, 0, y, 0, z.length);
        }

        public void backward(float[] z, float[] y, float[] dy, float[] dz, int lastDim) {
            if (dz != dy) System.arraycopy(dy, 0, dz, 0, dy.length);
        }

        public boolean isLinear() {
            return true;
        }
    };

    /** Softmax over the last axis as exp(z - max) / sum (keras/src/backend/tensorflow/nn.py softmax). */
    public static final Fn SOFTMAX = new Fn() {
        public String name() {
            return "softmax";
        }

        public void forward(float[] z, float[] y, int k) {
            for (int r = 0; r < z.length; r += k) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) max = Math.max(max, z[r + j]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.exp((double) z[r + j] - max);
                for (int j = 0; j < k; j++) y[r + j] = (float) (Math.exp((double) z[r + j] - max) / sum);
            }
        }

        // dz_i = y_i * (dy_i - sum_j dy_j y_j)
        public void backward(float[] z, float[] y, float[] dy, float[] dz, int k) {
            for (int r = 0; r < z.length; r += k) {
                double dot = 0;
                for (int j = 0; j < k; j++) dot += (double) dy[r + j] * y[r + j];
                for (int j = 0; j < k; j++) dz[r + j] = (float) (y[r + j] * (dy[r + j] - dot));
            }
        }

        public boolean isSoftmax() {
            return true;
        }
    };

    public static final Fn RELU = new Pointwise("relu") {
        double f(double z) {
            return z > 0 ? z : 0;
        }

        double df(double z, double y) {
            return z > 0 ? 1 : 0;
        }
    };

    public static final Fn RELU6 = new Pointwise("relu6") {
        double f(double z) {
            return Math.min(Math.max(z, 0), 6);
        }

        double df(double z, double y) {
            return z > 0 && z < 6 ? 1 : 0;
        }
    };

    public static final Fn SIGMOID = new Pointwise("sigmoid") {
        double f(double z) {
            return sigmoid(z);
        }

        double df(double z, double y) {
            double s = sigmoid(z);
            return s * (1 - s);
        }
    };

    public static final Fn TANH = new Pointwise("tanh") {
        double f(double z) {
            return Math.tanh(z);
        }

        double df(double z, double y) {
            double t = Math.tanh(z);
            return 1 - t * t;
        }
    };

    /** elu with alpha 1 (keras.activations.elu default). */
    public static final Fn ELU = elu(1.0);

    /** selu constants from keras/src/activations/activations.py. */
    public static final Fn SELU = new Pointwise("selu") {
        static final double ALPHA = 1.67326324235437728481;
        static final double SCALE = 1.05070098735548049342;

        double f(double z) {
            return z > 0 ? SCALE * z : SCALE * ALPHA * Math.expm1(z);
        }

        double df(double z, double y) {
            return z > 0 ? SCALE : SCALE * ALPHA * Math.exp(z);
        }
    };

    /** softplus = log(1 + exp(z)), computed stably. */
    public static final Fn SOFTPLUS = new Pointwise("softplus") {
        double f(double z) {
            return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        }

        double df(double z, double y) {
            return sigmoid(z);
        }
    };

    public static final Fn SOFTSIGN = new Pointwise("softsign") {
        double f(double z) {
            return z / (1 + Math.abs(z));
        }

        double df(double z, double y) {
            double d = 1 + Math.abs(z);
            return 1 / (d * d);
        }
    };

    /** swish / silu: z * sigmoid(z). */
    public static final Fn SWISH = new Pointwise("silu") {
        double f(double z) {
            return z * sigmoid(z);
        }

        double df(double z, double y) {
            double s = sigmoid(z);
            return s * (1 + z * (1 - s));
        }
    };

    /** gelu, Keras default approximate=False: 0.5 z (1 + erf(z / sqrt 2)). */
    public static final Fn GELU = new Pointwise("gelu") {
        double f(double z) {
            return 0.5 * z * (1 + erf(z / Math.sqrt(2)));
        }

        double df(double z, double y) {
            return 0.5 * (1 + erf(z / Math.sqrt(2))) + z * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        }
    };

    /** Keras 3 hard_sigmoid: relu6(z + 3) / 6. */
    public static final Fn HARD_SIGMOID = new Pointwise("hard_sigmoid") {
        double f(double z) {
            return Math.min(Math.max(z + 3, 0), 6) / 6;
        }

        double df(double z, double y) {
            return z > -3 && z < 3 ? 1.0 / 6 : 0;
        }
    };

    public static final Fn EXPONENTIAL = new Pointwise("exponential") {
        double f(double z) {
            return Math.exp(z);
        }

        double df(double z, double y) {
            return Math.exp(z);
        }
    };

    public static Fn elu(double alpha) {
        return new Pointwise("elu") {
            double f(double z) {
                return z > 0 ? z : alpha * Math.expm1(z);
            }

            double df(double z, double y) {
                return z > 0 ? 1 : alpha * Math.exp(z);
            }
        };
    }

    /** leaky_relu: z for z > 0, else slope * z. */
    public static Fn leakyRelu(double slope) {
        return new Pointwise("leaky_relu") {
            double f(double z) {
                return z > 0 ? z : slope * z;
            }

            double df(double z, double y) {
                return z > 0 ? 1 : slope;
            }
        };
    }

    /** Looks up a Keras activation by name (None/null means linear). */
    public static Fn get(String name) {
        if (name == null) return LINEAR;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linear", "none" -> LINEAR;
            case "relu" -> RELU;
            case "relu6" -> RELU6;
            case "sigmoid" -> SIGMOID;
            case "tanh" -> TANH;
            case "softmax" -> SOFTMAX;
            case "elu" -> ELU;
            case "selu" -> SELU;
            case "softplus" -> SOFTPLUS;
            case "softsign" -> SOFTSIGN;
            case "swish", "silu" -> SWISH;
            case "gelu" -> GELU;
            case "hard_sigmoid" -> HARD_SIGMOID;
            case "exponential" -> EXPONENTIAL;
            case "leaky_relu" -> leakyRelu(0.2); // keras.activations.leaky_relu default negative_slope
            default -> null;
        };
    }

    /**
     * The activation named by a config value: a string ({@code "relu"}), or a serialized function
     * ({@code {"module": "keras.activations", "class_name": "function", "config": "relu"}}).
     */
    public static Fn fromConfig(JsonNode v, String layerName) {
        String n;
        if (v == null || v.isNull()) {
            n = "linear";
        } else if (v.isTextual()) {
            n = v.asText();
        } else if (v.isObject() && v.path("config").isTextual()) {
            n = v.path("config").asText();
        } else if (v.isObject() && v.path("class_name").isTextual()) {
            n = v.path("class_name").asText();
        } else {
            throw new IllegalArgumentException("layer '" + layerName + "': config key 'activation' has unsupported value " + v);
        }
        Fn f = get(n);
        if (f == null) {
            throw new IllegalArgumentException("layer '" + layerName + "': config key 'activation' names unsupported activation '" + n
                    + "' (supported: linear relu relu6 sigmoid tanh softmax elu selu softplus softsign swish silu gelu hard_sigmoid exponential leaky_relu)");
        }
        return f;
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** erf in double via erfc (Numerical Recipes erfcc, fractional error < 1.2e-7, far below float32 needs). */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
