package cnnparity.train;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Keras initializers (keras/src/initializers/random_initializers.py, constant_initializers.py),
 * drawn from a seeded Java RNG: the distributions are Keras's, the random streams are not (bit
 * equality with Keras's RNG is not a goal).
 *
 * <ul>
 * <li>Fans as {@code compute_fans}: rank 0 -> 1, 1; rank 1 -> n, n; rank 2 -> (in, out); rank
 *     &gt;= 3 (a conv kernel (kh, kw, in, out)) -> receptive field {@code kh*kw} times in and out.
 * <li>{@code VarianceScaling(scale, mode, distribution)}: {@code s = scale / max(1, fan)} with fan =
 *     fan_in, fan_out or (fan_in + fan_out) / 2; "uniform" is U(-sqrt(3 s), sqrt(3 s));
 *     "truncated_normal" (alias "normal") has stddev {@code sqrt(s) / .87962566103423978} truncated
 *     at two stddevs (redrawn, as tf.random.truncated_normal), so the resulting std is sqrt(s);
 *     "untruncated_normal" has stddev sqrt(s).
 * <li>glorot_uniform / glorot_normal = VarianceScaling(1, fan_avg, uniform / truncated_normal);
 *     he_* = (2, fan_in, ...); lecun_* = (1, fan_in, ...).
 * <li>RandomUniform(-0.05, 0.05), RandomNormal(0, 0.05), TruncatedNormal(0, 0.05), Zeros, Ones,
 *     Constant(value), Identity(gain) (2-D), Orthogonal(gain): QR of a normal (max(r,c), min(r,c))
 *     matrix, Q's columns signed by diag(R), transposed when rows &lt; cols, times gain.
 * </ul>
 * An initializer whose config carries an integer {@code seed} gives the same values for the same
 * shape whatever the model seed, as a seeded Keras initializer does.
 */
public final class Initializers {
    /** std of a unit normal truncated to [-2, 2] (the constant in VarianceScaling). */
    static final double TRUNCATED_STD = .87962566103423978;

    private Initializers() {
    }

