package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import cnnparity.nn.Layer;
import cnnparity.nn.Param;
import cnnparity.nn.SoftmaxOutput;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * keras.layers.Conv2D (keras/src/layers/convolutional/base_conv.py), channels_last.
 *
 * <pre>
 * x: (N, H, W, C)   kernel: (KH, KW, C, F)   bias: (F,)   y: (N, OH, OW, F)
 * z[n,oh,ow,f] = bias[f] + sum_{a,b,c} x[n, oh*sh + a*dh - padTop, ow*sw + b*dw - padLeft, c] * kernel[a,b,c,f]
 * y = activation(z)
 * </pre>
 * Padding "same" follows TensorFlow (keras/src/backend/tensorflow/nn.py conv -> tf.nn.convolution):
 * {@code out = ceil(n/s)}, {@code pad_total = max((out-1)*s + (k-1)*d + 1 - n, 0)}, top/left get
 * {@code pad_total/2} (floor), the extra row/column goes to the bottom/right.
 */
public final class Conv2D extends Layer implements SoftmaxOutput {
    final int filters;
    final int[] kernelSize;
    final int[] strides;
    final int[] dilation;
    final boolean same;
    final boolean useBias;
    final Activations.Fn activation;
    private Param kernel;
    private Param bias;
    private final List<Param> params = new ArrayList<>();

    // Cached by forward for backward.
    private Tensor x;
    private Tensor z;
    private Tensor y;
    private Geometry g;

