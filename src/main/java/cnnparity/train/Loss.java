package cnnparity.train;

import cnnparity.nn.Tensor;

/**
 * A Keras loss with the default reduction {@code sum_over_batch_size}: the mean of the per-sample
 * losses over the batch (keras/src/losses/loss.py). Formulas: keras/src/backend/tensorflow/nn.py.
 */
public interface Loss {
    /** The Keras name, e.g. {@code categorical_crossentropy}. */
    String name();

    /** The batch-mean loss of predictions {@code yPred} (N, K) for targets {@code yTrue}. */
    double value(Tensor yPred, Tensor yTrue);

    /** d(loss)/d(yPred), same shape as yPred. */
    Tensor gradient(Tensor yPred, Tensor yTrue);

    /**
     * True when, given a softmax output, Keras computes this loss from the softmax's logits instead
     * (TF backend {@code _get_logits}: the output carries {@code _keras_logits}).
     */
    default boolean fusesWithSoftmax() {
        return false;
    }

    /** The loss from logits (only when {@link #fusesWithSoftmax()}). */
    default double valueFromLogits(Tensor logits, Tensor yTrue) {
        throw new UnsupportedOperationException(name() + " does not fuse with softmax");
    }

    /** d(loss)/d(logits) = (softmax(logits) - y) / N, given the probabilities (only when fused). */
    default Tensor logitsGradient(Tensor probs, Tensor yTrue) {
        throw new UnsupportedOperationException(name() + " does not fuse with softmax");
    }
}
