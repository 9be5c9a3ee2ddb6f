package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * keras.layers.BatchNormalization over the last axis (keras/src/layers/normalization/batch_normalization.py).
 *
 * <pre>
 * x: (..., C) viewed as (M, C)
 * inference: y = x * inv + (beta - mean * inv),  inv = gamma / sqrt(moving_variance + epsilon)
 *            (tf.nn.batch_normalization's arrangement, keras/src/backend/tensorflow/nn.py)
 * training:  mean, var = batch mean and biased variance over M;  y = gamma * (x - mean) / sqrt(var + eps) + beta
 *            moving = moving * momentum + batch * (1 - momentum)
 * </pre>
 * Weights in Keras order: gamma (if scale), beta (if center), moving_mean, moving_variance.
 */
public final class BatchNormalization extends Layer {
    final double epsilon;
    final double momentum;
    final boolean center;
    final boolean scale;
    private Param gamma, beta, movingMean, movingVar;
    private final List<Param> params = new ArrayList<>();
    // cached for backward
    private Tensor x;
    private double[] mean, invStd;
    private boolean trainingMode;

    public BatchNormalization(ObjectNode c) {
        super(c);
        JsonNode axis = c.get("axis");
        if (axis != null && !axis.isNull()) {
            int a = axis.isArray() && axis.size() == 1 ? axis.get(0).asInt() : axis.isIntegralNumber() ? axis.asInt() : Integer.MIN_VALUE;
            if (a != -1 && a != 3 && a != 1) throw Configs.bad(c, "axis", "only the last (channels) axis is supported, got " + axis);
            axisValue = a;
        } else {
            axisValue = -1;
        }
        epsilon = Configs.number(c, "epsilon", 1e-3);
        momentum = Configs.number(c, "momentum", 0.99);
        center = Configs.bool(c, "center", true);
        scale = Configs.bool(c, "scale", true);
        if (Configs.bool(c, "renorm", false)) throw Configs.bad(c, "renorm", "batch renormalization is not supported");
    }

    private final int axisValue;

    @Override
    public int[] outputShape(int[] in) {
        return in.clone();
    }

    @Override
    public long paramCountFor(int[] in) {
        return (long) in[in.length - 1] * (2 + (scale ? 1 : 0) + (center ? 1 : 0));
    }

    @Override
    public void build(int[] in) {
        super.build(in);
        if (axisValue != -1 && axisValue != in.length) {
            throw Configs.bad(config, "axis", "axis " + axisValue + " is not the last axis of input " + Tensor.kerasShapeString(in));
        }
        int ch = in[in.length - 1];
        if (scale) params.add(gamma = new Param("gamma", filled(ch, 1f), true, init("gamma_initializer", "ones")));
        if (center) params.add(beta = new Param("beta", Tensor.zeros(ch), true, init("beta_initializer", "zeros")));
        params.add(movingMean = new Param("moving_mean", Tensor.zeros(ch), false, init("moving_mean_initializer", "zeros")));
        params.add(movingVar = new Param("moving_variance", filled(ch, 1f), false, init("moving_variance_initializer", "ones")));
    }

    private JsonNode init(String key, String dflt) {
        return Configs.initializer(config, key, dflt);
    }

    private static Tensor filled(int n, float v) {
        Tensor t = Tensor.zeros(n);
        t.fill(v);
        return t;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int c = x.dim(-1), m = x.size() / c;
        this.x = x;
        trainingMode = training;
        mean = new double[c];
        invStd = new double[c];
        if (training) {
            double[] var = new double[c];
            for (int r = 0; r < m; r++) for (int j = 0; j < c; j++) mean[j] += x.data[r * c + j];
            for (int j = 0; j < c; j++) mean[j] /= m;
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < c; j++) {
                    double d = x.data[r * c + j] - mean[j];
                    var[j] += d * d;
                }
            }
            float mom = (float) momentum;
            for (int j = 0; j < c; j++) {
                var[j] /= m;
                invStd[j] = 1.0 / Math.sqrt(var[j] + epsilon);
                // keras: moving_mean.assign(moving_mean * momentum + mean * (1 - momentum))
                movingMean.value.data[j] = movingMean.value.data[j] * mom + (float) mean[j] * (1f - mom);
                movingVar.value.data[j] = movingVar.value.data[j] * mom + (float) var[j] * (1f - mom);
            }
        } else {
            for (int j = 0; j < c; j++) {
                mean[j] = movingMean.value.data[j];
                invStd[j] = 1.0 / Math.sqrt((double) movingVar.value.data[j] + epsilon);
            }
        }
        Tensor y = x.zerosLike();
        for (int j = 0; j < c; j++) {
            double inv = invStd[j] * (scale ? gamma.value.data[j] : 1.0);
            double shift = (center ? beta.value.data[j] : 0.0) - mean[j] * inv;
            for (int r = 0; r < m; r++) y.data[r * c + j] = (float) (x.data[r * c + j] * inv + shift);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // xhat = (x - mean) * invStd;  dbeta = sum dy;  dgamma = sum dy * xhat
        // training:  dx = gamma * invStd / M * (M * dy - dbeta - xhat * dgamma)
        // inference: dx = gamma * invStd * dy   (mean and variance are constants)
        int c = x.dim(-1), m = x.size() / c;
        Tensor dx = x.zerosLike();
        for (int j = 0; j < c; j++) {
            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < m; r++) {
                double xhat = (x.data[r * c + j] - mean[j]) * invStd[j];
                sumDy += dy.data[r * c + j];
                sumDyXhat += dy.data[r * c + j] * xhat;
            }
            if (center) beta.grad.data[j] += (float) sumDy;
            if (scale) gamma.grad.data[j] += (float) sumDyXhat;
            double g = scale ? gamma.value.data[j] : 1.0;
            for (int r = 0; r < m; r++) {
                int i = r * c + j;
                if (trainingMode) {
                    double xhat = (x.data[i] - mean[j]) * invStd[j];
                    dx.data[i] = (float) (g * invStd[j] / m * (m * dy.data[i] - sumDy - xhat * sumDyXhat));
                } else {
                    dx.data[i] = (float) (g * invStd[j] * dy.data[i]);
                }
            }
        }
        return dx;
    }
}
