package cnnparity.verify;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import cnnparity.nn.layers.Dropout;
import cnnparity.train.Backprop;
import cnnparity.train.Losses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient parity with TensorFlow's GradientTape (fixtures/&lt;id&gt;/gradients, written by
 * python-export/export_gradients.py): one labelled batch in training mode with Dropout disabled.
 * Checked, in the order the backward pass produces them: the loss, each layer's training-mode
 * output, d(loss)/d(output) of each layer from the last to the first, d(loss)/d(weight), the
 * BatchNormalization moving statistics after the forward, and d(loss)/d(input).
 */
public final class GradientParity {
    /** One check; {@code section} is loss, train-forward, output-grad, weight-grad, bn-update or input-grad. */
    public record Check(String section, String name, String className, Comparison comparison) {
    }

    private GradientParity() {
    }

    public static boolean present(Fixture f) {
        return Files.isRegularFile(f.dir().resolve("gradients/gradients.json"));
    }

    public static List<Check> run(Model model, Fixture f, Tolerance tol) throws IOException {
        Path dir = f.dir().resolve("gradients");
        JsonNode g = new ObjectMapper().readTree(dir.resolve("gradients.json").toFile());
        for (Layer l : model.layers()) if (l instanceof Dropout d) d.setRate(0);
        Tensor x = Npy.read(dir.resolve(g.path("x").asText()));
        Tensor y = Npy.read(dir.resolve(g.path("y").asText()));
        Backprop.Result r = Backprop.run(model, Losses.get(g.path("loss").asText()), x, y, g.path("training").asBoolean(true));
        List<Check> checks = new ArrayList<>();
        Tensor kerasLoss = Npy.read(dir.resolve(g.path("loss_file").asText()));
        checks.add(new Check("loss", g.path("loss").asText(), "", Comparison.compare("loss",
                Tensor.of(new float[] {(float) r.loss()}, 1), kerasLoss, tol)));
        List<Layer> layers = model.layers();
        JsonNode infos = g.path("layers");
        if (infos.size() != layers.size()) throw new IllegalArgumentException(dir + ": " + infos.size() + " layers, model has " + layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            JsonNode info = infos.get(i);
            if (!info.path("name").asText().equals(l.name())) throw new IllegalArgumentException(dir + ": layer " + i + " is '" + info.path("name").asText() + "', model has '" + l.name() + "'");
            checks.add(new Check("train-forward", l.name(), l.className(), Comparison.compare(l.name(), r.outputs().get(i),
                    Npy.read(dir.resolve(info.path("output").asText())), tol)));
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            JsonNode info = infos.get(i);
            if (info.hasNonNull("output_grad") && r.outputGrads().get(i) != null) {
                checks.add(new Check("output-grad", l.name(), l.className(), Comparison.compare("d loss / d " + l.name(),
                        r.outputGrads().get(i), Npy.read(dir.resolve(info.path("output_grad").asText())), tol)));
            } else if (info.hasNonNull("logits_grad") && r.logitsGrad() != null) {
                checks.add(new Check("output-grad", l.name() + " (logits)", l.className(), Comparison.compare("d loss / d logits of " + l.name(),
                        r.logitsGrad(), Npy.read(dir.resolve(info.path("logits_grad").asText())), tol)));
            } else {
                throw new IllegalArgumentException(dir + ": layer '" + l.name() + "': the fixture and the Java pass disagree on whether the loss is fused with the softmax");
            }
            for (JsonNode w : info.path("weights")) {
                Param p = param(l, w.path("name").asText(), dir);
                checks.add(new Check("weight-grad", l.name() + "." + p.name, l.className(), Comparison.compare("d loss / d " + l.name() + "." + p.name,
                        p.grad, Npy.read(dir.resolve(w.path("file").asText())), tol)));
            }
            for (JsonNode w : info.path("after_forward")) {
                Param p = param(l, w.path("name").asText(), dir);
                checks.add(new Check("bn-update", l.name() + "." + p.name, l.className(), Comparison.compare(l.name() + "." + p.name + " after the training forward",
                        p.value, Npy.read(dir.resolve(w.path("file").asText())), tol)));
            }
        }
        checks.add(new Check("input-grad", "input", "", Comparison.compare("d loss / d input", r.inputGrad(),
                Npy.read(dir.resolve(g.path("input_grad").asText())), tol)));
        // Each backward on its own (llm.c style): Keras's gradient at a layer's output, fed through the
        // Java layer's backward, must give Keras's gradient at its input. A bug in one backward fails
        // here at exactly that layer, whatever the layers around it do.
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            JsonNode info = infos.get(i);
            Tensor dx;
            if (info.hasNonNull("output_grad")) {
                dx = l.backward(Npy.read(dir.resolve(info.path("output_grad").asText())));
            } else {
                dx = ((cnnparity.nn.SoftmaxOutput) l).backwardFromLogits(Npy.read(dir.resolve(info.path("logits_grad").asText())));
            }
            String expected = i == 0 ? g.path("input_grad").asText() : infos.get(i - 1).path("output_grad").asText();
            checks.add(new Check("layer-backward", l.name(), l.className(), Comparison.compare("backward of " + l.name()
                    + " alone: d loss / d its input", dx, Npy.read(dir.resolve(expected)), tol)));
        }
        return checks;
    }

    static Param param(Layer l, String name, Path dir) {
        for (Param p : l.params()) if (p.name.equals(name)) return p;
        throw new IllegalArgumentException(dir + ": layer '" + l.name() + "' has no weight '" + name + "'");
    }

    /** Adds the gradient checks to a verify report when the fixture has them. */
    public static void addIfPresent(Model model, Fixture f, Tolerance tol, VerifyReport report) throws IOException {
        if (!present(f)) return;
        for (Check c : run(model, f, tol)) {
            report.add(new VerifyReport.Row(c.section(), c.name(), c.className(), Tensor.shapeString(c.comparison().shape()), c.comparison()));
        }
    }
}
