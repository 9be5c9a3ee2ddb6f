package cnnparity.train;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.SoftmaxOutput;
import cnnparity.nn.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One forward and backward pass of a model under a loss, the way Keras's train step computes it.
 *
 * <p>When the model ends in a softmax and the loss is a cross-entropy, Keras (TF backend) computes
 * the loss from the softmax's logits, so the gradient at the logits is the fused
 * {@code (p - y) / N} and the softmax Jacobian is skipped (keras/src/backend/tensorflow/nn.py
 * {@code _get_logits}); this does the same.
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
        Layer last = layers.get(layers.size() - 1);
        boolean fused = loss.fusesWithSoftmax() && last instanceof SoftmaxOutput so && so.hasSoftmaxOutput();
        double value;
        Tensor dy;
        Tensor logitsGrad = null;
        List<Tensor> grads = new ArrayList<>(Collections.nCopies(layers.size(), null));
        int i = layers.size() - 1;
        if (fused) {
            SoftmaxOutput so = (SoftmaxOutput) last;
            value = loss.valueFromLogits(so.lastLogits(), y);
            logitsGrad = loss.logitsGradient(pred, y);
            dy = so.backwardFromLogits(logitsGrad);
            i--;
        } else {
            value = loss.value(pred, y);
            dy = loss.gradient(pred, y);
        }
        for (; i >= 0; i--) {
            grads.set(i, dy);
            dy = layers.get(i).backward(dy);
        }
        return new Result(value, pred, outs, grads, logitsGrad, dy, fused);
    }
}
