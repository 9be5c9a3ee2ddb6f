package cnnparity.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.keras.KerasModelLoader;
import cnnparity.nn.Model;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Gradient and optimizer parity with TensorFlow: one named test per (model, check) — loss, each
 * layer's training output and output gradient, each weight gradient, the BatchNormalization
 * updates, the input gradient — and per (model, optimizer run, weight) after 1 and 20 steps.
 */
class GradientParityTest {
    static Model model(Fixture f) {
        return KerasModelLoader.load(ForwardParityTest.ROOT.resolve("reference").resolve(f.modelId() + ".keras")).model();
    }

    @TestFactory
    Stream<DynamicNode> everyModelEveryGradient() throws IOException {
        Tolerance tol = Tolerance.fromSystemProperties();
        List<DynamicNode> out = new ArrayList<>();
        int withGradients = 0;
        for (Fixture f : ForwardParityTest.fixtures()) {
            if (!GradientParity.present(f)) continue;
            withGradients++;
            List<DynamicNode> tests = new ArrayList<>();
            for (GradientParity.Check c : GradientParity.run(model(f), f, tol)) {
                tests.add(DynamicTest.dynamicTest(c.section() + " " + c.name(), () -> {
                    assertTrue(c.comparison().passed(), f.modelId() + " " + c.section() + ": " + c.comparison().describe());
                    System.out.printf("%-22s %-14s %-34s max abs %.2e  max rel %.2e%n", f.modelId(), c.section(), c.name(),
                            c.comparison().maxAbs(), c.comparison().maxRel());
                }));
            }
            out.add(DynamicContainer.dynamicContainer(f.modelId(), tests));
        }
        assertTrue(withGradients >= 5, "every reference model has gradient fixtures");
        return out.stream();
    }

    @TestFactory
    Stream<DynamicNode> everyModelEveryOptimizerTrajectory() throws IOException {
        Tolerance tol = Tolerance.fromSystemProperties();
        Tolerance trajectory = OptimizerTolerance.get();
        List<DynamicNode> out = new ArrayList<>();
        for (Fixture f : ForwardParityTest.fixtures()) {
            if (!OptimizerParity.present(f)) continue;
            List<DynamicNode> runs = new ArrayList<>();
            for (JsonNode run : OptimizerParity.index(f).path("runs")) {
                OptimizerParity.RunResult r = OptimizerParity.run(() -> model(f), f, run, tol, trajectory);
                List<DynamicNode> tests = new ArrayList<>();
                tests.add(DynamicTest.dynamicTest("loss at every step", () -> {
                    for (Comparison c : r.losses()) assertTrue(c.passed(), f.modelId() + ": " + c.describe());
                }));
                for (Comparison c : r.step1()) tests.add(check(f, c));
                for (Comparison c : r.last()) tests.add(check(f, c));
                System.out.printf("%-22s %-16s largest relative weight error after %d steps: %.3e%n", f.modelId(), r.run(),
                        r.last().size() > 0 ? 20 : 0, r.maxWeightRelAfterLast());
                runs.add(DynamicContainer.dynamicContainer(r.run(), tests));
            }
            assertFalse(runs.isEmpty(), f.modelId() + ": optimizer fixture without runs");
            out.add(DynamicContainer.dynamicContainer(f.modelId(), runs));
        }
        return out.stream();
    }

    private static DynamicTest check(Fixture f, Comparison c) {
        return DynamicTest.dynamicTest(c.what(), () -> assertTrue(c.passed(), f.modelId() + ": " + c.describe()));
    }

    /**
     * Losses after step 1 and weights after step 20: atol 1e-4, rtol 1e-3 (-Dparity.trajectory.atol/rtol),
     * ten times the forward tolerance, because float32 rounding compounds over 20 updates.
     */
    static final class OptimizerTolerance {
        static Tolerance get() {
            return new Tolerance(Double.parseDouble(System.getProperty("parity.trajectory.atol", "1e-4")),
                    Double.parseDouble(System.getProperty("parity.trajectory.rtol", "1e-3")));
        }
    }

    static Path root() {
        return ForwardParityTest.ROOT;
    }
}
