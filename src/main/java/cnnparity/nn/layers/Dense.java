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
 * keras.layers.Dense (keras/src/layers/core/dense.py): {@code y = activation(x @ kernel + bias)} on
 * the last axis.
 *
 * <pre>
 * x: (..., I)   kernel: (I, U)   bias: (U,)   y: (..., U)
 * </pre>
 */
public final class Dense extends Layer implements SoftmaxOutput {
    final int units;
    final boolean useBias;
    final Activations.Fn activation;
    private Param kernel;
    private Param bias;
    private final List<Param> params = new ArrayList<>();
    private Tensor x;
    private Tensor z;
    private Tensor y;

    public Dense(ObjectNode c) {
        super(c);
        units = Configs.integer(c, "units", -1);
        if (units <= 0) throw Configs.bad(c, "units", "must be a positive integer");
        useBias = Configs.bool(c, "use_bias", true);
        activation = Activations.fromConfig(c.get("activation"), name);
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length < 1) throw new IllegalArgumentException("layer '" + name + "' (Dense) needs an input with a feature axis");
        int[] out = in.clone();
        out[out.length - 1] = units;
        return out;
    }

    @Override
    public long paramCountFor(int[] in) {
        return (long) in[in.length - 1] * units + (useBias ? units : 0);
    }

    @Override
    public void build(int[] in) {
        super.build(in);
        int inF = in[in.length - 1];
        kernel = new Param("kernel", Tensor.zeros(inF, units), true,
                Configs.initializer(config, "kernel_initializer", "glorot_uniform"));
        params.add(kernel);
        if (useBias) {
            bias = new Param("bias", Tensor.zeros(units), true,
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
        // x: (R, I) rows of the last axis -> z, y: (R, U)
        int inF = kernel.value.dim(0);
        if (x.dim(-1) != inF) throw new IllegalArgumentException("layer '" + name + "' (Dense) expects " + inF + " input features, got " + x.dim(-1));
        this.x = x;
        int rows = x.size() / inF;
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = units;
        // outputs are the layer's own buffers, reused while the shape stays: valid until the next forward
        z = Tensor.reuse(z, outShape);
        // z = x @ kernel, then + bias (TF's BiasAdd follows the MatMul)
        cnnparity.nn.kernels.Gemm.nn(x.data, 0, kernel.value.data, 0, z.data, 0, rows, inF, units, false);
        if (useBias) {
            float[] b = bias.value.data, zd = z.data;
            for (int r = 0; r < rows; r++) for (int u = 0; u < units; u++) zd[r * units + u] += b[u];
        }
        if (activation.isLinear()) {
            y = z;
        } else {
            y = Tensor.reuse(y == z ? null : y, outShape);
            activation.forward(z.data, y.data, units);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor dz = dy;
        if (!activation.isLinear()) {
            dz = dy.zerosLike();
            activation.backward(z.data, y.data, dy.data, dz.data, units);
        }
        return backwardFromLogits(dz);
    }

    @Override
    public Tensor backwardFromLogits(Tensor dzT) {
        // dkernel[i,u] += x[r,i] dz[r,u];  dbias[u] += dz[r,u];  dx[r,i] = sum_u kernel[i,u] dz[r,u]
        int inF = kernel.value.dim(0);
        int rows = x.size() / inF;
        // dkernel += x^T dz;  dbias += column sums of dz;  dx = dz @ kernel^T
        float[] kg = kernel.grad.data;
        if (units >= 32) {
            cnnparity.nn.kernels.Gemm.tn(x.data, 0, dzT.data, 0, kg, 0, inF, rows, units);
        } else {
            // few units (a 10-class head): work on dkernel^T (units, inF), whose rows are long enough for
            // the vector kernel; per element it is the same fma chain over rows, from the same start value
            if (gradT.length != kg.length) gradT = new float[kg.length];
            cnnparity.nn.kernels.Gemm.transpose(kg, inF, units, gradT);
            cnnparity.nn.kernels.Gemm.tn(dzT.data, 0, x.data, 0, gradT, 0, units, rows, inF);
            cnnparity.nn.kernels.Gemm.transpose(gradT, units, inF, kg);
        }
        if (useBias) {
            float[] db = bias.grad.data, dz = dzT.data;
            for (int r = 0; r < rows; r++) for (int u = 0; u < units; u++) db[u] += dz[r * units + u];
        }
        if (kT.length != units * inF) kT = new float[units * inF];
        cnnparity.nn.kernels.Gemm.transpose(kernel.value.data, inF, units, kT);
        Tensor dx = dxBuf = Tensor.reuse(dxBuf, x.shape);
        cnnparity.nn.kernels.Gemm.nn(dzT.data, 0, kT, 0, dx.data, 0, rows, units, inF, false);
        return dx;
    }

    private float[] gradT = new float[0];
    private float[] kT = new float[0];
    private Tensor dxBuf;


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
