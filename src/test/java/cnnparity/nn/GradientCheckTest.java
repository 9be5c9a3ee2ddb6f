package cnnparity.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.layers.LayerRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference check of every layer's backward pass, input and weights.
 *
 * <p>Loss {@code L = sum_i r_i * y_i} with fixed random r, accumulated in double; central
 * differences {@code (L(w+h) - L(w-h)) / 2h} with h = 1e-2 (1e-3 for piecewise-linear layers).
 * The layers compute in float32, so the numeric derivative carries ~1e-5 of rounding noise: an
 * element passes when {@code |numeric - analytic| <= 1e-3 + 1e-2 * max(|numeric|, |analytic|)}.
 * Inputs are drawn away from kinks (|x| >= 0.1 for ReLU-like layers) and as distinct values for
 * max-pooling, so that no kink or tie lies within h of a sample point.
 */
class GradientCheckTest {
    static final ObjectMapper M = new ObjectMapper();

    record Case(String name, String cls, String config, int[] inputShape, boolean training, double h, boolean distinct) {
    }

    static Case c(String name, String cls, String config, int[] shape) {
        return new Case(name, cls, config, shape, false, 1e-2, false);
    }

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(c("Conv2D valid 3x3", "Conv2D", "{\"filters\":3,\"kernel_size\":3}", new int[] {5, 5, 2}));
        cs.add(c("Conv2D same stride 2 odd size", "Conv2D", "{\"filters\":2,\"kernel_size\":3,\"strides\":2,\"padding\":\"same\"}", new int[] {5, 7, 2}));
        cs.add(c("Conv2D same (3,2) kernel no bias", "Conv2D", "{\"filters\":2,\"kernel_size\":[3,2],\"padding\":\"same\",\"use_bias\":false}", new int[] {4, 5, 3}));
        cs.add(c("Conv2D dilation 2 tanh", "Conv2D", "{\"filters\":2,\"kernel_size\":2,\"dilation_rate\":2,\"activation\":\"tanh\"}", new int[] {6, 5, 2}));
        cs.add(c("Conv2D stride (2,1) sigmoid", "Conv2D", "{\"filters\":3,\"kernel_size\":[2,3],\"strides\":[2,1],\"activation\":\"sigmoid\"}", new int[] {6, 6, 1}));
        cs.add(c("Dense linear", "Dense", "{\"units\":4}", new int[] {6}));
        cs.add(c("Dense softmax", "Dense", "{\"units\":5,\"activation\":\"softmax\"}", new int[] {7}));
        cs.add(c("Dense no bias tanh", "Dense", "{\"units\":3,\"activation\":\"tanh\",\"use_bias\":false}", new int[] {4}));
        cs.add(new Case("MaxPooling2D 2x2", "MaxPooling2D", "{\"pool_size\":2}", new int[] {4, 6, 2}, false, 1e-3, true));
        cs.add(new Case("MaxPooling2D 3/2 same on odd", "MaxPooling2D", "{\"pool_size\":3,\"strides\":2,\"padding\":\"same\"}", new int[] {5, 5, 2}, false, 1e-3, true));
        cs.add(c("AveragePooling2D 2x2", "AveragePooling2D", "{\"pool_size\":2}", new int[] {4, 4, 2}));
        cs.add(c("AveragePooling2D same on odd", "AveragePooling2D", "{\"pool_size\":2,\"padding\":\"same\"}", new int[] {5, 3, 2}));
        cs.add(c("GlobalAveragePooling2D", "GlobalAveragePooling2D", "{}", new int[] {3, 4, 3}));
        cs.add(new Case("GlobalMaxPooling2D keepdims", "GlobalMaxPooling2D", "{\"keepdims\":true}", new int[] {3, 4, 3}, false, 1e-3, true));
        cs.add(c("ZeroPadding2D ((1,2),(0,1))", "ZeroPadding2D", "{\"padding\":[[1,2],[0,1]]}", new int[] {3, 3, 2}));
        cs.add(c("Flatten", "Flatten", "{}", new int[] {2, 3, 2}));
        cs.add(c("Reshape", "Reshape", "{\"target_shape\":[3,-1]}", new int[] {2, 3, 2}));
        cs.add(new Case("BatchNormalization training", "BatchNormalization", "{}", new int[] {3, 2, 4}, true, 1e-2, false));
        cs.add(c("BatchNormalization inference", "BatchNormalization", "{}", new int[] {5}));
        cs.add(new Case("Dropout training (seeded mask)", "Dropout", "{\"rate\":0.4}", new int[] {12}, true, 1e-2, false));
        cs.add(c("Softmax", "Softmax", "{}", new int[] {6}));
        cs.add(new Case("ReLU max_value 1 slope 0.1 threshold 0.2", "ReLU", "{\"max_value\":1.0,\"negative_slope\":0.1,\"threshold\":0.2}", new int[] {20}, false, 1e-3, false));
        cs.add(new Case("LeakyReLU", "LeakyReLU", "{\"negative_slope\":0.1}", new int[] {10}, false, 1e-3, false));
        cs.add(c("ELU", "ELU", "{\"alpha\":0.7}", new int[] {10}));
        for (String a : new String[] {"relu", "relu6", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign", "swish", "gelu",
                "hard_sigmoid", "exponential", "leaky_relu", "linear"}) {
            boolean kinks = a.contains("relu") || a.equals("hard_sigmoid");
            cs.add(new Case("Activation " + a, "Activation", "{\"activation\":\"" + a + "\"}", new int[] {12}, false, kinks ? 1e-3 : 1e-2, false));
        }
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> everyLayerMatchesFiniteDifferences() {
        return cases().stream().map(cs -> DynamicTest.dynamicTest(cs.name(), () -> check(cs)));
    }

