package cnnparity.train;

import cnnparity.data.Dataset;
import cnnparity.keras.KerasModelWriter;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code model.fit}: epochs of shuffled mini-batches, a progress bar, validation figures, a history,
 * a checkpoint per epoch, early stopping, and a stop with a clear message on a NaN or infinite loss.
 *
 * <p>Determinism: epoch e shuffles with seed {@code seed + e} and seeds Dropout with
 * {@code seed * 1000003 + e}, so a run resumed from the checkpoint of epoch e repeats exactly what
 * the uninterrupted run would have done.
 */
public final class Trainer {
    /** What {@code fit} takes. {@code validation} may be null; {@code patience} 0 disables early stopping. */
    public record Config(int epochs, int batchSize, long seed, boolean shuffle, int patience, boolean interactive) {
    }

    /** Thrown when the loss stops being a finite number; the last good checkpoint stays. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }

    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Config config;
    private final PrintStream out;

    public Trainer(Model model, Loss loss, Optimizer optimizer, Config config, PrintStream out) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.config = config;
        this.out = out;
    }

    /** Refuses an output directory that cannot be written or lacks room for a few checkpoints, before any work. */
    public static void checkOutputDir(Path dir, Model model) throws IOException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IOException(dir + ": output directory is not writable (" + e.getMessage() + ")");
        }
        FileStore fs = Files.getFileStore(dir);
        long need = model.paramCount() * 4L * 8 + (1 << 20); // model, .h5, checkpoint with optimizer slots, temp copies
        if (fs.getUsableSpace() < need) {
            throw new IOException(dir + ": only " + fs.getUsableSpace() / 1024 + " KB free, training needs about " + need / 1024 + " KB");
        }
    }

    /**
     * Trains from {@code startEpoch} (0, or the checkpoint's epochs_done when resuming).
     *
     * @return the history of the epochs run in this call, appended to {@code history}
     */
    public History fit(Dataset train, Dataset validation, int startEpoch, History history, Path checkpoint, JsonNode settings) throws IOException {
        int n = train.size();
        int steps = (n + config.batchSize() - 1) / config.batchSize();
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        for (Map<String, Double> e : history.epochs()) {
            double v = e.getOrDefault(validation != null ? "val_loss" : "loss", Double.NaN);
            if (v < best) {
                best = v;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        int k = train.numClasses();
        for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
            out.printf("Epoch %d/%d%n", epoch + 1, config.epochs());
            long t0 = System.nanoTime();
            int[] order = config.shuffle() ? train.permutation(config.seed() + epoch) : java.util.stream.IntStream.range(0, n).toArray();
            model.setSeed(config.seed() * 1_000_003L + epoch);
            ProgressBar bar = new ProgressBar(out, steps, config.interactive());
            double lossSum = 0;
            long correct = 0, seen = 0;
            float lr = optimizer.currentLearningRate();
            for (int s = 0; s < steps; s++) {
                int from = s * config.batchSize(), to = Math.min(n, from + config.batchSize());
                Tensor x = train.images(order, from, to), y = train.oneHot(order, from, to);
                Backprop.Step r = Backprop.step(model, loss, x, y);
                if (!Double.isFinite(r.loss())) {
                    out.println();
                    throw new DivergedException(String.format("loss became %s at epoch %d, step %d/%d: training stopped%s",
                            r.loss(), epoch + 1, s + 1, steps, checkpoint != null && Files.exists(checkpoint)
                                    ? "; the last good checkpoint (" + epoch + " epochs) is " + checkpoint : "; no checkpoint was written yet"));
                }
                optimizer.step(model.trainableParams());
                lossSum += r.loss() * (to - from);
                for (int i = 0; i < to - from; i++) if (Evaluation.argmax(r.prediction().data, i * k, k) == train.labels()[order[from + i]]) correct++;
                seen += to - from;
                bar.update(s + 1, String.format("accuracy: %.4f - loss: %.4f", (double) correct / seen, lossSum / seen));
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("epoch", (double) (epoch + 1));
            m.put("loss", lossSum / seen);
            m.put("accuracy", (double) correct / seen);
            String line = String.format("accuracy: %.4f - loss: %.4f", m.get("accuracy"), m.get("loss"));
            if (validation != null) {
                Evaluation v = Evaluation.of(model, validation, loss, 500);
                m.put("val_loss", v.loss);
                m.put("val_accuracy", v.accuracy);
                line += String.format(" - val_accuracy: %.4f - val_loss: %.4f", v.accuracy, v.loss);
            }
            m.put("learning_rate", (double) lr);
            m.put("seconds", (System.nanoTime() - t0) / 1e9);
            m.put("images_per_second", n / ((System.nanoTime() - t0) / 1e9));
            bar.finish(line);
            history.add(m);
            if (checkpoint != null) Checkpoint.write(checkpoint, model, optimizer, epoch + 1, settings);
            double monitored = m.getOrDefault(validation != null ? "val_loss" : "loss", Double.NaN);
            if (monitored < best) {
                best = monitored;
                sinceBest = 0;
            } else if (config.patience() > 0 && ++sinceBest >= config.patience()) {
                out.printf("Early stopping: %s has not improved for %d epochs (best %.4f)%n", validation != null ? "val_loss" : "loss", sinceBest, best);
                break;
            }
        }
        return history;
    }

    /** Saves the trained model as .keras and .h5. */
    public static void saveModel(Model model, Path dir, String name, JsonNode compileConfig) throws IOException {
        KerasModelWriter.saveKeras(model, dir.resolve(name + ".keras"), compileConfig);
        KerasModelWriter.saveH5(model, dir.resolve(name + ".h5"), null);
    }
}
