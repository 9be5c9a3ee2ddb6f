package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * keras.layers.ZeroPadding2D (keras/src/layers/reshaping/zero_padding2d.py): padding is an int, a
 * pair (symmetric h, w) or ((top, bottom), (left, right)).
 *
 * <pre>x: (N, H, W, C) -> y: (N, top+H+bottom, left+W+right, C)</pre>
 */
public final class ZeroPadding2D extends Layer {
    final int top, bottom, left, right;
    private int[] xShape;

    public ZeroPadding2D(ObjectNode c) {
        super(c);
        Configs.requireChannelsLast(c);
        JsonNode p = c.get("padding");
        int[] v;
        if (p == null || p.isNull()) {
            v = new int[] {1, 1, 1, 1};
        } else if (p.isIntegralNumber()) {
            v = new int[] {p.asInt(), p.asInt(), p.asInt(), p.asInt()};
        } else if (p.isArray() && p.size() == 2 && p.get(0).isIntegralNumber() && p.get(1).isIntegralNumber()) {
            v = new int[] {p.get(0).asInt(), p.get(0).asInt(), p.get(1).asInt(), p.get(1).asInt()};
        } else if (p.isArray() && p.size() == 2 && p.get(0).isArray() && p.get(1).isArray()
                && p.get(0).size() == 2 && p.get(1).size() == 2) {
            v = new int[] {p.get(0).get(0).asInt(), p.get(0).get(1).asInt(), p.get(1).get(0).asInt(), p.get(1).get(1).asInt()};
        } else {
            throw Configs.bad(c, "padding", "expected an int, (h, w) or ((top, bottom), (left, right)), got " + p);
        }
        for (int q : v) if (q < 0) throw Configs.bad(c, "padding", "must be >= 0");
        top = v[0];
        bottom = v[1];
        left = v[2];
        right = v[3];
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new IllegalArgumentException("layer '" + name + "' (ZeroPadding2D) needs input (H, W, C)");
        return new int[] {in[0] + top + bottom, in[1] + left + right, in[2]};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        xShape = x.shape;
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int oh = h + top + bottom, ow = w + left + right;
        Tensor y = Tensor.zeros(n, oh, ow, c);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(x.data, ((b * h + i) * w) * c, y.data, ((b * oh + i + top) * ow + left) * c, w * c);
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        // dx is the un-padded window of dy
        int n = xShape[0], h = xShape[1], w = xShape[2], c = xShape[3];
        int oh = h + top + bottom, ow = w + left + right;
        Tensor dx = Tensor.zeros(xShape);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(dy.data, ((b * oh + i + top) * ow + left) * c, dx.data, ((b * h + i) * w) * c, w * c);
            }
        }
        return dx;
    }
}
