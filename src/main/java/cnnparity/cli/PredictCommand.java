package cnnparity.cli;

import cnnparity.data.ImagePreprocessor;
import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify PNG/JPEG images with a model: the class and the probabilities.",
                "For 28x28x1 models the MNIST preprocessing is applied: grayscale, inverted when dark on light,",
                "cropped to the ink, scaled into 20x20 and centred by mass in 28x28. --raw turns it off."},
        footer = {"", "Examples:", "  cnn-parity predict runs/train/model.keras digit.png", "  cnn-parity predict model.h5 --raw *.png"})
public final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Parameters(index = "1..*", paramLabel = "IMAGE", arity = "1..*")
    List<Path> images;

    @Option(names = "--raw", description = "no MNIST preprocessing: only grayscale (or RGB) and a resize to the model's input")
    boolean raw;

    @Option(names = "--config", paramLabel = "JSON")
    Path config;

    @Override
    public Integer call() {
        LoadedModel lm = config == null ? KerasModelLoader.load(model) : KerasModelLoader.load(model, config);
        Model m = lm.model();
        int[] in = m.inputShape();
        if (in.length != 3 || (in[2] != 1 && in[2] != 3)) throw new IllegalArgumentException(model + ": input " + Tensor.kerasShapeString(in) + " is not an image");
        for (Path p : images) {
            BufferedImage img = ImagePreprocessor.readImage(p);
            float[] pixels;
            if (!raw && in[0] == 28 && in[1] == 28 && in[2] == 1) {
                pixels = ImagePreprocessor.mnistStyle(img);
            } else {
                float[] g = ImagePreprocessor.grayscaleResized(img, in[0], in[1]);
                pixels = new float[in[0] * in[1] * in[2]];
                for (int i = 0; i < g.length; i++) for (int ch = 0; ch < in[2]; ch++) pixels[i * in[2] + ch] = g[i];
            }
            Tensor y = m.forward(Tensor.of(pixels, 1, in[0], in[1], in[2]), false);
            int best = 0;
            for (int j = 1; j < y.size(); j++) if (y.data[j] > y.data[best]) best = j;
            StringBuilder probs = new StringBuilder();
            for (int j = 0; j < y.size(); j++) probs.append(String.format("%s%d:%.4f", j == 0 ? "" : " ", j, y.data[j]));
            System.out.printf("%s: class %d (p=%.4f)  [%s]%n", p, best, y.data[best], probs);
        }
        return ExitCodes.OK;
    }
}
