package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.keras.KerasConfigParser;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Initializer statistics on large tensors (keras/src/initializers/random_initializers.py: limits,
 * standard deviations, truncation), fans as compute_fans, orthogonality, determinism for a seed.
 */
class InitializersTest {
    static final int[] CONV = {3, 3, 64, 128}; // fan_in 576, fan_out 1152
    static final int[] DENSE = {300, 200};

    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    static float[] draw(String init, int[] shape, long seed) throws Exception {
        JsonNode n = init.startsWith("{") ? json(init) : TextNode.valueOf(init);
        float[] w = new float[(int) Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b)];
        Initializers.fill(n, "kernel", w, shape, new SplittableRandom(seed));
        return w;
    }

    static double mean(float[] w) {
        double s = 0;
        for (float v : w) s += v;
        return s / w.length;
    }

    static double std(float[] w) {
        double m = mean(w), s = 0;
        for (float v : w) s += (v - m) * (v - m);
        return Math.sqrt(s / w.length);
    }

    static double maxAbs(float[] w) {
        double m = 0;
        for (float v : w) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Mean within 4 standard errors of 0, std within 2%. */
    static void assertStats(float[] w, double wantMean, double wantStd, String what) {
        assertEquals(wantMean, mean(w), 4 * wantStd / Math.sqrt(w.length), what + " mean");
        assertEquals(wantStd, std(w), 0.02 * wantStd, what + " std");
    }

    /** U(-L, L): every value inside, the extremes reached, std L / sqrt(3). */
    static void assertUniform(float[] w, double limit, String what) {
        assertTrue(maxAbs(w) <= limit, what + " exceeds its limit " + limit + ": " + maxAbs(w));
        assertTrue(maxAbs(w) > 0.999 * limit, what + " never comes near its limit");
        assertStats(w, 0, limit / Math.sqrt(3), what);
    }

    /** Truncated normal of final std {@code std}: values within 2 pre-truncation stddevs (std / .8796...). */
    static void assertTruncated(float[] w, double std, String what) {
        double bound = 2 * std / Initializers.TRUNCATED_STD;
        assertTrue(maxAbs(w) <= bound * (1 + 1e-6), what + " exceeds two stddevs: " + maxAbs(w) + " > " + bound);
        assertTrue(maxAbs(w) > 0.99 * bound, what + " never comes near the truncation");
        assertStats(w, 0, std, what);
    }

    @Test
    void fansAsKerasComputesThem() {
        assertArrayEquals(new long[] {1, 1}, Initializers.computeFans(new int[0]));
        assertArrayEquals(new long[] {5, 5}, Initializers.computeFans(new int[] {5}));
        assertArrayEquals(new long[] {300, 200}, Initializers.computeFans(DENSE));
        assertArrayEquals(new long[] {576, 1152}, Initializers.computeFans(CONV));
        assertArrayEquals(new long[] {5 * 5 * 1, 5 * 5 * 6}, Initializers.computeFans(new int[] {5, 5, 1, 6}));
    }

    @Test
    void varianceScalingFamilies() throws Exception {
        double fi = 576, fo = 1152;
        assertUniform(draw("glorot_uniform", CONV, 1), Math.sqrt(6 / (fi + fo)), "glorot_uniform conv");
        assertUniform(draw("glorot_uniform", DENSE, 2), Math.sqrt(6 / 500.0), "glorot_uniform dense");
        assertUniform(draw("{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null}}", DENSE, 2), Math.sqrt(6 / 500.0), "GlorotUniform");
        assertUniform(draw("he_uniform", CONV, 3), Math.sqrt(6 / fi), "he_uniform");
        assertUniform(draw("lecun_uniform", CONV, 4), Math.sqrt(3 / fi), "lecun_uniform");
        assertTruncated(draw("glorot_normal", CONV, 5), Math.sqrt(2 / (fi + fo)), "glorot_normal");
        assertTruncated(draw("he_normal", CONV, 6), Math.sqrt(2 / fi), "he_normal");
        assertTruncated(draw("HeNormal", DENSE, 6), Math.sqrt(2 / 300.0), "HeNormal dense");
        assertTruncated(draw("lecun_normal", CONV, 7), Math.sqrt(1 / fi), "lecun_normal");
        // VarianceScaling with explicit settings; "normal" is an alias of truncated_normal
        assertTruncated(draw("{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":3.0,\"mode\":\"fan_out\",\"distribution\":\"normal\"}}", CONV, 8),
                Math.sqrt(3 / fo), "VarianceScaling normal fan_out");
        float[] un = draw("{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":3.0,\"mode\":\"fan_out\",\"distribution\":\"untruncated_normal\"}}", CONV, 9);
        assertStats(un, 0, Math.sqrt(3 / fo), "untruncated_normal");
        assertTrue(maxAbs(un) > 3 * Math.sqrt(3 / fo), "untruncated_normal looks truncated");
        assertUniform(draw("{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":0.5,\"mode\":\"fan_avg\",\"distribution\":\"uniform\"}}", CONV, 10),
                Math.sqrt(3 * 0.5 / ((fi + fo) / 2)), "VarianceScaling uniform fan_avg");
        assertThrows(IllegalArgumentException.class, () -> draw("{\"class_name\":\"VarianceScaling\",\"config\":{\"mode\":\"fan_sum\"}}", DENSE, 1));
        assertThrows(IllegalArgumentException.class, () -> draw("{\"class_name\":\"VarianceScaling\",\"config\":{\"scale\":0}}", DENSE, 1));
    }

    @Test
    void plainRandomInitializers() throws Exception {
        assertUniform(draw("random_uniform", CONV, 1), 0.05, "random_uniform default");
        float[] u = draw("{\"class_name\":\"RandomUniform\",\"config\":{\"minval\":1.0,\"maxval\":3.0}}", CONV, 2);
        assertStats(u, 2, 2 / Math.sqrt(12), "RandomUniform(1, 3)");
        assertTrue(Arrays.stream(toDouble(u)).allMatch(v -> v >= 1 && v <= 3));
        assertStats(draw("random_normal", CONV, 3), 0, 0.05, "random_normal default");
        assertStats(draw("{\"class_name\":\"RandomNormal\",\"config\":{\"mean\":1.0,\"stddev\":2.0}}", CONV, 4), 1, 2, "RandomNormal(1, 2)");
        // TruncatedNormal(stddev) truncates a normal of that stddev at 2 stddevs: final std 0.8796 * stddev
        float[] t = draw("truncated_normal", CONV, 5);
        assertTrue(maxAbs(t) <= 0.1 + 1e-7);
        assertStats(t, 0, 0.05 * Initializers.TRUNCATED_STD, "truncated_normal");
    }

    static double[] toDouble(float[] w) {
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) d[i] = w[i];
        return d;
    }

    @Test
    void constantsAndIdentity() throws Exception {
        float[] z = draw("zeros", DENSE, 1), o = draw("Ones", DENSE, 1), c = draw("{\"class_name\":\"Constant\",\"config\":{\"value\":0.25}}", DENSE, 1);
        for (int i = 0; i < z.length; i++) {
            assertEquals(0f, z[i]);
            assertEquals(1f, o[i]);
            assertEquals(0.25f, c[i]);
        }
        float[] id = draw("{\"class_name\":\"Identity\",\"config\":{\"gain\":2.0}}", new int[] {3, 4}, 1);
        assertArrayEquals(new float[] {2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0}, id, 0f);
    }

    @Test
    void orthogonal() throws Exception {
        checkOrthonormalColumns(draw("orthogonal", new int[] {64, 32}, 1), 64, 32, 1);
        // more columns than rows: the rows are orthonormal
        float[] wide = draw("{\"class_name\":\"Orthogonal\",\"config\":{\"gain\":2.0}}", new int[] {32, 64}, 2);
        float[] transposed = new float[wide.length];
        for (int r = 0; r < 32; r++) for (int c = 0; c < 64; c++) transposed[c * 32 + r] = wide[r * 64 + c];
        checkOrthonormalColumns(transposed, 64, 32, 4);
        // a conv kernel is flattened to (kh*kw*in, out)
        checkOrthonormalColumns(draw("OrthogonalInitializer", new int[] {3, 3, 4, 8}, 3), 36, 8, 1);
        assertThrows(IllegalArgumentException.class, () -> draw("orthogonal", new int[] {5}, 1));
    }

    /** w (rows x cols, row-major): w^T w = gain2 * I. */
    static void checkOrthonormalColumns(float[] w, int rows, int cols, double gain2) {
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < cols; b++) {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += (double) w[r * cols + a] * w[r * cols + b];
                assertEquals(a == b ? gain2 : 0, dot, 1e-5 * gain2, "column " + a + " . column " + b);
            }
        }
    }

    // ---- whole models --------------------------------------------------------------------------

    static final String MODEL = "{\"class_name\":\"Sequential\",\"config\":{\"name\":\"m\",\"layers\":["
            + "{\"class_name\":\"InputLayer\",\"config\":{\"name\":\"input\",\"batch_shape\":[null,8,8,3]}},"
            + "{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"conv\",\"filters\":16,\"kernel_size\":[3,3],"
            + "  \"kernel_initializer\":{\"module\":\"keras.initializers\",\"class_name\":\"HeNormal\",\"config\":{\"seed\":null},\"registered_name\":null}}},"
            + "{\"class_name\":\"BatchNormalization\",\"config\":{\"name\":\"bn\"}},"
            + "{\"class_name\":\"Flatten\",\"config\":{\"name\":\"flatten\"}},"
            + "{\"class_name\":\"Dense\",\"config\":{\"name\":\"seeded\",\"units\":20,"
            + "  \"kernel_initializer\":{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":42}}}},"
            + "{\"class_name\":\"Dense\",\"config\":{\"name\":\"out\",\"units\":10,\"activation\":\"softmax\","
            + "  \"bias_initializer\":{\"class_name\":\"Constant\",\"config\":{\"value\":0.5}}}}"
            + "]}}";

    static Model model() throws Exception {
        return KerasConfigParser.parse(json(MODEL), "test model");
    }

    static float[][] weights(Model m) {
        List<Param> ps = m.params();
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ps.get(i).value.data.clone();
        return out;
    }

    @Test
    void modelInitializationIsDeterministicForASeed() throws Exception {
        Model a = model(), b = model(), c = model();
        Initializers.initialize(a, 7);
        Initializers.initialize(b, 7);
        Initializers.initialize(c, 8);
        float[][] wa = weights(a), wb = weights(b), wc = weights(c);
        for (int i = 0; i < wa.length; i++) assertArrayEquals(wa[i], wb[i], 0f, "param " + i);
        // the kernels drawn from the model seed differ for another seed; the seeded one does not
        Param conv = a.layer("conv").params().get(0), seeded = a.layer("seeded").params().get(0);
        int convIdx = a.params().indexOf(conv), seededIdx = a.params().indexOf(seeded);
        assertFalse(Arrays.equals(wa[convIdx], wc[convIdx]));
        assertArrayEquals(wa[seededIdx], wc[seededIdx], 0f);

        // each weight as its config (or Keras's default) says
        // he_normal on (3, 3, 3, 16): fan_in 27; only 432 values, so loose statistics
        double sd = Math.sqrt(2.0 / 27);
        assertTrue(maxAbs(conv.value.data) <= 2 * sd / Initializers.TRUNCATED_STD * (1 + 1e-6), "conv he_normal truncation");
        assertEquals(sd, std(conv.value.data), 0.15 * sd, "conv he_normal std");
        assertTrue(Arrays.stream(toDouble(a.layer("conv").params().get(1).value.data)).allMatch(v -> v == 0), "conv bias zeros");
        List<Param> bn = a.layer("bn").params();
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), bn.stream().map(p -> p.name).toList());
        assertTrue(Arrays.stream(toDouble(bn.get(0).value.data)).allMatch(v -> v == 1));
        assertTrue(Arrays.stream(toDouble(bn.get(1).value.data)).allMatch(v -> v == 0));
        assertTrue(Arrays.stream(toDouble(bn.get(3).value.data)).allMatch(v -> v == 1));
        float[] outKernel = a.layer("out").params().get(0).value.data;
        assertTrue(maxAbs(outKernel) <= Math.sqrt(6.0 / 30) && maxAbs(outKernel) > 0.5 * Math.sqrt(6.0 / 30), "out glorot_uniform");
        assertTrue(Arrays.stream(toDouble(a.layer("out").params().get(1).value.data)).allMatch(v -> v == 0.5));
    }

    @Test
    void defaultsAndErrors() {
        assertEquals("glorot_uniform", Initializers.defaultFor("kernel"));
        assertEquals("ones", Initializers.defaultFor("gamma"));
        assertEquals("ones", Initializers.defaultFor("moving_variance"));
        assertEquals("zeros", Initializers.defaultFor("bias"));
        float[] w = new float[6];
        Initializers.fill(null, "gamma", w, new int[] {6}, new SplittableRandom(1));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, w, 0f);
        Param p = new Param("kernel", cnnparity.nn.Tensor.zeros(2, 2), true, TextNode.valueOf("lecun_magic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializers.initialize(p, new SplittableRandom(1), "dense_3"));
        assertTrue(e.getMessage().contains("dense_3") && e.getMessage().contains("lecun_magic"), e.getMessage());
    }
}
