package cnnparity.cli;

import cnnparity.data.DataSets;
import cnnparity.data.Dataset;
import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.train.Evaluation;
import cnnparity.train.Losses;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Accuracy, loss, per-class precision/recall/F1 and the confusion matrix of a model on a data set's test part.",
        footer = {"", "Examples:", "  cnn-parity evaluate runs/train/model.keras",
                "  cnn-parity evaluate reference/simple_mnist_convnet.h5 --data ../shared/data/mnist"})
public final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--config", paramLabel = "JSON", description = "architecture JSON for a weights-only file")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "IDX dir, mnist.npz or image folders (default: the embedded digits' test part)")
    Path data;

    @Option(names = "--save-predictions", paramLabel = "DIR", description = "write the test inputs and Java's probabilities as DIR/inputs.npy and DIR/predictions.npy (for python-export/check_java_model.py)")
    Path savePredictions;

    @Override
    public Integer call() throws java.io.IOException {
        LoadedModel m = config == null ? KerasModelLoader.load(model) : KerasModelLoader.load(model, config);
        DataSets.Split s = data == null ? DataSets.embeddedMnist() : DataSets.load(data);
        Dataset test = s.test() != null ? s.test() : s.train();
        if (!java.util.Arrays.equals(m.model().inputShape(), test.sampleShape())) {
            throw new IllegalArgumentException(model + " takes input " + cnnparity.nn.Tensor.kerasShapeString(m.model().inputShape())
                    + " but the data has " + cnnparity.nn.Tensor.kerasShapeString(test.sampleShape()));
        }
        System.out.printf("%s on %,d images of %s%n", model, test.size(), test.provenance());
        Evaluation.of(m.model(), test, Losses.get("categorical_crossentropy"), 500).print(System.out);
        if (savePredictions != null) {
            cnnparity.nn.Tensor probs = m.model().forward(test.x(), false);
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            cnnparity.verify.Npy.write(test.x(), b);
            cnnparity.train.AtomicFiles.write(savePredictions.resolve("inputs.npy"), b.toByteArray());
            b.reset();
            cnnparity.verify.Npy.write(probs, b);
            cnnparity.train.AtomicFiles.write(savePredictions.resolve("predictions.npy"), b.toByteArray());
            System.out.println("wrote " + savePredictions.resolve("inputs.npy") + " and " + savePredictions.resolve("predictions.npy"));
        }
        return ExitCodes.OK;
    }
}
