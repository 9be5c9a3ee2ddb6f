package cnnparity.data;

import cnnparity.nn.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Labelled images: {@code x: (N, H, W, C)} float32 in [0, 1] (uint8 / 255, as the Keras MNIST
 * example scales them) and integer labels.
 */
public record Dataset(String name, Tensor x, int[] labels, int numClasses, String provenance) {
    public Dataset {
        if (x.dim(0) != labels.length) throw new IllegalArgumentException(name + ": " + x.dim(0) + " images but " + labels.length + " labels");
        for (int l : labels) if (l < 0 || l >= numClasses) throw new IllegalArgumentException(name + ": label " + l + " outside [0, " + numClasses + ")");
    }

    public int size() {
        return labels.length;
    }

    public int[] sampleShape() {
        return x.sampleShape();
    }

    public Dataset subset(int from, int to) {
        return new Dataset(name, x.slice(from, to), Arrays.copyOfRange(labels, from, to), numClasses, provenance);
    }

    /** Keras's validation_split: the last {@code fraction} of the samples, taken before any shuffling. */
    public Dataset[] splitLast(double fraction) {
        if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("validation split must be in (0, 1), got " + fraction);
        int cut = (int) Math.round(size() * (1 - fraction));
        return new Dataset[] {subset(0, cut), subset(cut, size())};
    }

    /** A permutation of the sample indices, the same for the same seed. */
    public int[] permutation(long seed) {
        int[] p = new int[size()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The images at these indices: (B, H, W, C). */
    public Tensor images(int[] idx, int from, int to) {
        int per = x.sampleSize();
        Tensor b = Tensor.zeros(Tensor.withBatch(to - from, x.sampleShape()));
        for (int i = from; i < to; i++) System.arraycopy(x.data, idx[i] * per, b.data, (i - from) * per, per);
        return b;
    }

    /** One-hot labels at these indices: (B, numClasses). */
    public Tensor oneHot(int[] idx, int from, int to) {
        Tensor y = Tensor.zeros(to - from, numClasses);
        for (int i = from; i < to; i++) y.data[(i - from) * numClasses + labels[idx[i]]] = 1f;
        return y;
    }

    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (int l : labels) c[l]++;
        return c;
    }
}
