package cnnparity.nn.layers;

import cnnparity.nn.Activations;
import cnnparity.nn.Layer;
import cnnparity.nn.Param;
import cnnparity.nn.SoftmaxOutput;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
    public void build(int[] in) {
        super.build(in);
        int inF = in[in.length - 1];
        kernel = new Param("kernel", Tensor.zeros(inF, units), true,
                config.has("kernel_initializer") ? config.get("kernel_initializer") : TextNode.valueOf("glorot_uniform"));
        params.add(kernel);
        if (useBias) {
            bias = new Param("bias", Tensor.zeros(units), true,
                    config.has("bias_initializer") ? config.get("bias_initializer") : TextNode.valueOf("zeros"));
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
        z = Tensor.zeros(outShape);
        float[] xd = x.data, k = kernel.value.data, zd = z.data;
        float[] b = useBias ? bias.value.data : null;
        for (int r = 0; r < rows; r++) {
            int zo = r * units;
            if (b != null) System.arraycopy(b, 0, zd, zo, units);
            for (int i = 0; i < inF; i++) {
                float xv = xd[r * inF + i];
                int ko = i * units;
                for (int u = 0; u < units; u++) zd[zo + u] += xv * k[ko + u];
            }
        }
        if (activation.isLinear()) {
            y = z;
        } else {
            y = z.zerosLike();
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
        float[] xd = x.data, k = kernel.value.data, dz = dzT.data, dk = kernel.grad.data;
        Tensor dx = x.zerosLike();
        float[] dxd = dx.data;
        float[] db = useBias ? bias.grad.data : null;
        for (int r = 0; r < rows; r++) {
            int zo = r * units;
            if (db != null) for (int u = 0; u < units; u++) db[u] += dz[zo + u];
            for (int i = 0; i < inF; i++) {
                float xv = xd[r * inF + i];
                int ko = i * units;
                float s = 0f;
                for (int u = 0; u < units; u++) {
                    dk[ko + u] += xv * dz[zo + u];
                    s += k[ko + u] * dz[zo + u];
                }
                dxd[r * inF + i] = s;
            }
        }
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
