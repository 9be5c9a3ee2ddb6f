package cnnparity.nn.kernels;

/**
 * MaxPooling2D's common case, a 2x2 window with stride 2 and no padding, on flat NHWC arrays:
 * the Vector API version once {@link Gemm} has switched to its vector kernel, plain loops before
 * that or without the incubator module (both give the same bits).
 *
 * <pre>
 * x: (N, H, W, C) -> y: (N, H/2, W/2, C)   y = max of the window's four cells (NaN wins, Math.max)
 * dx = dy at the first cell of the window equal to y (row-major), 0 elsewhere
 * </pre>
 * The first cell equal to the maximum is the one TensorFlow's CPU MaxPoolGrad keeps (its scan
 * replaces only on a strictly greater value); finding it again from x and y saves storing an argmax.
 */
public final class MaxPool2x2 {
    interface Kernel {
        /** x holds samples from {@code xB0} on (its sample b at b - xB0), y the whole batch. */
        void forward(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow);

        void backward(float[] x, float[] y, float[] dy, float[] dx, int b0, int b1, int h, int w, int c, int oh, int ow);

        /**
         * Pooling of a conv output before its bias and ReLU: y = max over the window of
         * relu(x + bias), computed as relu(max(x) + bias) (the same value: both are monotone), per
         * cell only where a window holds a NaN. bias may be null.
         */
        void forwardBiasRelu(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias, boolean relu);

        /** forward, and in codes (y's shape) the window cell 0..3 holding the first maximum (backward's choice). */
        void forwardWinners(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow);

        /**
         * {@link #forwardWinners} of relu(x + bias) cell by cell, x being a conv output before its
         * bias and ReLU: the GEMM epilogue's operations done here, on the four cells pooling reads
         * anyway, instead of in a pass of their own over the conv output. Same values, same codes.
         */
        void forwardWinnersBiasRelu(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias);

        /**
         * The gradient at the pooled layer's input for samples [b0, b1) into dx (holding samples from
         * dxB0 on), from the winner codes: dy at the winning cell, 0 elsewhere; with {@code relu}, 0
         * also where the maximum is not > 0 (the ReLU before the pooling was inactive there).
         */
        void unpool(float[] codes, float[] y, float[] dy, float[] dx, int dxB0, int b0, int b1, int h, int w, int c, int oh, int ow, boolean relu);
    }

    private static final Kernel PORTABLE = new Scalar();
    private static final Kernel VECTOR = Gemm.VECTOR != null ? Gemm.vectorImpl("VectorMaxPool2x2") : null;

    private MaxPool2x2() {
    }


    /** The same switch as Gemm's: the vector kernel once the JIT has compiled it (both give the same bits). */
    private static Kernel kernel() {
        return Gemm.choose(VECTOR, PORTABLE);
    }

    /** y for samples [b0, b1). */
    public static void forward(float[] x, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow) {
        kernel().forward(x, 0, y, b0, b1, h, w, c, oh, ow);
    }

    /** As {@link #forward}, x holding only samples [b0, b1) from its start (a block still in cache). */
    public static void forwardBlock(float[] xBlock, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow) {
        kernel().forward(xBlock, b0, y, b0, b1, h, w, c, oh, ow);
    }

    /** dx for samples [b0, b1), overwritten (cells outside every window, an odd last row or column, get 0). */
    public static void backward(float[] x, float[] y, float[] dy, float[] dx, int b0, int b1, int h, int w, int c, int oh, int ow) {
        if (h != 2 * oh || w != 2 * ow) java.util.Arrays.fill(dx, b0 * h * w * c, b1 * h * w * c, 0f);
        kernel().backward(x, y, dy, dx, b0, b1, h, w, c, oh, ow);
    }

    /** See {@link Kernel#forwardBiasRelu}; x a block of samples [b0, b1). */
    public static void forwardBlockBiasRelu(float[] xBlock, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias, boolean relu) {
        kernel().forwardBiasRelu(xBlock, b0, y, b0, b1, h, w, c, oh, ow, bias, relu);
    }

    /** The layer-by-layer value: each cell through + bias and ReLU (as the GEMM epilogue), then Math.max. */
    static float biasReluMax(float a0, float a1, float a2, float a3, float[] bias, int ch, boolean relu) {
        if (bias != null) { // no bias: nothing added (adding 0 would turn -0 into +0)
            float b = bias[ch];
            a0 = a0 + b;
            a1 = a1 + b;
            a2 = a2 + b;
            a3 = a3 + b;
        }
        if (relu) {
            a0 = a0 > 0 ? a0 : 0f;
            a1 = a1 > 0 ? a1 : 0f;
            a2 = a2 > 0 ? a2 : 0f;
            a3 = a3 > 0 ? a3 : 0f;
        }
        return Math.max(Math.max(a0, a1), Math.max(a2, a3));
    }

    static void biasReluCells(float[] x, float[] y, int x0, int x1, int x2, int x3, int yo, int from, int to, float[] bias, boolean relu) {
        for (int ch = from; ch < to; ch++) {
            y[yo + ch] = biasReluMax(x[x0 + ch], x[x1 + ch], x[x2 + ch], x[x3 + ch], bias, ch, relu);
        }
    }

    /** Forward into y and the winner codes, x a block of samples [b0, b1) (see {@link Kernel#forwardWinners}). */
    public static void forwardWinners(float[] xBlock, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow) {
        kernel().forwardWinners(xBlock, b0, y, codes, b0, b1, h, w, c, oh, ow);
    }

