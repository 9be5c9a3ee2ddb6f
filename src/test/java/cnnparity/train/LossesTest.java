package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Activations;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The losses against hand-computed values (Keras docstring examples from keras/src/losses/losses.py
 * and small cases worked out on paper), finite differences, the clipping of
 * keras/src/backend/tensorflow/nn.py, sparse-vs-one-hot equality and the fused softmax path.
 */
class LossesTest {
    static Tensor t(float[] data, int... shape) {
        return Tensor.of(data, shape);
    }

    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    // ---- hand-computed values ----------------------------------------------------------------

    /** keras/src/losses/losses.py categorical_crossentropy docstring: [0.0513, 2.303]. */
    @Test
    void categoricalDocstringExample() {
        Tensor y = t(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
        Tensor p = t(new float[] {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f}, 2, 3);
        double expected = (-Math.log(0.95) - Math.log(0.1)) / 2; // 1.176939...
        assertEquals(1.1769392, expected, 1e-7);
        assertEquals(expected, Losses.get("categorical_crossentropy").value(p, y), 1e-6);
        // sparse_categorical_crossentropy docstring: same example with labels [1, 2]
        Tensor labels = t(new float[] {1, 2}, 2);
        assertEquals(expected, Losses.get("sparse_categorical_crossentropy").value(p, labels), 1e-6);
    }

    /** keras/src/losses/losses.py binary_crossentropy docstring: [0.916, 0.714]. */
    @Test
    void binaryDocstringExample() {
        Tensor y = t(new float[] {0, 1, 0, 0}, 2, 2);
        Tensor p = t(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
        double s0 = -(Math.log(0.4) + Math.log(0.4)) / 2, s1 = -(Math.log(0.6) + Math.log(0.4)) / 2;
        assertEquals(0.916, s0, 1e-3);
        assertEquals(0.714, s1, 1e-3);
        assertEquals((s0 + s1) / 2, Losses.get("binary_crossentropy").value(p, y), 1e-6);
    }

    /** keras.losses.MeanSquaredError docstring: y [[0,1],[0,0]], p [[1,1],[1,0]] -> 0.5. */
    @Test
    void meanSquaredErrorExample() {
        Tensor y = t(new float[] {0, 1, 0, 0}, 2, 2);
        Tensor p = t(new float[] {1, 1, 1, 0}, 2, 2);
        assertEquals(0.5, Losses.get("mse").value(p, y), 1e-12);
        assertEquals(0.5, Losses.get("mae").value(p, y), 1e-12);
    }

    /**
     * p = (0.2, 0.3, 0.5), y = class 2. Categorical: q = p (sum 1), g = (0, 0, -1/0.5), sum g q = -1,
     * dL/dp = g + 1 = (1, 1, -1). Sparse: 1/sum - [j=c]/p_c = (1, 1, -1). Fused: p - y = (0.2, 0.3, -0.5).
     * Two identical rows halve everything (sum_over_batch_size).
     */
    @Test
    void handComputedGradients() {
        Tensor p = t(new float[] {0.2f, 0.3f, 0.5f, 0.2f, 0.3f, 0.5f}, 2, 3);
        Tensor y = t(new float[] {0, 0, 1, 0, 0, 1}, 2, 3);
        Tensor labels = t(new float[] {2, 2}, 2, 1);
        float[] half = {0.5f, 0.5f, -0.5f, 0.5f, 0.5f, -0.5f};
        assertArrayEquals(half, new Losses.CategoricalCrossentropy(false).gradient(p, y).data, 1e-6f);
        assertArrayEquals(half, new Losses.SparseCategoricalCrossentropy(false).gradient(p, labels).data, 1e-6f);
        float[] fused = {0.1f, 0.15f, -0.25f, 0.1f, 0.15f, -0.25f};
        assertArrayEquals(fused, new Losses.CategoricalCrossentropy(false).logitsGradient(p, y).data, 1e-7f);
        assertArrayEquals(fused, new Losses.SparseCategoricalCrossentropy(false).logitsGradient(p, labels).data, 1e-7f);
        assertEquals(-Math.log(0.5), new Losses.CategoricalCrossentropy(false).value(p, y), 1e-7);

        // binary: p = 0.25, y = 1 -> -1/p = -4; y = 0 -> 1/(1-p) = 4/3; mean over K = 2, N = 1
        Tensor bp = t(new float[] {0.25f, 0.25f}, 1, 2), by = t(new float[] {1, 0}, 1, 2);
        assertArrayEquals(new float[] {-2f, 2f / 3}, new Losses.BinaryCrossentropy(false).gradient(bp, by).data, 1e-6f);
        // mse: 2 (p - y) / K
        assertArrayEquals(new float[] {1f, 3f}, Losses.get("mse").gradient(t(new float[] {1, 3}, 1, 2), t(new float[] {0, 0}, 1, 2)).data, 0f);
        assertArrayEquals(new float[] {1f / 3, -1f / 3, 0f}, Losses.get("mae").gradient(t(new float[] {1, -3, 2}, 1, 3), t(new float[] {0, 0, 2}, 1, 3)).data, 0f);
    }

    // ---- label smoothing and reduction -------------------------------------------------------

    @Test
    void labelSmoothingAsKeras() throws Exception {
        Tensor p = t(new float[] {0.2f, 0.3f, 0.5f}, 1, 3), y = t(new float[] {0, 0, 1}, 1, 3);
        Loss l = Losses.fromConfig(json("{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":false,\"label_smoothing\":0.1}}"));
        // y * 0.9 + 0.1 / 3
        double a = 0.1 / 3, b = 0.9 + 0.1 / 3;
        assertEquals(-(a * Math.log(0.2) + a * Math.log(0.3) + b * Math.log(0.5)), l.value(p, y), 1e-6);
        Loss bce = Losses.fromConfig(json("{\"class_name\":\"BinaryCrossentropy\",\"config\":{\"label_smoothing\":0.2}}"));
        // y * 0.8 + 0.1: targets 0.1 and 0.9
        Tensor bp = t(new float[] {0.3f, 0.6f}, 1, 2), by = t(new float[] {0, 1}, 1, 2);
        double e = -(0.1 * Math.log(0.3) + 0.9 * Math.log(0.7) + 0.9 * Math.log(0.6) + 0.1 * Math.log(0.4)) / 2;
        assertEquals(e, bce.value(bp, by), 1e-6);
    }

    @Test
    void sumReductionDoesNotDivide() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        Tensor z = randomLogits(rng, 4, 3);
        Tensor y = randomOneHot(rng, 4, 3);
        Loss mean = Losses.fromConfig(json("{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":true,\"reduction\":\"sum_over_batch_size\"}}"));
        Loss sum = Losses.fromConfig(json("{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":true,\"reduction\":\"sum\"}}"));
        assertEquals(4 * mean.value(z, y), sum.value(z, y), 1e-9);
        float[] gm = mean.gradient(z, y).data, gs = sum.gradient(z, y).data;
        for (int i = 0; i < gm.length; i++) assertEquals(4 * gm[i], gs[i], 1e-6);
        assertThrows(IllegalArgumentException.class,
                () -> Losses.fromConfig(json("{\"class_name\":\"MeanSquaredError\",\"config\":{\"reduction\":null}}")));
    }

    /** A (N, H, W, K) prediction has N*H*W per-sample losses: the mean runs over all of them. */
    @Test
    void spatialPredictionsAverageOverEveryPosition() {
        SplittableRandom rng = new SplittableRandom(9);
        Tensor z = randomLogits(rng, 2 * 3 * 3, 4).reshape(2, 3, 3, 4);
        Tensor y = randomOneHot(rng, 18, 4).reshape(2, 3, 3, 4);
        Loss l = new Losses.CategoricalCrossentropy(true);
        double sum = 0;
        for (int r = 0; r < 18; r++) sum += l.value(z.reshape(18, 4).slice(r, r + 1), y.reshape(18, 4).slice(r, r + 1));
        assertEquals(sum / 18, l.value(z, y), 1e-9);
    }

    // ---- finite differences --------------------------------------------------------------------

    /** Every loss (incl. label smoothing, sum reduction) against central differences of its own value. */
    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() throws Exception {
        String[] configs = {
            "{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":false}}",
            "{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":true}}",
            "{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":false,\"label_smoothing\":0.2,\"reduction\":\"sum\"}}",
            "{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"from_logits\":true,\"label_smoothing\":0.1}}",
            "{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"from_logits\":false}}",
            "{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"from_logits\":true}}",
            "{\"class_name\":\"BinaryCrossentropy\",\"config\":{\"from_logits\":false}}",
            "{\"class_name\":\"BinaryCrossentropy\",\"config\":{\"from_logits\":true,\"label_smoothing\":0.3}}",
            "{\"class_name\":\"MeanSquaredError\",\"config\":{}}",
            "{\"class_name\":\"MeanAbsoluteError\",\"config\":{}}",
        };
        List<DynamicTest> out = new ArrayList<>();
        for (String cfg : configs) {
            JsonNode c = json(cfg);
            out.add(DynamicTest.dynamicTest(cfg, () -> {
                Loss l = Losses.fromConfig(c);
                boolean logits = c.path("config").path("from_logits").asBoolean(false);
                String cls = c.path("class_name").asText();
                SplittableRandom rng = new SplittableRandom(cfg.hashCode());
                int b = 3, k = 4;
                Tensor p = Tensor.zeros(b, k);
                for (int i = 0; i < p.size(); i++) {
                    p.data[i] = logits || cls.startsWith("Mean") ? (float) rng.nextDouble(-2, 2) : (float) rng.nextDouble(0.05, 0.9);
                }
                Tensor y = cls.startsWith("Sparse") ? Tensor.zeros(b) : Tensor.zeros(b, k);
                for (int r = 0; r < b; r++) {
                    if (cls.startsWith("Sparse")) y.data[r] = rng.nextInt(k);
                    else if (cls.startsWith("Categorical")) y.data[r * k + rng.nextInt(k)] = 1;
                    else for (int j = 0; j < k; j++) y.data[r * k + j] = (float) rng.nextDouble();
                }
                Tensor g = l.gradient(p, y);
                for (int i = 0; i < p.size(); i++) {
                    double num = numericDerivative(l, p, y, i, 1e-3);
                    assertEquals(num, g.data[i], 2e-4 + 2e-3 * Math.abs(num), cfg + " element " + i);
                }
            }));
        }
        return out.stream();
    }

    /** Central difference with the actual float step taken (p is float32). */
    static double numericDerivative(Loss l, Tensor p, Tensor y, int i, double h) {
        float keep = p.data[i];
        float up = (float) (keep + h), down = (float) (keep - h);
        p.data[i] = up;
        double vu = l.value(p, y);
        p.data[i] = down;
        double vd = l.value(p, y);
        p.data[i] = keep;
        return (vu - vd) / ((double) up - down);
    }

    // ---- clipping ------------------------------------------------------------------------------

    /** clip_by_value(p, 1e-7, 1 - 1e-7): p = 0 costs -log(1e-7) and passes no gradient. */
    @Test
    void probabilitiesAreClippedAndClippedEntriesPassNoGradient() {
        double maxLoss = -Math.log(1e-7f);
        assertEquals(16.1181, maxLoss, 1e-4);
        Tensor p = t(new float[] {0f, 1f}, 1, 2), y = t(new float[] {1, 0}, 1, 2);
        Loss cce = new Losses.CategoricalCrossentropy(false);
        assertEquals(maxLoss, cce.value(p, y), 1e-6);
        assertArrayEquals(new float[] {0f, 0f}, cce.gradient(p, y).data, 0f);
        // a certain, correct prediction: log(1 - 1e-7) as float32, not 0
        Tensor right = t(new float[] {0, 1}, 1, 2);
        assertEquals(-Math.log(Losses.ONE_MINUS_EPS), cce.value(p, right), 1e-12);
        assertTrue(cce.value(p, right) > 0);

        Loss scce = new Losses.SparseCategoricalCrossentropy(false);
        Tensor label0 = t(new float[] {0}, 1);
        // logits log(clip(p)) = (log 1e-7, log(1-1e-7)): -log(1e-7 / (1e-7 + 0.99999988))
        assertEquals(-Math.log(1e-7f / (1e-7f + (double) Losses.ONE_MINUS_EPS)), scce.value(p, label0), 1e-6);
        assertArrayEquals(new float[] {0f, 0f}, scce.gradient(p, label0).data, 0f);

        Loss bce = new Losses.BinaryCrossentropy(false);
        Tensor bp = t(new float[] {0f, 1f}, 1, 2), by = t(new float[] {1, 1}, 1, 2);
        assertEquals((maxLoss - Math.log(Losses.ONE_MINUS_EPS)) / 2, bce.value(bp, by), 1e-6);
        assertArrayEquals(new float[] {0f, 0f}, bce.gradient(bp, by).data, 0f);

        // the bounds themselves are inside (ClipByValue's gradient passes where min <= x <= max)
        Tensor atEps = t(new float[] {1e-7f}, 1, 1), one = t(new float[] {1}, 1, 1);
        assertNotEquals(0f, bce.gradient(atEps, one).data[0]);
        assertEquals(0f, bce.gradient(t(new float[] {0.99e-7f}, 1, 1), one).data[0]);
    }

    /** Categorical normalizes p / sum(p) before clipping: unnormalized rows give the same loss as normalized ones. */
    @Test
    void categoricalNormalizesBeforeClipping() {
        Tensor p = t(new float[] {0.4f, 0.6f, 2f, 3f}, 2, 2), y = t(new float[] {0, 1, 0, 1}, 2, 2);
        assertEquals(-Math.log(0.6), new Losses.CategoricalCrossentropy(false).value(p, y), 1e-6);
    }

    // ---- sparse vs one-hot ---------------------------------------------------------------------

    @Test
    void sparseEqualsOneHot() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 6, k = 5;
        Tensor z = randomLogits(rng, n, k);
        Tensor probs = Losses.softmax(z);
        Tensor labels = Tensor.zeros(n), labelsCol = Tensor.zeros(n, 1), oneHot = Tensor.zeros(n, k);
        for (int r = 0; r < n; r++) {
            int c = rng.nextInt(k);
            labels.data[r] = c;
            labelsCol.data[r] = c;
            oneHot.data[r * k + c] = 1;
        }
        for (boolean logits : new boolean[] {false, true}) {
            Tensor in = logits ? z : probs;
            Loss cat = new Losses.CategoricalCrossentropy(logits), sp = new Losses.SparseCategoricalCrossentropy(logits);
            double v = cat.value(in, oneHot);
            assertEquals(v, sp.value(in, labels), 1e-6 * v);
            assertEquals(sp.value(in, labels), sp.value(in, labelsCol), 0);
            float[] gc = cat.gradient(in, oneHot).data, gs = sp.gradient(in, labels).data;
            for (int i = 0; i < gc.length; i++) assertEquals(gc[i], gs[i], 1e-5 * Math.max(1, Math.abs(gc[i])), "logits=" + logits + " element " + i);
            assertArrayEquals(cat.logitsGradient(probs, oneHot).data, sp.logitsGradient(probs, labels).data, 1e-7f);
            assertEquals(cat.valueFromLogits(z, oneHot), sp.valueFromLogits(z, labelsCol), 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> new Losses.SparseCategoricalCrossentropy(false).value(probs, t(new float[] {0, 1, 2}, 3)));
        Tensor bad = labels.copy();
        bad.data[0] = k;
        assertThrows(IllegalArgumentException.class, () -> new Losses.SparseCategoricalCrossentropy(true).value(z, bad));
        bad.data[0] = 1.5f;
        assertThrows(IllegalArgumentException.class, () -> new Losses.SparseCategoricalCrossentropy(true).value(z, bad));
    }

    // ---- the fused softmax path ----------------------------------------------------------------

    /** (p - y)/N equals the chain d(loss)/dp through the softmax Jacobian where p is not tiny. */
    @Test
    void fusedLogitsGradientEqualsChainThroughSoftmax() {
        SplittableRandom rng = new SplittableRandom(21);
        int n = 5, k = 4;
        Tensor z = randomLogits(rng, n, k);
        Tensor probs = Losses.softmax(z);
        Tensor y = randomOneHot(rng, n, k);
        Tensor labels = Tensor.zeros(n);
        for (int r = 0; r < n; r++) for (int j = 0; j < k; j++) if (y.data[r * k + j] == 1) labels.data[r] = j;
        Loss[] losses = {new Losses.CategoricalCrossentropy(false), new Losses.SparseCategoricalCrossentropy(false),
            new Losses.CategoricalCrossentropy(false, 0.1, Losses.SUM_OVER_BATCH_SIZE)};
        Tensor[] targets = {y, labels, y};
        for (int c = 0; c < losses.length; c++) {
            Loss l = losses[c];
            Tensor tgt = targets[c];
            assertTrue(l.fusesWithSoftmax());
            Tensor dp = l.gradient(probs, tgt);
            float[] chained = new float[z.size()];
            Activations.SOFTMAX.backward(z.data, probs.data, dp.data, chained, k);
            assertArrayEquals(chained, l.logitsGradient(probs, tgt).data, 1e-6f, "case " + c);
            assertEquals(l.value(probs, tgt), l.valueFromLogits(z, tgt), 1e-6, "case " + c);
        }
    }

    /** Where the softmax underflows, the fused (Keras TF) value is the true cross-entropy, the clipped one is capped at -log(1e-7). */
    @Test
    void fusedValueIsUnclipped() {
        Tensor z = t(new float[] {0f, -30f}, 1, 2), y = t(new float[] {0, 1}, 1, 2);
        Loss l = Losses.get("categorical_crossentropy");
        assertEquals(30 + Math.log1p(Math.exp(-30)), l.valueFromLogits(z, y), 1e-9);
        assertEquals(-Math.log(1e-7f), l.value(Losses.softmax(z), y), 1e-5);
        // the fused gradient still pushes the target logit up; the clipped path gives nothing
        assertEquals(-1f / 1, l.logitsGradient(Losses.softmax(z), y).data[1], 1e-6f);
        assertArrayEquals(new float[] {0f, 0f}, l.gradient(Losses.softmax(z), y).data, 0f);
    }

    /** Keras's _get_logits replaces a softmax output by its logits even when from_logits=True. */
    @Test
    void whichLossesFuse() {
        assertTrue(new Losses.CategoricalCrossentropy(true).fusesWithSoftmax());
        assertTrue(new Losses.CategoricalCrossentropy(false).fusesWithSoftmax());
        assertTrue(new Losses.SparseCategoricalCrossentropy(true).fusesWithSoftmax());
        assertFalse(new Losses.BinaryCrossentropy(false).fusesWithSoftmax());
        assertTrue(new Losses.BinaryCrossentropy(false).fusesWithSigmoid());
        assertFalse(Losses.get("mse").fusesWithSoftmax());
        assertFalse(Losses.get("mse").fusesWithSigmoid());
        assertThrows(UnsupportedOperationException.class, () -> Losses.get("mse").valueFromLogits(Tensor.zeros(1, 2), Tensor.zeros(1, 2)));
    }

    /** Binary cross-entropy from logits = the probability formula at sigmoid(z), and its fused gradient (sigmoid(z) - y)/K/N. */
    @Test
    void binaryFromLogits() {
        SplittableRandom rng = new SplittableRandom(4);
        Tensor z = randomLogits(rng, 3, 2), y = Tensor.zeros(3, 2);
        for (int i = 0; i < y.size(); i++) y.data[i] = (float) rng.nextDouble();
        Tensor s = Losses.sigmoid(z);
        Loss fromLogits = new Losses.BinaryCrossentropy(true), fromProbs = new Losses.BinaryCrossentropy(false);
        assertEquals(fromProbs.value(s, y), fromLogits.value(z, y), 1e-6);
        float[] want = new float[z.size()];
        for (int i = 0; i < want.length; i++) want[i] = (s.data[i] - y.data[i]) / 2 / 3;
        assertArrayEquals(want, fromLogits.gradient(z, y).data, 1e-7f);
        assertArrayEquals(want, fromProbs.logitsGradient(s, y).data, 1e-7f);
    }

    // ---- names and configs ---------------------------------------------------------------------

    @Test
    void namesAndConfigsResolve() throws Exception {
        for (String n : new String[] {"categorical_crossentropy", "CategoricalCrossentropy"}) assertInstanceOf(Losses.CategoricalCrossentropy.class, Losses.get(n));
        for (String n : new String[] {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}) {
            assertInstanceOf(Losses.SparseCategoricalCrossentropy.class, Losses.get(n));
        }
        for (String n : new String[] {"binary_crossentropy", "BinaryCrossentropy"}) assertInstanceOf(Losses.BinaryCrossentropy.class, Losses.get(n));
        for (String n : new String[] {"mse", "mean_squared_error", "MeanSquaredError"}) assertInstanceOf(Losses.MeanSquaredError.class, Losses.get(n));
        for (String n : new String[] {"mae", "mean_absolute_error", "MeanAbsoluteError"}) assertInstanceOf(Losses.MeanAbsoluteError.class, Losses.get(n));
        assertThrows(IllegalArgumentException.class, () -> Losses.get("hinge"));

        // Keras 3 serialized function and object forms
        assertInstanceOf(Losses.SparseCategoricalCrossentropy.class, Losses.fromConfig(json(
                "{\"module\":\"keras.losses\",\"class_name\":\"function\",\"config\":\"sparse_categorical_crossentropy\",\"registered_name\":\"sparse_categorical_crossentropy\"}")));
        Loss l = Losses.fromConfig(json("{\"module\":\"keras.losses\",\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"name\":\"categorical_crossentropy\","
                + "\"reduction\":\"sum_over_batch_size\",\"from_logits\":true,\"label_smoothing\":0.0,\"axis\":-1},\"registered_name\":null}"));
        assertTrue(((Losses.CategoricalCrossentropy) l).fromLogits);
        assertThrows(IllegalArgumentException.class, () -> Losses.fromConfig(json(
                "{\"class_name\":\"SparseCategoricalCrossentropy\",\"config\":{\"ignore_class\":255}}")));
        assertThrows(IllegalArgumentException.class, () -> Losses.fromConfig(json(
                "{\"class_name\":\"CategoricalCrossentropy\",\"config\":{\"axis\":1}}")));
        // toConfig round trip keeps behaviour
        Loss smoothed = new Losses.CategoricalCrossentropy(false, 0.1, Losses.SUM);
        Loss back = Losses.fromConfig(smoothed.toConfig());
        Tensor p = t(new float[] {0.2f, 0.3f, 0.5f}, 1, 3), y = t(new float[] {0, 1, 0}, 1, 3);
        assertEquals(smoothed.value(p, y), back.value(p, y), 0);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    static Tensor randomLogits(SplittableRandom rng, int n, int k) {
        Tensor z = Tensor.zeros(n, k);
        for (int i = 0; i < z.size(); i++) z.data[i] = (float) rng.nextDouble(-3, 3);
        return z;
    }

    static Tensor randomOneHot(SplittableRandom rng, int n, int k) {
        Tensor y = Tensor.zeros(n, k);
        for (int r = 0; r < n; r++) y.data[r * k + rng.nextInt(k)] = 1;
        return y;
    }
}
