package cnnparity.train;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Keras loss with the reduction Keras uses by default, {@code sum_over_batch_size}: the sum of
 * the per-sample losses divided by their count (keras/src/losses/loss.py {@code reduce_values}).
 * A per-sample loss reduces the last axis, so a {@code (N, K)} prediction has N of them and a
 * {@code (N, H, W, K)} one has N*H*W. Formulas: keras/src/losses/losses.py and the TensorFlow
 * backend, keras/src/backend/tensorflow/nn.py.
 *
 * <p>Values are accumulated in double; gradients are d(loss)/d(yPred), what TensorFlow's autodiff
 * gives for the same expression (zero where {@code clip_by_value} clipped).
 */
public interface Loss {
    /** The Keras function name, e.g. {@code categorical_crossentropy}. */
    String name();

    /** The reduced loss of predictions {@code yPred} for targets {@code yTrue}. */
    double value(Tensor yPred, Tensor yTrue);

    /** d(loss)/d(yPred), same shape as yPred. */
    Tensor gradient(Tensor yPred, Tensor yTrue);

    /**
     * True when, given the output of a softmax, Keras computes this loss from the softmax's logits
     * instead: the TF backend's {@code _get_logits} reads {@code output._keras_logits}, which
     * {@code keras.activations.softmax} sets, and then uses the logits whatever {@code from_logits}
     * says (keras/src/backend/tensorflow/nn.py). No clipping happens on that path.
     */
    default boolean fusesWithSoftmax() {
        return false;
    }

    /**
     * True when, given the output of a sigmoid, Keras computes this loss from the sigmoid's logits
     * ({@code sigmoid_cross_entropy_with_logits}); same mechanism as {@link #fusesWithSoftmax()}.
     */
    default boolean fusesWithSigmoid() {
        return false;
    }

    /** The loss computed from the logits of the fused activation (see {@link #fusesWithSoftmax()}). */
    default double valueFromLogits(Tensor logits, Tensor yTrue) {
        throw new UnsupportedOperationException(name() + " does not fuse with an activation");
    }

    /**
     * d(loss)/d(logits) given the activation's output {@code probs} = activation(logits): for
     * categorical cross-entropy {@code (p * sum(y) - y) / N}, i.e. {@code (p - y) / N} for one-hot y.
     */
    default Tensor logitsGradient(Tensor probs, Tensor yTrue) {
        throw new UnsupportedOperationException(name() + " does not fuse with an activation");
    }

    /** The Keras 3 serialized form, {@code {"module", "class_name", "config", "registered_name"}}. */
    ObjectNode toConfig();
}
