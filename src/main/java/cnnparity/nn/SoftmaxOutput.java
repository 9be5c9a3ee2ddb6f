package cnnparity.nn;

/**
 * A layer whose output is a softmax over the last axis (Dense/Conv2D with activation "softmax",
 * an Activation("softmax") or a Softmax layer).
 *
 * <p>Keras on the TensorFlow backend computes categorical cross-entropy from the logits when the
 * probabilities come straight from a softmax (keras/src/backend/tensorflow/nn.py,
 * categorical_crossentropy reads {@code output._keras_logits}); the fused gradient
 * {@code (p - y) / N} is then exact even where p underflows. Training uses this entry point to
 * skip the softmax Jacobian.
 */
public interface SoftmaxOutput {
    /** True when the softmax is active for this layer (a Dense with another activation is not). */
    boolean hasSoftmaxOutput();

    /** Like {@link Layer#backward} but given d(loss)/d(logits), the values before the softmax. */
    Tensor backwardFromLogits(Tensor dLogits);

    /** The pre-softmax values of the last forward call, shape of the output. */
    Tensor lastLogits();
}
