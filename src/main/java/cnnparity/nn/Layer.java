package cnnparity.nn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Keras layer, forward and backward.
 *
 * <p>Contract, in the style of llm.c: {@link #forward} computes the output for a batch and keeps
 * what {@link #backward} needs (its input, an argmax, a mask); {@link #backward} takes
 * d(loss)/d(output) of that last forward call, <em>adds</em> d(loss)/d(weight) into each
 * {@link Param#grad} and returns d(loss)/d(input). Shapes exclude the batch dimension in
 * {@link #build} and {@link #outputShape}, and include it in tensors.
 *
 * <p>Each subclass is named as the Keras class and reads the Keras config keys one to one; the
 * config it was made from is kept for {@code summary} and for writing the model back out.
 */
public abstract class Layer {
    protected final String name;
    protected final ObjectNode config;
    protected int[] inputShape;

    protected Layer(ObjectNode config) {
        this.config = config;
        this.name = config.path("name").asText(getClass().getSimpleName().toLowerCase());
    }

    public String name() {
        return name;
    }

    /** The Keras class name, e.g. {@code Conv2D}. */
    public String className() {
        return getClass().getSimpleName();
    }

    public ObjectNode config() {
        return config;
    }

    /** Output shape (no batch dimension) for an input shape (no batch dimension). */
    public abstract int[] outputShape(int[] inputShape);

    /** Creates the weights for this input shape (no batch dimension). Called once, before forward. */
    public void build(int[] inputShape) {
        this.inputShape = inputShape.clone();
    }

    public boolean isBuilt() {
        return inputShape != null;
    }

    public int[] inputShape() {
        return inputShape;
    }

    /** {@code training} selects training behaviour (Dropout masks, BatchNormalization batch statistics). */
    public abstract Tensor forward(Tensor x, boolean training);

    /** d(loss)/d(input) from d(loss)/d(output) of the last forward call; accumulates weight gradients. */
    public abstract Tensor backward(Tensor dy);

    /** Weights in Keras order: trainable first, then non-trainable. Empty for weightless layers. */
    public List<Param> params() {
        return List.of();
    }

    /**
     * The number of weight values {@link #build} would allocate for this input shape, computed
     * without allocating: the loaders check it against the file's size first, so a forged config
     * cannot make the engine allocate gigabytes.
     */
    public long paramCountFor(int[] inputShape) {
        return 0;
    }

    public long paramCount() {
        long n = 0;
        for (Param p : params()) n += p.value.size();
        return n;
    }

    /**
     * Whether {@link #backward} must compute d(loss)/d(input). The model's first layer skips it in
     * training (nothing consumes it, Keras does not compute it either); parity checks keep it.
     */
    protected boolean needInputGradient = true;

    public void setNeedInputGradient(boolean need) {
        this.needInputGradient = need;
    }

    /**
     * Inference through this layer and {@code next} at once, when the pair has a fused path
     * (Conv2D followed by 2x2 MaxPooling2D: the conv output never goes out to memory); null
     * otherwise. Must equal {@code next.forward(forward(x, false), false)} bit for bit, or to
     * rounding where it computes the convolution by another algorithm (Winograd). Only
     * {@link Model#forward} with training off uses it: the parity harness reads every layer's
     * output through {@link Model#forwardAll}, which never fuses.
     */
    public Tensor forwardInferenceFused(Layer next, Tensor x) {
        return null;
    }

    /**
     * Training forward through this layer and {@code next} at once, when the pair has a fused
     * path; null otherwise. The output must equal the layer-by-layer one (bit for bit, or to
     * rounding as {@link #forwardInferenceFused}), and
     * {@link #backwardTrainingFused} must then give the same gradients as {@code backward} of both.
     * Only {@link Model#forwardTraining} uses it (the trainer's step); the parity harness does not.
     */
    public Tensor forwardTrainingFused(Layer next, Tensor x) {
        return null;
    }

    /** Backward through the pair of the last {@link #forwardTrainingFused}, from d(loss)/d(output of next). */
    public Tensor backwardTrainingFused(Tensor dy) {
        throw new UnsupportedOperationException(name + " has no fused backward");
    }

    /** Seeds any randomness the layer uses in training (Dropout). */
    public void setSeed(long seed) {
    }

    @Override
    public String toString() {
        return name + " (" + className() + ")";
    }
}
