package cnnparity.train;

import cnnparity.nn.Activations;
import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.SoftmaxOutput;
import cnnparity.nn.Tensor;
import cnnparity.nn.layers.Conv2D;
import cnnparity.nn.layers.Dense;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One forward and backward pass of a model under a loss, the way Keras's train step computes it.
 *
 * <p>When the model ends in a softmax and the loss is a cross-entropy, Keras (TF backend) computes
 * the loss from the softmax's logits, so the gradient at the logits is the fused
 * {@code (p - y) / N} and the softmax Jacobian is skipped (keras/src/backend/tensorflow/nn.py
 * {@code _get_logits}); this does the same. Binary cross-entropy after a sigmoid is fused the same
 * way ({@code sigmoid} sets {@code _keras_logits} too): the gradient at the logits is
 * {@code (sigmoid(z) - y) / (K N)}.
 */
public final class Backprop {
    /** What one pass produced. {@code outputGrads.get(i)} is d(loss)/d(output of layer i), null for a fused last layer. */
    public record Result(double loss, Tensor prediction, List<Tensor> outputs, List<Tensor> outputGrads, Tensor logitsGrad,
                         Tensor inputGrad, boolean fused) {
    }

    private Backprop() {
    }

    /** Zeroes the gradients, runs forward (training mode) and backward; the params' grads hold d(loss)/d(w). */
    public static Result run(Model model, Loss loss, Tensor x, Tensor y, boolean training) {
        return run(model, loss, x, y, training, true);
    }

    /** As {@link #run(Model, Loss, Tensor, Tensor, boolean)}; without {@code inputGrad} the first layer skips d(loss)/d(x). */
    public static Result run(Model model, Loss loss, Tensor x, Tensor y, boolean training, boolean inputGrad) {
        model.layers().get(0).setNeedInputGradient(inputGrad);
        model.zeroGrad();
        List<Tensor> outs = model.forwardAll(x, training);
        Tensor pred = outs.get(outs.size() - 1);
        List<Layer> layers = model.layers();
        Head head = head(model, loss, pred, y);
        List<Tensor> grads = new ArrayList<>(Collections.nCopies(layers.size(), null));
        Tensor dy = head.dy();
        int i = head.below();
        for (; i >= 0; i--) {
            grads.set(i, dy);
            dy = layers.get(i).backward(dy);
        }
        return new Result(head.loss(), pred, outs, grads, head.logitsGrad(), dy, head.logitsGrad() != null);
    }

    /** What a training step produced: the loss and the model's prediction (valid until the next step). */
    public record Step(double loss, Tensor prediction) {
    }

    /**
     * One training step's forward and backward, as {@link #run} computes it, without keeping each
     * layer's output and output gradient: layer pairs with a fused path (Conv2D + 2x2
     * MaxPooling2D) run as one, so their full-size intermediate tensors never go out to memory.
     * Bit for bit {@link #run}'s loss and gradients, except where such a pair's convolution goes
     * through Winograd's algorithm (nn.kernels.Winograd: a 3x3 kernel on 8 or more channels;
     * a rounding-level difference, FastPathsTest bounds it). The trainer's and the benchmark's step; the
     * parity harness uses {@link #run}, which reports every layer.
     */
    public static Step step(Model model, Loss loss, Tensor x, Tensor y) {
        model.layers().get(0).setNeedInputGradient(false);
        model.zeroGrad();
        Tensor pred = model.forwardTraining(x);
        Head head = head(model, loss, pred, y);
        if (head.below() >= 0) model.backwardTraining(head.dy(), head.below());
        return new Step(head.loss(), pred);
    }

    /**
     * The loss of a training forward, and d(loss)/d(output of layer {@code below}): through the
     * last layer's fused logits path when Keras computes the loss from its logits (then
     * {@code logitsGrad} is set and {@code below} is the layer before it), else from the prediction.
     */
    private record Head(double loss, Tensor dy, Tensor logitsGrad, int below) {
    }

    private static Head head(Model model, Loss loss, Tensor pred, Tensor y) {
        List<Layer> layers = model.layers();
        int last = layers.size() - 1;
        SoftmaxOutput fused = fusedOutput(loss, layers.get(last));
        if (fused == null) return new Head(loss.value(pred, y), loss.gradient(pred, y), null, last);
        Tensor logitsGrad = loss.logitsGradient(pred, y);
        return new Head(loss.valueFromLogits(fused.lastLogits(), y), fused.backwardFromLogits(logitsGrad), logitsGrad, last - 1);
    }

    /**
     * The model's last layer when Keras (TF backend, keras/src/backend/tensorflow/nn.py
     * {@code _get_logits}) computes this loss from that layer's logits: a softmax output with a
     * categorical cross-entropy, a sigmoid output with binary cross-entropy. Null otherwise.
     */
    public static SoftmaxOutput fusedOutput(Loss loss, Layer last) {
        if (!(last instanceof SoftmaxOutput so)) return null;
        if (loss.fusesWithSoftmax() && so.hasSoftmaxOutput()) return so;
        if (loss.fusesWithSigmoid() && isSigmoid(last)) return so;
        return null;
    }

    private static boolean isSigmoid(Layer l) {
        Activations.Fn f = null;
        if (l instanceof Dense d) {
            f = d.activation();
        } else if (l instanceof Conv2D c) {
            f = c.activation();
        } else if (l.className().equals("Activation")) {
            try {
                f = Activations.fromConfig(l.config().get("activation"), l.name());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return f != null && f.name().equals("sigmoid");
    }

    /**
     * The loss of a forward pass's prediction as Keras reports it (fit, evaluate): from the last
     * layer's logits when {@link #fusedOutput fused}, else from the prediction. Call right after
     * {@code model.forward} (the logits are those of the last forward call).
     */
    public static double lossValue(Model model, Loss loss, Tensor prediction, Tensor y) {
        List<Layer> layers = model.layers();
        SoftmaxOutput so = fusedOutput(loss, layers.get(layers.size() - 1));
        return so != null ? loss.valueFromLogits(so.lastLogits(), y) : loss.value(prediction, y);
    }
}
