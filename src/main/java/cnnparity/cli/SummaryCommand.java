package cnnparity.cli;

import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a Keras-like summary of a model file: layers, output shapes, parameter counts.",
        footer = {"", "Examples:", "  cnn-parity summary reference/tutorial_cnn.h5",
                "  cnn-parity summary weights.weights.h5 --config model.json"})
public final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a .h5, .keras or .weights.h5 file")
    Path modelFile;

    @Option(names = "--config", paramLabel = "JSON", description = "architecture JSON for a weights-only file")
    Path config;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LoadedModel loaded = config == null ? KerasModelLoader.load(modelFile) : KerasModelLoader.load(modelFile, config);
        print(loaded.model(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** Keras's {@code model.summary()} layout: name (class), output shape, params; then totals. */
    public static void print(Model model, PrintWriter out) {
        String fmt = "%-40s %-24s %12s%n";
        out.println("Model: \"" + model.name() + "\" (" + model.kerasClass() + ")");
        out.println("=".repeat(78));
        out.printf(fmt, "Layer (type)", "Output Shape", "Param #");
        out.println("=".repeat(78));
        out.printf(fmt, model.inputName() + " (InputLayer)", Tensor.kerasShapeString(model.inputShape()), "0");
        long trainable = 0, frozen = 0;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            out.printf(fmt, l.name() + " (" + l.className() + ")", Tensor.kerasShapeString(model.outputShapeAfter(i)),
                    String.format("%,d", l.paramCount()));
            for (var p : l.params()) {
                if (p.trainable) trainable += p.value.size();
                else frozen += p.value.size();
            }
        }
        out.println("=".repeat(78));
        out.printf(" Total params: %,d (%s)%n", trainable + frozen, bytes(4 * (trainable + frozen)));
        out.printf(" Trainable params: %,d (%s)%n", trainable, bytes(4 * trainable));
        out.printf(" Non-trainable params: %,d (%s)%n", frozen, bytes(4 * frozen));
        out.flush();
    }

    private static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format("%.2f KB", b / 1024.0);
        return String.format("%.2f MB", b / (1024.0 * 1024));
    }
}