    /** See {@link Kernel#forwardWinnersBiasRelu}; x a block of samples [b0, b1), bias not null. */
    public static void forwardWinnersBiasRelu(float[] xBlock, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias) {
        kernel().forwardWinnersBiasRelu(xBlock, b0, y, codes, b0, b1, h, w, c, oh, ow, bias);
    }

    /** The input gradient of samples [b0, b1) into a block dx (see {@link Kernel#unpool}); cells outside every window get 0. */
    public static void unpool(float[] codes, float[] y, float[] dy, float[] dxBlock, int b0, int b1, int h, int w, int c, int oh, int ow, boolean relu) {
        if (h != 2 * oh || w != 2 * ow) java.util.Arrays.fill(dxBlock, 0, (b1 - b0) * h * w * c, 0f);
        kernel().unpool(codes, y, dy, dxBlock, b0, b0, b1, h, w, c, oh, ow, relu);
    }

    /**
     * The window cell 0..3 holding the first value equal to v, the window's maximum, in row-major
     * order (a NaN maximum: the first NaN): the cell TensorFlow's strict-greater scan keeps.
     */
    static int winner(float a0, float a1, float a2, float v) {
        boolean nan = v != v;
        return a0 == v | nan & a0 != a0 ? 0 : a1 == v | nan & a1 != a1 ? 1 : a2 == v | nan & a2 != a2 ? 2 : 3;
    }

    static void winnerCells(float[] x, float[] y, float[] codes, int x0, int x1, int x2, int x3, int yo, int from, int to) {
        for (int ch = from; ch < to; ch++) {
            float a0 = x[x0 + ch], a1 = x[x1 + ch], a2 = x[x2 + ch], a3 = x[x3 + ch];
            float v = Math.max(Math.max(a0, a1), Math.max(a2, a3));
            y[yo + ch] = v;
            codes[yo + ch] = winner(a0, a1, a2, v);
        }
    }

    /** winnerCells of relu(x + bias): the epilogue's z = x + b, then z > 0 ? z : 0, per cell. */
    static void winnerCellsBiasRelu(float[] x, float[] y, float[] codes, int x0, int x1, int x2, int x3, int yo, int from, int to, float[] bias) {
        for (int ch = from; ch < to; ch++) {
            float b = bias[ch];
            float a0 = x[x0 + ch] + b, a1 = x[x1 + ch] + b, a2 = x[x2 + ch] + b, a3 = x[x3 + ch] + b;
            a0 = a0 > 0 ? a0 : 0f;
            a1 = a1 > 0 ? a1 : 0f;
            a2 = a2 > 0 ? a2 : 0f;
            a3 = a3 > 0 ? a3 : 0f;
            float v = Math.max(Math.max(a0, a1), Math.max(a2, a3));
            y[yo + ch] = v;
            codes[yo + ch] = winner(a0, a1, a2, v);
        }
    }

    static void unpoolCells(float[] codes, float[] y, float[] dy, float[] dx, int x0, int x1, int x2, int x3, int yo, int from, int to, boolean relu) {
        for (int ch = from; ch < to; ch++) {
            float g = dy[yo + ch], code = codes[yo + ch];
            if (relu && !(y[yo + ch] > 0)) g = 0f;
            dx[x0 + ch] = code == 0f ? g : 0f;
            dx[x1 + ch] = code == 1f ? g : 0f;
            dx[x2 + ch] = code == 2f ? g : 0f;
            dx[x3 + ch] = code == 3f ? g : 0f;
        }
    }

    static final class Scalar implements Kernel {
        @Override
        public void forwardBiasRelu(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias, boolean relu) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                biasReluCells(x, y, x0, x1, x2, x3, yo, 0, c, bias, relu);
            }
        }

        @Override
        public void forwardWinners(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                winnerCells(x, y, codes, x0, x1, x2, x3, yo, 0, c);
            }
        }

        @Override
        public void forwardWinnersBiasRelu(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                winnerCellsBiasRelu(x, y, codes, x0, x1, x2, x3, yo, 0, c, bias);
            }
        }

        @Override
        public void unpool(float[] codes, float[] y, float[] dy, float[] dx, int dxB0, int b0, int b1, int h, int w, int c, int oh, int ow, boolean relu) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = (((b - dxB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                unpoolCells(codes, y, dy, dx, x0, x1, x2, x3, yo, 0, c, relu);
            }
        }

        @Override
        public void forward(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                forwardCells(x, y, x0, x1, x2, x3, yo, 0, c);
            }
        }

        @Override
        public void backward(float[] x, float[] y, float[] dy, float[] dx, int b0, int b1, int h, int w, int c, int oh, int ow) {
            for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                int yo = ((b * oh + i) * ow + j) * c;
                int x0 = ((b * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
                backwardCells(x, y, dy, dx, x0, x1, x2, x3, yo, 0, c);
            }
        }
    }

    static void forwardCells(float[] x, float[] y, int x0, int x1, int x2, int x3, int yo, int from, int to) {
        for (int ch = from; ch < to; ch++) y[yo + ch] = Math.max(Math.max(x[x0 + ch], x[x1 + ch]), Math.max(x[x2 + ch], x[x3 + ch]));
    }

    static void backwardCells(float[] x, float[] y, float[] dy, float[] dx, int x0, int x1, int x2, int x3, int yo, int from, int to) {
        for (int ch = from; ch < to; ch++) {
            float g = dy[yo + ch];
            int k = winner(x[x0 + ch], x[x1 + ch], x[x2 + ch], y[yo + ch]);
            dx[x0 + ch] = k == 0 ? g : 0f;
            dx[x1 + ch] = k == 1 ? g : 0f;
            dx[x2 + ch] = k == 2 ? g : 0f;
            dx[x3 + ch] = k == 3 ? g : 0f;
        }
    }
}
