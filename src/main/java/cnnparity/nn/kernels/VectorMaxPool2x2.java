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

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int b0, int b1, int h, int w, int c, int oh, int ow) {
        int cv = c - c % L;
        FloatVector zero = FloatVector.zero(S);
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = ((b * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector v = FloatVector.fromArray(S, y, yo + ch), g = FloatVector.fromArray(S, dy, yo + ch);
                FloatVector a0 = FloatVector.fromArray(S, x, x0 + ch), a1 = FloatVector.fromArray(S, x, x1 + ch);
                FloatVector a2 = FloatVector.fromArray(S, x, x2 + ch), a3 = FloatVector.fromArray(S, x, x3 + ch);
                VectorMask<Float> nan = v.test(VectorOperators.IS_NAN);
                VectorMask<Float> m0 = a0.eq(v).or(nan.and(a0.test(VectorOperators.IS_NAN)));
                VectorMask<Float> m1 = a1.eq(v).or(nan.and(a1.test(VectorOperators.IS_NAN))).andNot(m0);
                VectorMask<Float> taken = m0.or(m1);
                VectorMask<Float> m2 = a2.eq(v).or(nan.and(a2.test(VectorOperators.IS_NAN))).andNot(taken);
                VectorMask<Float> m3 = taken.or(m2).not();
                zero.blend(g, m0).intoArray(dx, x0 + ch);
                zero.blend(g, m1).intoArray(dx, x1 + ch);
                zero.blend(g, m2).intoArray(dx, x2 + ch);
                zero.blend(g, m3).intoArray(dx, x3 + ch);
            }
            if (cv < c) MaxPool2x2.backwardCells(x, y, dy, dx, x0, x1, x2, x3, yo, cv, c);
        }
    }

    @Override
    public void forwardWinners(float[] x, int xB0, float[] y, float[] codes, int b0, int b1, int h, int w, int c, int oh, int ow) {
        int cv = c - c % L;
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f), three = FloatVector.broadcast(S, 3f);
        for (int b = b0; b < b1; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            int yo = ((b * oh + i) * ow + j) * c;
            int x0 = (((b - xB0) * h + 2 * i) * w + 2 * j) * c, x1 = x0 + c, x2 = x0 + w * c, x3 = x2 + c;
            for (int ch = 0; ch < cv; ch += L) {
                FloatVector a0 = FloatVector.fromArray(S, x, x0 + ch), a1 = FloatVector.fromArray(S, x, x1 + ch);
                FloatVector a2 = FloatVector.fromArray(S, x, x2 + ch), a3 = FloatVector.fromArray(S, x, x3 + ch);
                FloatVector v = a0.max(a1).max(a2.max(a3));
                VectorMask<Float> nan = v.test(VectorOperators.IS_NAN);
                VectorMask<Float> m0 = a0.eq(v).or(nan.and(a0.test(VectorOperators.IS_NAN)));
                VectorMask<Float> m1 = a1.eq(v).or(nan.and(a1.test(VectorOperators.IS_NAN))).andNot(m0);
                VectorMask<Float> taken = m0.or(m1);
                VectorMask<Float> m2 = a2.eq(v).or(nan.and(a2.test(VectorOperators.IS_NAN))).andNot(taken);
                VectorMask<Float> m3 = taken.or(m2).not();
                v.intoArray(y, yo + ch);
                zero.blend(one, m1).blend(two, m2).blend(three, m3).intoArray(codes, yo + ch);
            }
            if (cv < c) MaxPool2x2.winnerCells(x, y, codes, x0, x1, x2, x3, yo, cv, c);
        }
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
                zero.blend(g, code.compare(VectorOperators.EQ, 0f)).intoArray(dx, x0 + ch);
                zero.blend(g, code.compare(VectorOperators.EQ, 1f)).intoArray(dx, x1 + ch);
                zero.blend(g, code.compare(VectorOperators.EQ, 2f)).intoArray(dx, x2 + ch);
                zero.blend(g, code.compare(VectorOperators.EQ, 3f)).intoArray(dx, x3 + ch);
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
