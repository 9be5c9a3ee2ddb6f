package cnnparity.nn;

import java.util.Arrays;

/**
 * A dense float tensor: a flat row-major array plus an explicit shape.
 *
 * <p>Images are channels_last, as Keras stores them: {@code x: (N, H, W, C)}, element
 * {@code (n, h, w, c)} at {@code ((n*H + h)*W + w)*C + c}. Dense activations are {@code (N, F)}.
 * Layers read and write {@link #data} directly; there is no hidden stride or view machinery, so a
 * faster kernel can replace a loop without changing any layer's contract.
 */
public final class Tensor {
    public final int[] shape;
    public final float[] data;

    public Tensor(int[] shape, float[] data) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + shapeString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + shapeString(shape) + " is too large");
        }
        return new Tensor(shape, new float[(int) n]);
    }

    /**
     * {@code t} itself when it already has this shape, else a new zero tensor: how layers keep their
     * outputs and gradients as their own buffers, reused from batch to batch while the shape stays.
     */
    public static Tensor reuse(Tensor t, int... shape) {
        return t != null && Arrays.equals(t.shape, shape) ? t : zeros(shape);
    }

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(shape, data);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + shapeString(shape));
            n *= d;
        }
        return n;
    }

    public int size() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Batch size: the first dimension. */
    public int batch() {
        return shape[0];
    }

    /** Elements per sample: the product of all but the first dimension. */
    public int sampleSize() {
        return shape[0] == 0 ? 0 : data.length / shape[0];
    }

    /** Same data, another shape of the same size (no copy). */
    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public Tensor zerosLike() {
        return new Tensor(shape, new float[data.length]);
    }

    public void fill(float v) {
        Arrays.fill(data, v);
    }

    /** Samples [from, to) along the batch axis, copied. */
    public Tensor slice(int from, int to) {
        int per = shape[0] == 0 ? 0 : data.length / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * per, to * per));
    }

    /** The shape without its batch dimension. */
    public int[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    public static int[] withBatch(int batch, int[] sampleShape) {
        int[] s = new int[sampleShape.length + 1];
        s[0] = batch;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    public static String shapeString(int[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i]);
        }
        if (shape.length == 1) b.append(',');
        return b.append(')').toString();
    }

    /** Keras-style shape with a free batch dimension, e.g. {@code (None, 26, 26, 32)}. */
    public static String kerasShapeString(int[] sampleShape) {
        StringBuilder b = new StringBuilder("(None");
        for (int d : sampleShape) b.append(", ").append(d);
        return b.append(')').toString();
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString(shape);
    }
}
