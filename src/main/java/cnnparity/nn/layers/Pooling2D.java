package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What MaxPooling2D and AveragePooling2D share (keras/src/layers/pooling/base_pooling.py): window
 * {@code pool_size}, {@code strides} defaulting to {@code pool_size}, padding "valid" or "same" with
 * TensorFlow's split (top/left {@code pad_total/2}, the extra on the bottom/right).
 */
abstract class Pooling2D extends Layer {
    final int[] pool;
    final int[] strides;
    final boolean same;
    int h, w, c, oh, ow, padTop, padLeft;
    Tensor x;

    Pooling2D(ObjectNode cfg) {
        super(cfg);
        Configs.requireChannelsLast(cfg);
        pool = Configs.tuple(cfg, "pool_size", 2, new int[] {2, 2});
        strides = Configs.tuple(cfg, "strides", 2, pool);
        String padding = Configs.string(cfg, "padding", "valid").toLowerCase();
        if (!padding.equals("valid") && !padding.equals("same")) throw Configs.bad(cfg, "padding", "must be 'valid' or 'same', got " + padding);
        same = padding.equals("same");
        for (int i = 0; i < 2; i++) if (pool[i] <= 0 || strides[i] <= 0) throw Configs.bad(cfg, "pool_size/strides", "must be positive");
    }

    /** {out, padBefore} for size n along axis i. */
    int[] outSize(int n, int i) {
        int k = pool[i], s = strides[i];
        if (!same) return new int[] {n >= k ? (n - k) / s + 1 : 0, 0};
        int out = (n + s - 1) / s;
        return new int[] {out, Math.max((out - 1) * s + k - n, 0) / 2};
    }

    @Override
    public int[] outputShape(int[] in) {
        if (in.length != 3) throw new IllegalArgumentException("layer '" + name + "' (" + className() + ") needs input (H, W, C), got " + Tensor.kerasShapeString(in));
        int o1 = outSize(in[0], 0)[0], o2 = outSize(in[1], 1)[0];
        if (o1 <= 0 || o2 <= 0) throw new IllegalArgumentException("layer '" + name + "' (" + className() + "): input " + Tensor.kerasShapeString(in) + " is smaller than the pool");
        return new int[] {o1, o2, in[2]};
    }

    /**
     * The x offsets (channel 0) of the cells of output (b, i, j)'s window that lie inside the image,
     * in row-major order (padding cells are skipped: they never win a max and do not count in an
     * average); returns how many. {@code cells} holds at least pool_size[0] * pool_size[1].
     */
    int windowCells(int b, int i, int j, int[] cells) {
        int count = 0;
        for (int a = 0; a < pool[0]; a++) {
            int ih = i * strides[0] + a - padTop;
            if (ih < 0 || ih >= h) continue;
            for (int e = 0; e < pool[1]; e++) {
                int iw = j * strides[1] + e - padLeft;
                if (iw >= 0 && iw < w) cells[count++] = ((b * h + ih) * w + iw) * c;
            }
        }
        return count;
    }

    void setup(Tensor x) {
        this.x = x;
        h = x.dim(1);
        w = x.dim(2);
        c = x.dim(3);
        int[] a = outSize(h, 0), b = outSize(w, 1);
        oh = a[0];
        padTop = a[1];
        ow = b[0];
        padLeft = b[1];
    }
}
