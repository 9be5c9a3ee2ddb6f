package cnnparity.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A linear chain of layers: a Keras Sequential model, or a Functional model whose graph is a chain.
 *
 * <p>{@link #layers()} follows Keras's {@code model.layers} without the InputLayer, whose shape is
 * kept as {@link #inputShape()} (no batch dimension).
 */
public final class Model {
    private final String name;
    private final String kerasClass;
    private final int[] inputShape;
    private final String inputName;
    private final List<Layer> layers;

    public Model(String name, String kerasClass, String inputName, int[] inputShape, List<Layer> layers) {
        this.name = name;
        this.kerasClass = kerasClass;
        this.inputName = inputName;
        this.inputShape = inputShape.clone();
        this.layers = new ArrayList<>(layers);
        int[] shape = this.inputShape;
        for (Layer layer : this.layers) {
            if (!layer.isBuilt()) layer.build(shape);
            shape = layer.outputShape(shape);
        }
    }

    public String name() {
        return name;
    }

    /** {@code Sequential} or {@code Functional}. */
    public String kerasClass() {
        return kerasClass;
    }

    public String inputName() {
        return inputName;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        int[] shape = inputShape;
        for (Layer layer : layers) shape = layer.outputShape(shape);
        return shape;
    }

    /** Output shape (no batch dimension) of layer {@code i}. */
    public int[] outputShapeAfter(int i) {
        int[] shape = inputShape;
        for (int k = 0; k <= i; k++) shape = layers.get(k).outputShape(shape);
        return shape;
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public Layer layer(String layerName) {
        for (Layer l : layers) if (l.name().equals(layerName)) return l;
        return null;
    }

    public Tensor forward(Tensor x, boolean training) {
        // inference: layer pairs with a fused path (Conv2D + 2x2 MaxPooling2D) run as one
        return run(x, training, !training);
    }

    private boolean[] fusedWithNext = new boolean[0];

    /** Told how long each stage took: a layer (first == last) or a fused pair (first, first + 1). */
    public interface StageTimer {
        void stage(int first, int last, boolean backward, long nanos);
    }

    private StageTimer timer;

    /** Times every stage of {@link #forward}, {@link #forwardTraining} and {@link #backwardTraining} (bench --layers); null: none. */
    public void setStageTimer(StageTimer timer) {
        this.timer = timer;
    }

    /**
     * The trainer's forward (training mode): layer pairs with a fused path run as one
     * ({@link Layer#forwardTrainingFused}); {@link #backwardTraining} must follow. Same outputs and
     * gradients as {@link #forwardAll} and {@link #backward} (bit for bit, or to rounding where a
     * pair's convolution runs through nn.kernels.Winograd), without the intermediate tensors of
     * the fused pairs.
     */
    public Tensor forwardTraining(Tensor x) {
        return run(x, true, true);
    }

    /** Every layer forward, pairs with a fused path as one when {@code fuse}; a fused training forward records which, for backwardTraining. */
    private Tensor run(Tensor x, boolean training, boolean fuse) {
        checkInput(x);
        boolean record = training && fuse;
        if (record) {
            if (fusedWithNext.length != layers.size()) fusedWithNext = new boolean[layers.size()];
            java.util.Arrays.fill(fusedWithNext, false);
        }
        for (int i = 0; i < layers.size(); i++) {
            long t0 = timer != null ? System.nanoTime() : 0;
            if (fuse && i + 1 < layers.size()) {
                Layer layer = layers.get(i), next = layers.get(i + 1);
                Tensor y = training ? layer.forwardTrainingFused(next, x) : layer.forwardInferenceFused(next, x);
                if (y != null) {
                    if (record) fusedWithNext[i] = true;
                    x = y;
                    if (timer != null) timer.stage(i, i + 1, false, System.nanoTime() - t0);
                    i++;
                    continue;
                }
            }
            x = layers.get(i).forward(x, training);
            if (timer != null) timer.stage(i, i, false, System.nanoTime() - t0);
        }
        return x;
    }

    /** Back-propagates from d(loss)/d(output of layer {@code last}) down to the input, after {@link #forwardTraining}. */
    public Tensor backwardTraining(Tensor dy, int last) {
        for (int i = last; i >= 0; i--) {
            long t0 = timer != null ? System.nanoTime() : 0;
            int first = i > 0 && fusedWithNext[i - 1] ? i - 1 : i;
            dy = first < i ? layers.get(first).backwardTrainingFused(dy) : layers.get(i).backward(dy);
            if (timer != null) timer.stage(first, i, true, System.nanoTime() - t0);
            i = first;
        }
        return dy;
    }

    /** Every layer's output, in order: what the parity harness compares. */
    public List<Tensor> forwardAll(Tensor x, boolean training) {
        checkInput(x);
        List<Tensor> outs = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            x = layer.forward(x, training);
            outs.add(x);
        }
        return outs;
    }

    /** Back-propagates d(loss)/d(output) through every layer; returns d(loss)/d(input). */
    public Tensor backward(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) dy = layers.get(i).backward(dy);
        return dy;
    }

    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) all.addAll(l.params());
        return all;
    }

    public List<Param> trainableParams() {
        List<Param> all = new ArrayList<>();
        for (Param p : params()) if (p.trainable) all.add(p);
        return all;
    }

    public long paramCount() {
        long n = 0;
        for (Layer l : layers) n += l.paramCount();
        return n;
    }

    public void zeroGrad() {
        for (Param p : params()) p.zeroGrad();
    }

    public void setSeed(long seed) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).setSeed(seed * 1_000_003L + i);
    }

    private void checkInput(Tensor x) {
        if (x.rank() != inputShape.length + 1) {
            throw new IllegalArgumentException("model " + name + " expects input (batch"
                    + Tensor.kerasShapeString(inputShape).substring(5) + ", got " + Tensor.shapeString(x.shape));
        }
        for (int i = 0; i < inputShape.length; i++) {
            if (inputShape[i] > 0 && x.shape[i + 1] != inputShape[i]) {
                throw new IllegalArgumentException("model " + name + " expects input "
                        + Tensor.kerasShapeString(inputShape) + ", got " + Tensor.shapeString(x.shape));
            }
        }
    }
}
