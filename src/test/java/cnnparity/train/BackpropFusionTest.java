package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.keras.KerasConfigParser;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused loss paths of {@link Backprop} (keras/src/backend/tensorflow/nn.py {@code _get_logits}):
 * softmax + (sparse) categorical cross-entropy and sigmoid + binary cross-entropy give the same
 * weight gradients as the unfused chain where p is not tiny, are the gradients of the fused loss
 * value (finite differences), and report the unclipped loss Keras reports.
 */
class BackpropFusionTest {
    static Model model(String lastLayers) throws Exception {
        String json = "{\"class_name\":\"Sequential\",\"config\":{\"name\":\"m\",\"layers\":["
                + "{\"class_name\":\"InputLayer\",\"config\":{\"name\":\"input\",\"batch_shape\":[null,5]}},"
                + "{\"class_name\":\"Dense\",\"config\":{\"name\":\"hidden\",\"units\":6,\"activation\":\"tanh\"}},"
                + lastLayers + "]}}";
        Model m = KerasConfigParser.parse(new ObjectMapper().readTree(json), "test");
        Initializers.initialize(m, 3);
        return m;
    }

    static final String DENSE_SOFTMAX = "{\"class_name\":\"Dense\",\"config\":{\"name\":\"out\",\"units\":4,\"activation\":\"softmax\"}}";
    static final String DENSE_SIGMOID = "{\"class_name\":\"Dense\",\"config\":{\"name\":\"out\",\"units\":4,\"activation\":\"sigmoid\"}}";
    static final String ACTIVATION_SIGMOID = "{\"class_name\":\"Dense\",\"config\":{\"name\":\"out\",\"units\":4}},"
            + "{\"class_name\":\"Activation\",\"config\":{\"name\":\"act\",\"activation\":\"sigmoid\"}}";

    static Tensor input(SplittableRandom rng, int n) {
        Tensor x = Tensor.zeros(n, 5);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextDouble(-1, 1);
        return x;
    }

    static Tensor targets(SplittableRandom rng, int n, boolean oneHot) {
        Tensor y = Tensor.zeros(n, 4);
        for (int r = 0; r < n; r++) {
            if (oneHot) y.data[r * 4 + rng.nextInt(4)] = 1;
            else for (int j = 0; j < 4; j++) y.data[r * 4 + j] = rng.nextInt(2);
        }
        return y;
    }

    /** Gradients of the unfused chain: loss.gradient at the prediction, then every layer's backward. */
    static float[][] unfusedGrads(Model m, Loss loss, Tensor x, Tensor y) {
        m.zeroGrad();
        Tensor p = m.forward(x, true);
        m.backward(loss.gradient(p, y));
        List<Param> ps = m.trainableParams();
        float[][] g = new float[ps.size()][];
        for (int i = 0; i < g.length; i++) g[i] = ps.get(i).grad.data.clone();
        return g;
    }

    static void check(String last, Loss loss, boolean oneHot, boolean expectFused) throws Exception {
        Model m = model(last);
        SplittableRandom rng = new SplittableRandom(8);
        Tensor x = input(rng, 6), y = targets(rng, 6, oneHot);
        float[][] chain = unfusedGrads(m, loss, x, y);
        Backprop.Result r = Backprop.run(m, loss, x, y, true);
        assertEquals(expectFused, r.fused(), loss.name() + " after " + last);
        List<Param> ps = m.trainableParams();
        for (int i = 0; i < ps.size(); i++) {
            for (int j = 0; j < chain[i].length; j++) {
                assertEquals(chain[i][j], ps.get(i).grad.data[j], 1e-6 + 1e-4 * Math.abs(chain[i][j]), "param " + i + " element " + j);
            }
        }
        // the fused gradient is the gradient of the fused value: central differences on the output kernel
        Param k = m.layer("out").params().get(0);
        float[] fusedGrad = k.grad.data.clone();
        for (int j = 0; j < k.value.size(); j += 3) {
            float keep = k.value.data[j];
            float up = keep + 1e-2f, down = keep - 1e-2f;
            k.value.data[j] = up;
            double vu = Backprop.lossValue(m, loss, m.forward(x, true), y);
            k.value.data[j] = down;
            double vd = Backprop.lossValue(m, loss, m.forward(x, true), y);
            k.value.data[j] = keep;
            double num = (vu - vd) / ((double) up - down);
            assertEquals(num, fusedGrad[j], 2e-4 + 1e-3 * Math.abs(num), "kernel element " + j);
        }
        assertEquals(r.loss(), Backprop.lossValue(m, loss, m.forward(x, true), y), 1e-9);
    }

    @Test
    void softmaxFusions() throws Exception {
        check(DENSE_SOFTMAX, new Losses.CategoricalCrossentropy(false), true, true);
        check(DENSE_SOFTMAX, new Losses.CategoricalCrossentropy(false, 0.1, Losses.SUM_OVER_BATCH_SIZE), true, true);
        check(DENSE_SOFTMAX, Losses.get("mse"), true, false);
    }

    @Test
    void sigmoidFusions() throws Exception {
        check(DENSE_SIGMOID, new Losses.BinaryCrossentropy(false), false, true);
        check(ACTIVATION_SIGMOID, new Losses.BinaryCrossentropy(false), false, true);
        check(DENSE_SIGMOID, new Losses.BinaryCrossentropy(false, 0.2, Losses.SUM), false, true);
        check(DENSE_SIGMOID, Losses.get("mse"), false, false);
        // binary cross-entropy after a softmax is not fused (the op type differs)
        check(DENSE_SOFTMAX, new Losses.BinaryCrossentropy(false), false, false);
    }

    @Test
    void fusedOutputDetection() throws Exception {
        Model softmax = model(DENSE_SOFTMAX), sigmoid = model(DENSE_SIGMOID);
        var lastSoftmax = softmax.layers().get(softmax.layers().size() - 1);
        var lastSigmoid = sigmoid.layers().get(sigmoid.layers().size() - 1);
        assertNotNull(Backprop.fusedOutput(Losses.get("categorical_crossentropy"), lastSoftmax));
        assertNotNull(Backprop.fusedOutput(new Losses.CategoricalCrossentropy(true), lastSoftmax)); // Keras uses _keras_logits even then
        assertNull(Backprop.fusedOutput(Losses.get("binary_crossentropy"), lastSoftmax));
        assertNotNull(Backprop.fusedOutput(Losses.get("binary_crossentropy"), lastSigmoid));
        assertNull(Backprop.fusedOutput(Losses.get("categorical_crossentropy"), lastSigmoid));
    }

    /** A confidently wrong softmax: Keras reports the true cross-entropy (from the logits), not -log(1e-7). */
    @Test
    void reportedLossIsUnclipped() throws Exception {
        Model m = model(DENSE_SOFTMAX);
        Param bias = m.layer("out").params().get(1);
        bias.value.data[0] = 60; // class 0 certain
        Tensor x = input(new SplittableRandom(1), 2), y = Tensor.zeros(2, 4);
        y.data[1] = 1;
        y.data[4 + 1] = 1;
        Loss l = Losses.get("categorical_crossentropy");
        Tensor p = m.forward(x, false);
        double reported = Backprop.lossValue(m, l, p, y), clipped = l.value(p, y);
        assertEquals(-Math.log(1e-7f), clipped, 1e-4);
        assertTrue(reported > 40, "fused loss " + reported);
        assertFalse(Double.isNaN(reported));
    }
}
