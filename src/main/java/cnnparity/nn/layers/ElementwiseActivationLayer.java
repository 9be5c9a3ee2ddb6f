package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import cnnparity.nn.Layer;
import cnnparity.nn.SoftmaxOutput;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the activation layers share: y = f(x) over the last axis, forward and backward. */
abstract class ElementwiseActivationLayer extends Layer implements SoftmaxOutput {
    private Tensor x;
    private Tensor y;

    ElementwiseActivationLayer(ObjectNode c) {
        super(c);
    }

    abstract Activations.Fn fn();

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        y = x.zerosLike();
        fn().forward(x.data, y.data, x.dim(-1));
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor dx = dy.zerosLike();
        fn().backward(x.data, y.data, dy.data, dx.data, x.dim(-1));
        return dx;
    }

    @Override
    public boolean hasSoftmaxOutput() {
        return fn().isSoftmax();
    }

    @Override
    public Tensor backwardFromLogits(Tensor dLogits) {
        return dLogits;
    }

    @Override
    public Tensor lastLogits() {
        return x;
    }
}
