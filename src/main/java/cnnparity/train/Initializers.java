package cnnparity.train;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Keras initializers (keras/src/initializers/random_initializers.py, constant_initializers.py),
 * drawn from a seeded Java RNG: the distributions are Keras's, the random streams are not.
 *
 * <p>Fans as keras compute_fans: for a kernel (kh, kw, in, out) fan_in = kh*kw*in and fan_out =
 * kh*kw*out; for (in, out) they are in and out. Variance scaling: scale/fan (mode fan_in, fan_out or
 * fan_avg), "uniform" U(-sqrt(3 var), sqrt(3 var)), "truncated_normal" stddev sqrt(var)/0.8796...
 * truncated at 2 stddev.
 */
public final class Initializers {
    private Initializers() {
    }

    /** Initializes every param of the model from its initializer config, deterministically for a seed. */
    public static void initialize(Model model, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Layer l : model.layers()) {
            for (Param p : l.params()) initialize(p, root.split(), l.name());
        }
    }

    public static void initialize(Param p, SplittableRandom rng, String layer) {
        JsonNode init = p.initializer;
        String name;
        JsonNode cfg;
        if (init == null || init.isNull()) {
            name = p.name.equals("kernel") ? "glorot_uniform" : p.name.equals("gamma") || p.name.equals("moving_variance") ? "ones" : "zeros";
            cfg = null;
        } else if (init.isTextual()) {
            name = init.asText();
            cfg = null;
        } else {
            name = init.path("class_name").asText();
            cfg = init.path("config");
        }
        float[] w = p.value.data;
        int[] s = p.shape();
        long fanIn, fanOut;
        if (s.length == 1) {
            fanIn = fanOut = s[0];
        } else if (s.length == 2) {
            fanIn = s[0];
            fanOut = s[1];
        } else {
            long receptive = 1;
            for (int i = 0; i < s.length - 2; i++) receptive *= s[i];
            fanIn = receptive * s[s.length - 2];
            fanOut = receptive * s[s.length - 1];
        }
        String key = name.replace("_", "").toLowerCase(Locale.ROOT);
        switch (key) {
            case "zeros" -> java.util.Arrays.fill(w, 0f);
            case "ones" -> java.util.Arrays.fill(w, 1f);
            case "constant" -> java.util.Arrays.fill(w, (float) (cfg == null ? 0 : cfg.path("value").asDouble(0)));
            case "glorotuniform" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_avg", "uniform");
            case "glorotnormal" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_avg", "truncated_normal");
            case "heuniform" -> varianceScaling(w, rng, 2.0, fanIn, fanOut, "fan_in", "uniform");
            case "henormal" -> varianceScaling(w, rng, 2.0, fanIn, fanOut, "fan_in", "truncated_normal");
            case "lecununiform" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_in", "uniform");
            case "lecunnormal" -> varianceScaling(w, rng, 1.0, fanIn, fanOut, "fan_in", "truncated_normal");
            case "variancescaling" -> varianceScaling(w, rng, cfg.path("scale").asDouble(1.0), fanIn, fanOut,
                    cfg.path("mode").asText("fan_in"), cfg.path("distribution").asText("truncated_normal"));
            case "randomuniform" -> {
                double lo = cfg == null ? -0.05 : cfg.path("minval").asDouble(-0.05), hi = cfg == null ? 0.05 : cfg.path("maxval").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (lo + (hi - lo) * rng.nextDouble());
            }
            case "randomnormal" -> {
                double mean = cfg == null ? 0 : cfg.path("mean").asDouble(0), sd = cfg == null ? 0.05 : cfg.path("stddev").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (mean + sd * gaussian(rng));
            }
            case "truncatednormal" -> {
                double mean = cfg == null ? 0 : cfg.path("mean").asDouble(0), sd = cfg == null ? 0.05 : cfg.path("stddev").asDouble(0.05);
                for (int i = 0; i < w.length; i++) w[i] = (float) (mean + sd * truncated(rng));
            }
            default -> throw new IllegalArgumentException("layer '" + layer + "' weight '" + p.name + "': unsupported initializer " + name);
        }
    }

    static void varianceScaling(float[] w, SplittableRandom rng, double scale, long fanIn, long fanOut, String mode, String dist) {
        double fan = switch (mode) {
            case "fan_in" -> fanIn;
            case "fan_out" -> fanOut;
            default -> (fanIn + fanOut) / 2.0;
        };
        double var = scale / Math.max(1.0, fan);
        if (dist.equals("uniform")) {
            double limit = Math.sqrt(3 * var);
            for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        } else if (dist.equals("untruncated_normal")) {
            double sd = Math.sqrt(var);
            for (int i = 0; i < w.length; i++) w[i] = (float) (sd * gaussian(rng));
        } else {
            // keras: stddev = sqrt(scale) / .87962566103423978 (the std of a unit normal truncated at 2)
            double sd = Math.sqrt(var) / .87962566103423978;
            for (int i = 0; i < w.length; i++) w[i] = (float) (sd * truncated(rng));
        }
    }

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
