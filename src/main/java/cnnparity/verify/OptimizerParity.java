package cnnparity.verify;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import cnnparity.nn.layers.Dropout;
import cnnparity.train.Backprop;
import cnnparity.train.Losses;
import cnnparity.train.Optimizer;
import cnnparity.train.Optimizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Optimizer-trajectory parity (fixtures/&lt;id&gt;/optimizers, python-export/export_gradients.py):
 * from the reference weights, 20 training steps on fixed batches per optimizer; the loss at every
 * step and every weight after step 1 and step 20 must match Keras.
 *
 * <p>Step 1 is held to the forward tolerance. Later steps use a trajectory tolerance: float32
 * rounding differences (summation order in convolutions) compound through 20 updates, and
 * Adam/RMSprop divide by sqrt(v), which magnifies them where gradients are small.
 */
public final class OptimizerParity {
    /** One run's checks: per-step losses, then each weight after step 1 and after the last step. */
    public record RunResult(String run, String optimizer, List<Comparison> losses, List<Comparison> step1, List<Comparison> last) {
        public double maxWeightRelAfterLast() {
            return last.stream().mapToDouble(Comparison::maxRel).max().orElse(0);
        }
    }

    private OptimizerParity() {
    }

    public static boolean present(Fixture f) {
        return Files.isRegularFile(f.dir().resolve("optimizers/optimizers.json"));
    }

    public static JsonNode index(Fixture f) throws IOException {
        return new ObjectMapper().readTree(f.dir().resolve("optimizers/optimizers.json").toFile());
    }

    /** Runs one optimizer run on a fresh model from {@code freshModel}. */
    public static RunResult run(Supplier<Model> freshModel, Fixture f, JsonNode run, Tolerance tol, Tolerance trajectoryTol) throws IOException {
        Path dir = f.dir().resolve("optimizers");
        JsonNode idx = index(f);
        int steps = idx.path("steps").asInt();
        Tensor xs = Npy.read(dir.resolve(idx.path("x").asText()));
        Tensor ys = Npy.read(dir.resolve(idx.path("y").asText()));
        Model model = freshModel.get();
        for (Layer l : model.layers()) if (l instanceof Dropout d) d.setRate(0);
        Optimizer opt = Optimizers.fromConfig(run.path("optimizer"));
        var loss = Losses.get(idx.path("loss").asText());
        String id = run.path("id").asText();
        Tensor kerasLosses = Npy.read(dir.resolve(run.path("losses").asText()));
        List<Comparison> lossChecks = new ArrayList<>();
        List<Comparison> step1 = null, last = null;
        for (int s = 0; s < steps; s++) {
            Tensor x = xs.slice(s, s + 1).reshape(Tensor.withBatch(xs.dim(1), sub(xs.shape, 2)));
            Tensor y = ys.slice(s, s + 1).reshape(Tensor.withBatch(ys.dim(1), sub(ys.shape, 2)));
            Backprop.Result r = Backprop.run(model, loss, x, y, idx.path("training").asBoolean(true));
            lossChecks.add(Comparison.compare(id + " loss at step " + (s + 1), Tensor.of(new float[] {(float) r.loss()}, 1),
                    Tensor.of(new float[] {kerasLosses.data[s]}, 1), s == 0 ? tol : trajectoryTol));
            opt.step(model.trainableParams());
            if (s == 0) step1 = compareWeights(model, dir.resolve(run.path("step1").asText()), id + " step 1", tol);
            if (s == steps - 1) last = compareWeights(model, dir.resolve(run.path("step20").asText()), id + " step " + steps, trajectoryTol);
        }
        return new RunResult(id, run.path("optimizer").path("class_name").asText(), lossChecks, step1, last);
    }

    private static int[] sub(int[] s, int from) {
        return java.util.Arrays.copyOfRange(s, from, s.length);
    }

    private static List<Comparison> compareWeights(Model model, Path dir, String what, Tolerance tol) throws IOException {
        List<Comparison> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            for (Param p : l.params()) {
                Tensor k = Npy.read(dir.resolve(l.name()).resolve(p.name + ".npy"));
                out.add(Comparison.compare(what + " " + l.name() + "." + p.name, p.value, k, tol));
            }
        }
        return out;
    }
}
