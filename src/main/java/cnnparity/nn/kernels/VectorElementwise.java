package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Elementwise} on the Vector API. */
final class VectorElementwise implements Elementwise.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void addInto(float[] dst, int dOff, float[] src, int sOff, int len) {
        int lv = len - len % L, t = 0;
        for (; t < lv; t += L) FloatVector.fromArray(S, dst, dOff + t).add(FloatVector.fromArray(S, src, sOff + t)).intoArray(dst, dOff + t);
        for (; t < len; t++) dst[dOff + t] += src[sOff + t];
    }
}
