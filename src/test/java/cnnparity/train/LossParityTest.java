package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Tensor;
import cnnparity.verify.Comparison;
import cnnparity.verify.Npy;
import cnnparity.verify.Tolerance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every loss against Keras (fixtures/losses) and against finite differences. */
class LossParityTest {
    static final Path DIR = Path.of("fixtures/losses");

    @TestFactory
    Stream<DynamicTest> everyLossMatchesKeras() throws Exception {
        JsonNode idx = new ObjectMapper().readTree(DIR.resolve("losses.json").toFile());
        List<DynamicTest> out = new ArrayList<>();
        Tolerance tol = Tolerance.DEFAULT;
        for (JsonNode c : idx.path("cases")) {
            String name = c.path("name").asText();
            Path d = DIR.resolve(c.path("dir").asText());
            out.add(DynamicTest.dynamicTest(name, () -> {
                Tensor yt = Npy.read(d.resolve("y_true.npy")), yp = Npy.read(d.resolve("y_pred.npy"));
                Tensor value = Npy.read(d.resolve("value.npy")), grad = Npy.read(d.resolve("grad.npy"));
                double v;
                Tensor g;
                if (name.equals("softmax_categorical_crossentropy")) {
                    Loss l = Losses.get("categorical_crossentropy");
                    Tensor probs = Losses.softmax(yp);
                    v = l.valueFromLogits(yp, yt);
                    g = l.logitsGradient(probs, yt);
                } else {
                    Loss l = Losses.fromConfig(c.path("config"));
                    v = l.value(yp, yt);
                    g = l.gradient(yp, yt);
                }
                Comparison cv = Comparison.compare(name + " value", Tensor.of(new float[] {(float) v}, 1), value, tol);
                Comparison cg = Comparison.compare(name + " gradient", g, grad, tol);
                assertTrue(cv.passed(), cv.describe());
                assertTrue(cg.passed(), cg.describe());
            }));
        }
        return out.stream();
    }

    /** Finite differences in double on the loss (the losses accumulate in double). */
    @TestFactory
    Stream<DynamicTest> everyLossMatchesFiniteDifferences() {
        List<DynamicTest> out = new ArrayList<>();
        for (String n : new String[] {"categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy", "mean_squared_error"}) {
            for (boolean logits : new boolean[] {false, true}) {
                if (n.equals("mean_squared_error") && logits) continue;
                out.add(DynamicTest.dynamicTest(n + (logits ? " from logits" : ""), () -> {
                    Loss l = switch (n) {
                        case "categorical_crossentropy" -> new Losses.CategoricalCrossentropy(logits);
                        case "sparse_categorical_crossentropy" -> new Losses.SparseCategoricalCrossentropy(logits);
                        case "binary_crossentropy" -> new Losses.BinaryCrossentropy(logits);
                        default -> new Losses.MeanSquaredError();
                    };
                    SplittableRandom rng = new SplittableRandom(3);
                    int b = 3, k = 4;
                    Tensor p = Tensor.zeros(b, k);
                    for (int i = 0; i < p.size(); i++) p.data[i] = logits || n.equals("mean_squared_error") ? (float) rng.nextDouble(-2, 2) : (float) rng.nextDouble(0.05, 0.9);
                    Tensor y = n.startsWith("sparse") ? Tensor.zeros(b) : Tensor.zeros(b, k);
                    for (int r = 0; r < b; r++) {
                        if (n.startsWith("sparse")) y.data[r] = rng.nextInt(k);
                        else if (n.startsWith("categorical")) y.data[r * k + rng.nextInt(k)] = 1;
                        else for (int j = 0; j < k; j++) y.data[r * k + j] = (float) rng.nextDouble();
                    }
                    Tensor g = l.gradient(p, y);
                    double h = 1e-3;
                    for (int i = 0; i < p.size(); i++) {
                        float keep = p.data[i];
                        p.data[i] = (float) (keep + h);
                        double up = l.value(p, y);
                        p.data[i] = (float) (keep - h);
                        double down = l.value(p, y);
                        p.data[i] = keep;
                        double num = (up - down) / (2 * h);
                        assertTrue(Math.abs(num - g.data[i]) <= 1e-4 + 1e-3 * Math.abs(num), n + " element " + i + ": numeric " + num + " analytic " + g.data[i]);
                    }
                }));
            }
        }
        return out.stream();
    }
}