    public Conv2D(ObjectNode c) {
        super(c);
        Configs.requireChannelsLast(c);
        filters = Configs.integer(c, "filters", -1);
        if (filters <= 0) throw Configs.bad(c, "filters", "must be a positive integer");
        kernelSize = Configs.tuple(c, "kernel_size", 2, null);
        strides = Configs.tuple(c, "strides", 2, new int[] {1, 1});
        dilation = Configs.tuple(c, "dilation_rate", 2, new int[] {1, 1});
        String padding = Configs.string(c, "padding", "valid").toLowerCase();
        if (!padding.equals("valid") && !padding.equals("same")) throw Configs.bad(c, "padding", "must be 'valid' or 'same', got " + padding);
        same = padding.equals("same");
        useBias = Configs.bool(c, "use_bias", true);
        if (Configs.integer(c, "groups", 1) != 1) throw Configs.bad(c, "groups", "only groups=1 is supported");
        for (int i = 0; i < 2; i++) {
            if (kernelSize[i] <= 0 || strides[i] <= 0 || dilation[i] <= 0) throw Configs.bad(c, "kernel_size/strides/dilation_rate", "must be positive");
        }
        if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
            throw Configs.bad(c, "dilation_rate", "strides > 1 with dilation_rate > 1 is not allowed by Keras");
        }
        activation = Activations.fromConfig(c.get("activation"), name);
    }

    /** Output size and padding along both spatial axes for an input size. */
    record Geometry(int h, int w, int oh, int ow, int padTop, int padLeft) {
    }

    Geometry geometry(int h, int w) {
        int[] oh = outSize(h, 0), ow = outSize(w, 1);
        return new Geometry(h, w, oh[0], ow[0], oh[1], ow[1]);
    }

    /** {out, padBefore} along axis i. */
    private int[] outSize(int n, int i) {
        int k = kernelSize[i], s = strides[i], d = dilation[i];
        int eff = (k - 1) * d + 1;
        if (!same) return new int[] {n >= eff ? (n - eff) / s + 1 : 0, 0};
        int out = (n + s - 1) / s;
        int padTotal = Math.max((out - 1) * s + eff - n, 0);
        return new int[] {out, padTotal / 2};
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new IllegalArgumentException("layer '" + name + "' (Conv2D) needs input (H, W, C), got " + Tensor.kerasShapeString(in));
        Geometry gg = geometry(in[0], in[1]);
        if (gg.oh <= 0 || gg.ow <= 0) throw new IllegalArgumentException("layer '" + name + "' (Conv2D): input " + Tensor.kerasShapeString(in) + " is smaller than the kernel");
        return new int[] {gg.oh, gg.ow, filters};
    }

    @Override
    public long paramCountFor(int[] in) {
        return (long) kernelSize[0] * kernelSize[1] * in[in.length - 1] * filters + (useBias ? filters : 0);
    }

    @Override
    public void build(int[] in) {
        outputShape(in);
        super.build(in);
        kernel = new Param("kernel", Tensor.zeros(kernelSize[0], kernelSize[1], in[2], filters), true,
                Configs.initializer(config, "kernel_initializer", "glorot_uniform"));
        params.add(kernel);
        if (useBias) {
            bias = new Param("bias", Tensor.zeros(filters), true,
                    Configs.initializer(config, "bias_initializer", "zeros"));
            params.add(bias);
        }
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        // x: (N, H, W, C) -> z, y: (N, OH, OW, F). The output tensors are the
        // layer's own and reused while the batch shape stays (llm.c keeps its activations the same
        // way): an output is valid until this layer's next forward.
        int n = x.dim(0), c = x.dim(3);
        g = geometry(x.dim(1), x.dim(2));
        this.x = x;
        lastForwardFused = false;
        int[] shape = {n, g.oh, g.ow, filters};
        z = Tensor.reuse(z, shape);
        // ReLU is applied in place inside the kernel (y = z): its backward needs only y > 0
        boolean relu = activation == Activations.RELU;
        ConvKernels.forward(x.data, n, g.h, g.w, c, kernel.value.data, kernelSize[0], kernelSize[1], filters,
                strides[0], strides[1], dilation[0], dilation[1], g.padTop, g.padLeft, g.oh, g.ow,
                useBias ? bias.value.data : null, z.data, relu);
        if (activation.isLinear() || relu) {
            y = z;
        } else {
            y = Tensor.reuse(y == z ? null : y, shape);
            activation.forward(z.data, y.data, filters);
        }
        return y;
    }

    @Override
    public Tensor forwardInferenceFused(Layer next, Tensor x) {
        return forwardPooled(next, x, false);
    }

    @Override
    public Tensor forwardTrainingFused(Layer next, Tensor x) {
        return forwardPooled(next, x, true);
    }

    // the state of a fused training forward, for backwardTrainingFused
    private Tensor pooledOut;
    private float[] winners = new float[0];
    private boolean lastForwardFused;

    /** ReLU or linear conv, then 2x2/2 max pooling: each sample's output pooled while it is in cache. */
    private Tensor forwardPooled(Layer next, Tensor x, boolean training) {
        if (!(next instanceof MaxPooling2D pool) || !(activation == Activations.RELU || activation.isLinear())) return null;
        if (x.rank() != 4) return null;
        int n = x.dim(0), c = x.dim(3);
        Geometry gg = geometry(x.dim(1), x.dim(2));
        if (gg.oh < 2 || gg.ow < 2 || !pool.fusesAfterConvFor(gg.oh, gg.ow)) return null;
        Tensor y = pool.outputBuffer(n, gg.oh / 2, gg.ow / 2, filters);
        float[] codes = null;
        if (training) {
            if (winners.length != y.size()) winners = new float[y.size()];
            codes = winners;
            this.x = x;
            this.g = gg;
            this.pooledOut = y;
            this.z = this.y = null; // the full-size output was never written: plain backward() cannot follow
        }
        lastForwardFused = training;
        ConvKernels.forwardPooled(x.data, n, gg.h, gg.w, c, kernel.value.data, kernelSize[0], kernelSize[1], filters,
                strides[0], strides[1], dilation[0], dilation[1], gg.padTop, gg.padLeft, gg.oh, gg.ow,
                useBias ? bias.value.data : null, activation == Activations.RELU, y.data, codes);
        return y;
    }

    @Override
    public Tensor backwardTrainingFused(Tensor dPooled) {
        if (!lastForwardFused) throw new IllegalStateException("layer '" + name + "': backwardTrainingFused without a fused training forward");
        int n = x.dim(0), c = x.dim(3);
        Tensor dx = null;
        if (needInputGradient) dx = dxBuf = Tensor.reuse(dxBuf, x.shape);
        ConvKernels.backwardPooled(x.data, n, g.h, g.w, c, kernel.value.data, kernelSize[0], kernelSize[1], filters,
                strides[0], strides[1], dilation[0], dilation[1], g.padTop, g.padLeft, g.oh, g.ow,
                dPooled.data, pooledOut.data, winners, activation == Activations.RELU,
                dx == null ? null : dx.data, kernel.grad.data, useBias ? bias.grad.data : null, workspace);
        return dx;
    }

    private final ConvKernels.Workspace workspace = new ConvKernels.Workspace();
    private Tensor dxBuf;


    @Override
    public Tensor backward(Tensor dy) {
        // dy: (N, OH, OW, F) -> dz -> dx: (N, H, W, C); dkernel, dbias accumulated
        if (activation == Activations.RELU) return backwardKernel(dy, y); // the kernel masks dy with y > 0 as it goes
        Tensor dz = dy;
        if (!activation.isLinear()) {
            dz = dy.zerosLike();
            activation.backward(z.data, y.data, dy.data, dz.data, filters);
        }
        return backwardFromLogits(dz);
    }

    /** As {@link #backward}, from d(loss)/d(pre-activation). Returns null when the input gradient is not needed. */
    @Override
    public Tensor backwardFromLogits(Tensor dz) {
        return backwardKernel(dz, null);
    }

    private Tensor backwardKernel(Tensor dz, Tensor reluY) {
        if (lastForwardFused) throw new IllegalStateException("layer '" + name + "': the last forward was fused with the pooling; use backwardTrainingFused");
        int n = x.dim(0), c = x.dim(3);
        // dx is the layer's own buffer, reused while the batch shape stays: valid until the next backward
        Tensor dx = null;
        if (needInputGradient) dx = dxBuf = Tensor.reuse(dxBuf, x.shape);
        ConvKernels.backward(x.data, n, g.h, g.w, c, kernel.value.data, kernelSize[0], kernelSize[1], filters,
                strides[0], strides[1], dilation[0], dilation[1], g.padTop, g.padLeft, g.oh, g.ow,
                dz.data, reluY == null ? null : reluY.data, dx == null ? null : dx.data, kernel.grad.data,
                useBias ? bias.grad.data : null, workspace);
        return dx;
    }

    @Override
    public boolean hasSoftmaxOutput() {
        return activation.isSoftmax();
    }

    @Override
    public Tensor lastLogits() {
        return z;
    }

    public Activations.Fn activation() {
        return activation;
    }
}