    static void check(Case cs) throws Exception {
        ObjectNode cfg = (ObjectNode) M.readTree(cs.config());
        cfg.put("name", "under_test");
        Layer layer = LayerRegistry.create(cs.cls(), cfg);
        layer.build(cs.inputShape());
        SplittableRandom rng = new SplittableRandom(42);
        for (Param p : layer.params()) {
            for (int i = 0; i < p.value.size(); i++) {
                p.value.data[i] = (float) (p.name.equals("moving_variance") || p.name.equals("gamma") ? 0.5 + rng.nextDouble() : rng.nextDouble() - 0.5);
            }
        }
        int n = 2;
        Tensor x = Tensor.zeros(Tensor.withBatch(n, cs.inputShape()));
        if (cs.distinct()) {
            // distinct values 0.01 apart, shuffled: no ties within h
            for (int i = 0; i < x.size(); i++) x.data[i] = 0.01f * i - 0.5f;
            for (int i = x.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                float t = x.data[i];
                x.data[i] = x.data[j];
                x.data[j] = t;
            }
        } else {
            for (int i = 0; i < x.size(); i++) {
                double v = rng.nextDouble() * 2 - 1;
                if (Math.abs(v) < 0.1) v += Math.copySign(0.15, v);
                if (Math.abs(v - 0.2) < 0.05) v += 0.1; // ReLU threshold 0.2
                x.data[i] = (float) (v * 2);
            }
        }
        int[] outShape = Tensor.withBatch(n, layer.outputShape(cs.inputShape()));
        float[] r = new float[(int) Tensor.numel(outShape)];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rng.nextDouble() * 2 - 1);
        // analytic
        layer.setSeed(7);
        Tensor y = layer.forward(x, cs.training());
        for (Param p : layer.params()) p.zeroGrad();
        Tensor dx = layer.backward(Tensor.of(r.clone(), outShape));
        List<String> failures = new ArrayList<>();
        compare("input", x.data, dx.data, () -> loss(layer, x, r, cs), cs.h(), failures);
        for (Param p : layer.params()) {
            if (!p.trainable) continue;
            compare(p.name, p.value.data, p.grad.data, () -> loss(layer, x, r, cs), cs.h(), failures);
        }
        assertTrue(failures.isEmpty(), cs.name() + ": " + String.join("; ", failures.subList(0, Math.min(3, failures.size()))));
        assertTrue(y.size() == r.length);
    }

    interface Loss {
        double eval();
    }

    static double loss(Layer layer, Tensor x, float[] r, Case cs) {
        layer.setSeed(7); // the same dropout mask at every evaluation
        Tensor y = layer.forward(x, cs.training());
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) r[i] * y.data[i];
        return s;
    }

    static void compare(String what, float[] values, float[] analytic, Loss f, double h, List<String> failures) {
        // BatchNormalization in training mode updates moving statistics on every forward; they do not
        // enter the training-mode output, so the repeated forwards do not disturb the check.
        for (int i = 0; i < values.length; i++) {
            float keep = values[i];
            values[i] = (float) (keep + h);
            double up = f.eval();
            values[i] = (float) (keep - h);
            double down = f.eval();
            values[i] = keep;
            double num = (up - down) / (2 * h);
            double ana = analytic[i];
            if (Math.abs(num - ana) > 1e-3 + 1e-2 * Math.max(Math.abs(num), Math.abs(ana))) {
                failures.add(String.format("d/d %s[%d]: numeric %.6g analytic %.6g", what, i, num, ana));
            }
        }
    }
}