    /**
     * Initializes every weight of the model (trainable or not) from its {@link Param#initializer},
     * deterministically for a seed: each param draws from its own stream split off one root stream,
     * in the order of {@code model.params()}.
     */
    public static void initialize(Model model, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Layer l : model.layers()) {
            for (Param p : l.params()) initialize(p, root.split(), l.name());
        }
    }

    /** Initializes one param from its initializer config (or the default for its name). */
    public static void initialize(Param p, SplittableRandom rng, String layer) {
        try {
            fill(p.initializer, p.name, p.value.data, p.shape(), rng);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer '" + layer + "' weight '" + p.name + "': " + e.getMessage(), e);
        }
    }

    /** Keras's default when a config gives none: glorot_uniform for kernels, ones for gamma and moving_variance, zeros otherwise. */
    public static String defaultFor(String paramName) {
        return switch (paramName) {
            case "kernel", "depthwise_kernel", "pointwise_kernel" -> "glorot_uniform";
            case "gamma", "moving_variance" -> "ones";
            default -> "zeros";
        };
    }

    /** {@code compute_fans(shape)}: {fan_in, fan_out}. */
    public static long[] computeFans(int[] s) {
        if (s.length == 0) return new long[] {1, 1};
        if (s.length == 1) return new long[] {s[0], s[0]};
        if (s.length == 2) return new long[] {s[0], s[1]};
        long receptive = 1;
        for (int i = 0; i < s.length - 2; i++) receptive *= s[i];
        return new long[] {receptive * s[s.length - 2], receptive * s[s.length - 1]};
    }

    /**
     * Fills {@code w} (a tensor of {@code shape}) as the initializer {@code init} would: a name
     * ({@code "he_normal"}), a serialized initializer ({@code {"class_name": "HeNormal", "config": {...}}}),
     * or null for {@link #defaultFor(String) the default} of a param called {@code paramName}.
     */
    public static void fill(JsonNode init, String paramName, float[] w, int[] shape, SplittableRandom rng) {
        String name;
        JsonNode cfg = MissingNode.getInstance();
        if (init == null || init.isNull() || init.isMissingNode()) {
            name = defaultFor(paramName);
        } else if (init.isTextual()) {
            name = init.asText();
        } else if (init.isObject() && init.path("class_name").isTextual()) {
            name = init.get("class_name").asText();
            cfg = init.path("config");
        } else {
            throw new IllegalArgumentException("unsupported initializer " + init);
        }
        if (cfg.path("seed").isIntegralNumber()) rng = new SplittableRandom(0x5EEDL * 0x9E3779B97F4A7C15L + cfg.get("seed").asLong());
        long[] fans = computeFans(shape);
        long fanIn = fans[0], fanOut = fans[1];
        switch (name.replace("_", "").toLowerCase(Locale.ROOT)) {
            case "zeros", "zero" -> Arrays.fill(w, 0f);
            case "ones", "one" -> Arrays.fill(w, 1f);
            case "constant" -> Arrays.fill(w, (float) cfg.path("value").asDouble(0));
            case "identity", "identityinitializer" -> {
                if (shape.length != 2) throw new IllegalArgumentException("Identity needs a 2-D shape, got " + Arrays.toString(shape));
                float gain = (float) cfg.path("gain").asDouble(1);
                Arrays.fill(w, 0f);
                for (int i = 0; i < Math.min(shape[0], shape[1]); i++) w[i * shape[1] + i] = gain;
            }
            case "glorotuniform" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_avg", "uniform");
            case "glorotnormal" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_avg", "truncated_normal");
            case "heuniform" -> varianceScaling(w, rng, 2.0, fanIn, fanOut, "fan_in", "uniform");
            case "henormal" -> varianceScaling(w, rng, 2.0, fanIn, fanOut, "fan_in", "truncated_normal");
            case "lecununiform" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_in", "uniform");
            case "lecunnormal" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_in", "truncated_normal");
            case "variancescaling" -> varianceScaling(w, rng, cfg.path("scale").asDouble(1.0), fanIn, fanOut,
                    cfg.path("mode").asText("fan_in"), cfg.path("distribution").asText("truncated_normal"));
            case "randomuniform", "uniform" -> {
                double lo = cfg.path("minval").asDouble(-0.05), hi = cfg.path("maxval").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (lo + (hi - lo) * rng.nextDouble());
            }
            case "randomnormal", "normal" -> {
                double mean = cfg.path("mean").asDouble(0), sd = cfg.path("stddev").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (mean + sd * gaussian(rng));
            }
            case "truncatednormal" -> {
                double mean = cfg.path("mean").asDouble(0), sd = cfg.path("stddev").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (mean + sd * truncated(rng));
            }
            case "orthogonal", "orthogonalinitializer" -> orthogonal(w, shape, cfg.path("gain").asDouble(1.0), rng);
            default -> throw new IllegalArgumentException("unsupported initializer " + name
                    + " (zeros ones constant identity glorot_uniform glorot_normal he_uniform he_normal lecun_uniform lecun_normal"
                    + " variance_scaling random_uniform random_normal truncated_normal orthogonal)");
        }
    }

    private static final Set<String> MODES = Set.of("fan_in", "fan_out", "fan_avg");

    /** VarianceScaling.__call__ (keras/src/initializers/random_initializers.py). */
    static void varianceScaling(float[] w, SplittableRandom rng, double scale, long fanIn, long fanOut, String mode, String distribution) {
        if (!(scale > 0)) throw new IllegalArgumentException("VarianceScaling: scale must be positive, got " + scale);
        if (!MODES.contains(mode)) throw new IllegalArgumentException("VarianceScaling: invalid mode " + mode + " (fan_in, fan_out, fan_avg)");
        String dist = distribution.toLowerCase(Locale.ROOT);
        if (dist.equals("normal")) dist = "truncated_normal";
        double s = scale;
        s /= switch (mode) {
            case "fan_in" -> Math.max(1.0, fanIn);
            case "fan_out" -> Math.max(1.0, fanOut);
            default -> Math.max(1.0, (fanIn + fanOut) / 2.0);
        };
        switch (dist) {
            case "uniform" -> {
                double limit = Math.sqrt(3.0 * s);
                for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
            }
            case "truncated_normal" -> {
                double sd = Math.sqrt(s) / TRUNCATED_STD;
                for (int i = 0; i < w.length; i++) w[i] = (float) (sd * truncated(rng));
            }
            case "untruncated_normal" -> {
                double sd = Math.sqrt(s);
                for (int i = 0; i < w.length; i++) w[i] = (float) (sd * gaussian(rng));
            }
            default -> throw new IllegalArgumentException("VarianceScaling: invalid distribution " + distribution
                    + " (uniform, truncated_normal, untruncated_normal)");
        }
    }

    /** Orthogonal.__call__: flat (rows = prod(shape[:-1]), cols = shape[-1]). */
    static void orthogonal(float[] w, int[] shape, double gain, SplittableRandom rng) {
        if (shape.length < 2) throw new IllegalArgumentException("Orthogonal needs a shape of rank >= 2, got " + Arrays.toString(shape));
        int cols = shape[shape.length - 1];
        long rowsL = w.length / Math.max(1, cols);
        int rows = (int) rowsL;
        int m = Math.max(rows, cols), n = Math.min(rows, cols);
        if ((long) m * n > 50_000_000L) throw new IllegalArgumentException("Orthogonal: " + rows + "x" + cols + " is too large");
        // a: m x n normal, column-major for Gram-Schmidt
        double[][] q = new double[n][m];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) q[j][i] = gaussian(rng);
        // Modified Gram-Schmidt: a = Q R with diag(R) > 0, i.e. Q already multiplied by sign(diag(R))
        for (int j = 0; j < n; j++) {
            double[] v = q[j];
            for (int k = 0; k < j; k++) {
                double r = 0;
                for (int i = 0; i < m; i++) r += q[k][i] * v[i];
                for (int i = 0; i < m; i++) v[i] -= r * q[k][i];
            }
            double norm = 0;
            for (double x : v) norm += x * x;
            norm = Math.sqrt(norm);
            if (norm == 0) throw new IllegalStateException("Orthogonal: degenerate random matrix");
            for (int i = 0; i < m; i++) v[i] /= norm;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // rows >= cols: Q is rows x cols (q[c][r]); else Q^T, Q is cols x rows (q[r][c])
                double v = rows >= cols ? q[c][r] : q[r][c];
                w[r * cols + c] = (float) (gain * v);
            }
        }
    }

    /** A unit normal (Box-Muller, one value per two uniforms). */
    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A unit normal truncated to [-2, 2] by redrawing, as tf.random.truncated_normal does. */
    static double truncated(SplittableRandom rng) {
        double g;
        do {
            g = gaussian(rng);
        } while (Math.abs(g) > 2);
        return g;
    }
}
