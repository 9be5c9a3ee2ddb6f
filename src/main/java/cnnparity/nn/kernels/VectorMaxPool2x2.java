package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link MaxPool2x2} on the Vector API: channels in vectors, the winning cell chosen with masks. */
final class VectorMaxPool2x2 implements MaxPool2x2.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void forward(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow) {
        int cv = c - c % L;
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector m01 = FloatVector.fromArray(S, x, x0 + ch).max(FloatVector.fromArray(S, x, x1 + ch));
                FloatVector m23 = FloatVector.fromArray(S, x, x2 + ch).max(FloatVector.fromArray(S, x, x3 + ch));
                m01.max(m23).intoArray(y, yo + ch);
            }
            if (cv < c) MaxPool2x2.forwardCells(x, y, x0, x1, x2, x3, yo, cv, c);
        }
    }

    /**
     * The window cell 0..3 (as a float) holding the first value equal to v, the window's maximum,
     * in row-major order (a NaN maximum: the first NaN): the cell TensorFlow's strict-greater scan
     * keeps. Checked from the last cell back, so the first match is the one left.
     */
    private static FloatVector winnerCode(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector v) {
        VectorMask<Float> nan = v.test(VectorOperators.IS_NAN);
        FloatVector code = FloatVector.broadcast(S, 3f);
        code = code.blend(2f, a2.eq(v).or(nan.and(a2.test(VectorOperators.IS_NAN))));
        code = code.blend(1f, a1.eq(v).or(nan.and(a1.test(VectorOperators.IS_NAN))));
        return code.blend(0f, a0.eq(v).or(nan.and(a0.test(VectorOperators.IS_NAN))));
    }

    /** g to the window cell {@code code} names, 0 to the other three. */
    private static void scatter(FloatVector g, FloatVector code, float[] dx, int x0, int x1, int x2, int x3) {
        FloatVector zero = FloatVector.zero(S);
        zero.blend(g, code.compare(VectorOperators.EQ, 0f)).intoArray(dx, x0);
        zero.blend(g, code.compare(VectorOperators.EQ, 1f)).intoArray(dx, x1);
        zero.blend(g, code.compare(VectorOperators.EQ, 2f)).intoArray(dx, x2);
        zero.blend(g, code.compare(VectorOperators.EQ, 3f)).intoArray(dx, x3);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int b0, int b1, int h, int w, int c, int oh, int ow) {
        int cv = c - c % L;
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = ((b * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector v = FloatVector.fromArray(S, y, yo + ch), g = FloatVector.fromArray(S, dy, yo + ch);
                FloatVector code = winnerCode(FloatVector.fromArray(S, x, x0 + ch), FloatVector.fromArray(S, x, x1 + ch),
                        FloatVector.fromArray(S, x, x2 + ch), v);
                scatter(g, code, dx, x0 + ch, x1 + ch, x2 + ch, x3 + ch);
            }
            if (cv < c) MaxPool2x2.backwardCells(x, y, dy, dx, x0, x1, x2, x3, yo, cv, c);
        }
    }

    @Override
    public void forwardWinners(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow) {
        int cv = c - c % L;
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector a0 = FloatVector.fromArray(S, x, x0 + ch), a1 = FloatVector.fromArray(S, x, x1 + ch);
                FloatVector a2 = FloatVector.fromArray(S, x, x2 + ch), a3 = FloatVector.fromArray(S, x, x3 + ch);
                FloatVector v = a0.max(a1).max(a2.max(a3));
                v.intoArray(y, yo + ch);
                winnerCode(a0, a1, a2, v).intoArray(codes, yo + ch);
            }
            if (cv < c) MaxPool2x2.winnerCells(x, y, codes, x0, x1, x2, x3, yo, cv, c);
        }
    }

    @Override
    public void forwardWinnersBiasRelu(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias) {
        int cv = c - c % L;
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) windowBiasRelu(x, x0 + ch, x1 + ch, x2 + ch, x3 + ch, bias, ch, y, codes, yo + ch);
            if (cv < c) MaxPool2x2.winnerCellsBiasRelu(x, y, codes, x0, x1, x2, x3, yo, cv, c, bias);
        }
    }

    /** One window's L channels: relu(cell + bias) as VectorGemm's epilogue, then the maximum and its first cell. */
    private static void windowBiasRelu(float[] x, int x0, int x1, int x2, int x3, float[] bias, int ch, float[] y, float[] codes, int yo) {
        FloatVector b = FloatVector.fromArray(S, bias, ch), zero = FloatVector.zero(S);
        FloatVector a0 = FloatVector.fromArray(S, x, x0).add(b), a1 = FloatVector.fromArray(S, x, x1).add(b);
        FloatVector a2 = FloatVector.fromArray(S, x, x2).add(b), a3 = FloatVector.fromArray(S, x, x3).add(b);
        a0 = zero.blend(a0, a0.compare(VectorOperators.GT, 0f));
        a1 = zero.blend(a1, a1.compare(VectorOperators.GT, 0f));
        a2 = zero.blend(a2, a2.compare(VectorOperators.GT, 0f));
        a3 = zero.blend(a3, a3.compare(VectorOperators.GT, 0f));
        FloatVector v = a0.max(a1).max(a2.max(a3));
        v.intoArray(y, yo);
        // after the ReLU no cell is NaN (a NaN compares false and becomes 0): the first cell equal to v
        FloatVector code = FloatVector.broadcast(S, 3f);
        code = code.blend(2f, a2.eq(v));
        code = code.blend(1f, a1.eq(v));
        code.blend(0f, a0.eq(v)).intoArray(codes, yo);
    }

    @Override
    public void unpool(float[] codes, float[] y, float[] dy, float[] dx, int dxB0, int b0, int b1, int h, int w, int c, int oh, int ow, boolean relu) {
        int cv = c - c % L;
        FloatVector zero = FloatVector.zero(S);
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - dxB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector g = FloatVector.fromArray(S, dy, yo + ch), code = FloatVector.fromArray(S, codes, yo + ch);
                if (relu) g = zero.blend(g, FloatVector.fromArray(S, y, yo + ch).compare(VectorOperators.GT, 0f));
                scatter(g, code, dx, x0 + ch, x1 + ch, x2 + ch, x3 + ch);
            }
            if (cv < c) MaxPool2x2.unpoolCells(codes, y, dy, dx, x0, x1, x2, x3, yo, cv, c, relu);
        }
    }

    @Override
    public void forwardBiasRelu(float[] x, int xB0, float[] y, int b0, int b1, int h, int w, int c, int oh, int ow, float[] bias, boolean relu) {
        int cv = c - c % L;
        FloatVector zero = FloatVector.zero(S);
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector v = FloatVector.fromArray(S, x, x0 + ch).max(FloatVector.fromArray(S, x, x1 + ch))
                        .max(FloatVector.fromArray(S, x, x2 + ch).max(FloatVector.fromArray(S, x, x3 + ch)));
                if (v.test(VectorOperators.IS_NAN).anyTrue()) { // a NaN in a window: the exact per-cell order
                    MaxPool2x2.biasReluCells(x, y, x0, x1, x2, x3, yo, ch, ch + L, bias, relu);
                    continue;
                }
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, ch));
                if (relu) v = zero.blend(v, v.compare(VectorOperators.GT, 0f));
                v.intoArray(y, yo + ch);
            }
            if (cv < c) MaxPool2x2.biasReluCells(x, y, x0, x1, x2, x3, yo, cv, c, bias, relu);
        }
    }
}
