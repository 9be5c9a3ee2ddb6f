package cnnparity.cli;

import cnnparity.data.DataSets;
import cnnparity.data.Dataset;
import cnnparity.keras.KerasConfigParser;
import cnnparity.keras.KerasModelLoader;
import cnnparity.nn.Model;
import cnnparity.train.Checkpoint;
import cnnparity.train.Evaluation;
import cnnparity.train.History;
import cnnparity.train.Initializers;
import cnnparity.train.LearningRateSchedule;
import cnnparity.train.Loss;
import cnnparity.train.Losses;
import cnnparity.train.Optimizer;
import cnnparity.train.Optimizers;
import cnnparity.train.Presets;
import cnnparity.train.Trainer;
import cnnparity.train.TrainingChart;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a CNN from scratch, like Keras's model.fit, and save it as .keras and .h5.",
                "With no options: the simple MNIST convnet on the embedded MNIST digits (8,000 train, 2,000 test)."},
        footer = {"", "Examples:",
                "  cnn-parity train",
                "  cnn-parity train --data ../shared/data/mnist --epochs 12 --batch-size 128",
                "  cnn-parity train --preset mlp_256_128 --optimizer adam --lr 1e-3 --lr-decay 0.9",
                "  cnn-parity train --model my_arch.json --data fashion/ --validation-split 0.1 --early-stopping 3",
                "  cnn-parity train --output runs/a --resume          # continue an interrupted run",
                "",
                "Presets: simple_mnist_convnet, tutorial_cnn, lenet5, mlp_128, mlp_256_128.",
                "Writes to --output: model.keras, model.h5, history.csv, history.json, history.png, checkpoint.zip.",
                "Exit codes: 0 trained, 2 bad input (data, model, options, output dir), 3 the loss became NaN/inf."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "MNIST/Fashion-MNIST IDX dir (gz or not), mnist.npz, or DIR/<label>/*.png (default: embedded MNIST digits)")
    Path data;

    @Option(names = "--preset", defaultValue = "simple_mnist_convnet", description = "architecture preset (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--model", paramLabel = "FILE", description = "architecture from a Keras model file or JSON config (weights re-initialized)")
    Path modelFile;

    @Option(names = "--epochs", defaultValue = "6", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum, nesterov, adam, rmsprop (default: ${DEFAULT-VALUE})")
    String optimizerName;

    @Option(names = "--lr", description = "learning rate (default: the optimizer's Keras default)")
    Double lr;

    @Option(names = "--lr-decay", paramLabel = "RATE", description = "multiply the learning rate by RATE after every epoch (ExponentialDecay, staircase)")
    Double lrDecay;

    @Option(names = "--validation-split", defaultValue = "0.1", description = "fraction of the training data held out, taken from its end as Keras does (default: ${DEFAULT-VALUE}; 0 = none)")
    double validationSplit;

    @Option(names = "--validation-data", paramLabel = "DIR", description = "use this data set's test part for validation instead of a split")
    Path validationData;

    @Option(names = "--no-shuffle", description = "keep the data order in every epoch")
    boolean noShuffle;

    @Option(names = "--seed", defaultValue = "1234", description = "seed for initialization, shuffling and dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", defaultValue = "0", description = "stop when val_loss has not improved for PATIENCE epochs (0: off)")
    int patience;

    @Option(names = "--output", defaultValue = "runs/train", description = "output directory (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--resume", description = "continue from OUTPUT/checkpoint.zip")
    boolean resume;

    @Option(names = "--limit", paramLabel = "N", description = "use only the first N training images (a quick try)")
    Integer limit;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be >= 1");
        DataSets.Split split = data == null ? DataSets.embeddedMnist() : DataSets.load(data);
        Dataset train = split.train(), test = split.test();
        if (limit != null) {
            if (limit < 2) throw new IllegalArgumentException("--limit must be >= 2");
            train = train.subset(0, Math.min(limit, train.size()));
        }
        Dataset validation = null;
        if (validationData != null) {
            DataSets.Split v = DataSets.load(validationData);
            validation = v.test() != null ? v.test() : v.train();
        } else if (validationSplit > 0) {
            Dataset[] parts = train.splitLast(validationSplit);
            train = parts[0];
            validation = parts[1];
        }

        Path ckpt = output.resolve("checkpoint.zip");
        Model model;
        int startEpoch = 0;
        History history = new History();
        Checkpoint.State state = null;
        String name;
        if (resume) {
            if (!Files.isRegularFile(ckpt)) throw new IllegalArgumentException(ckpt + ": no checkpoint to resume from");
            state = Checkpoint.read(ckpt);
            model = state.model();
            startEpoch = state.epochsDone();
            name = model.name();
            if (Files.isRegularFile(output.resolve("history.json"))) history = History.readJson(output.resolve("history.json"));
            while (history.epochs().size() > startEpoch) history.epochs().remove(history.epochs().size() - 1);
            out.printf("Resuming %s from %s after epoch %d%n", name, ckpt, startEpoch);
        } else {
            if (modelFile != null) {
                model = modelFile.toString().endsWith(".json")
                        ? KerasConfigParser.parse(new ObjectMapper().readTree(modelFile.toFile()), modelFile.toString())
                        : KerasModelLoader.load(modelFile).model();
            } else {
                model = Presets.build(preset);
            }
            Initializers.initialize(model, seed);
            name = model.name();
        }
        int[] in = model.inputShape();
        if (!java.util.Arrays.equals(in, train.sampleShape())) {
            throw new IllegalArgumentException("model " + name + " takes input " + cnnparity.nn.Tensor.kerasShapeString(in)
                    + " but the data has " + cnnparity.nn.Tensor.kerasShapeString(train.sampleShape()));
        }
        Trainer.checkOutputDir(output, model);

        int steps = (train.size() + batchSize - 1) / batchSize;
        LearningRateSchedule schedule = null;
        double baseLr = lr != null ? lr : optimizerName.equals("sgd") || optimizerName.equals("momentum") || optimizerName.equals("nesterov") ? 0.01 : 1e-3;
        if (lrDecay != null) schedule = LearningRateSchedule.exponentialDecay(baseLr, steps, lrDecay, true);
        else if (lr != null) schedule = LearningRateSchedule.constant(lr);
        Optimizer opt = Optimizers.byName(optimizerName, schedule);
        if (state != null) opt.loadState(model.trainableParams(), state.optimizerState(), state.iterations());
        Loss loss = Losses.get("categorical_crossentropy");

        ObjectNode settings = new ObjectMapper().createObjectNode();
        settings.put("preset", modelFile == null ? preset : null);
        settings.put("optimizer", optimizerName).put("learning_rate", baseLr).put("batch_size", batchSize).put("epochs", epochs).put("seed", seed);
        out.printf("Training %s (%,d parameters) on %,d images of %s, validating on %s; %s, batch %d, %d epochs, seed %d%n",
                name, model.paramCount(), train.size(), train.provenance(), validation == null ? "nothing" : String.format("%,d images", validation.size()),
                opt.name() + (lrDecay != null ? " lr " + baseLr + " x" + lrDecay + "/epoch" : " lr " + baseLr), batchSize, epochs, seed);

        Trainer trainer = new Trainer(model, loss, opt, new Trainer.Config(epochs, batchSize, seed, !noShuffle, patience, System.console() != null), out);
        try {
            trainer.fit(train, validation, startEpoch, history, ckpt, settings);
        } catch (Trainer.DivergedException e) {
            writeHistory(history, name);
            spec.commandLine().getErr().println("cnn-parity train: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 3;
        }
        writeHistory(history, name);
        ObjectNode compile = new ObjectMapper().createObjectNode();
        compile.put("loss", "categorical_crossentropy");
        compile.putArray("metrics").add("accuracy");
        Trainer.saveModel(model, output, "model", compile);
        if (test != null) {
            Evaluation ev = Evaluation.of(model, test, loss, 500);
            out.printf("Test accuracy: %.4f (loss %.4f) on %,d images%n", ev.accuracy, ev.loss, test.size());
        }
        out.printf("Saved %s and %s; history in %s (csv, json, png)%n", output.resolve("model.keras"), output.resolve("model.h5"), output.resolve("history"));
        return ExitCodes.OK;
    }

    private void writeHistory(History h, String name) throws java.io.IOException {
        if (h.epochs().isEmpty()) return;
        h.writeCsv(output.resolve("history.csv"));
        h.writeJson(output.resolve("history.json"));
        TrainingChart.write(h, output.resolve("history.png"), name);
    }
}
