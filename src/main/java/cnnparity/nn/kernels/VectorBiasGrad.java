package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link BiasGrad} on the Vector API: a row's F values in vectors, the mask a compare and a blend. */
final class VectorBiasGrad implements BiasGrad.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void maskAndSum(float[] y, float[] dy, int off, float[] dz, int dzOff, int rows, int f, float[] dbias) {
        int fv = f - f % L;
        boolean write = !(y == null && dz == dy && dzOff == off);
        FloatVector zero = FloatVector.zero(S);
        for (int q0 = 0; q0 < fv; q0 += L) {
            // one column group down all rows: its bias-gradient partial stays in a register
            FloatVector acc = dbias != null ? FloatVector.fromArray(S, dbias, q0) : zero;
            for (int r = 0; r < rows; r++) {
                int o = off + r * f + q0;
                FloatVector g = FloatVector.fromArray(S, dy, o);
                if (y != null) g = zero.blend(g, FloatVector.fromArray(S, y, o).compare(VectorOperators.GT, 0f));
                if (write) g.intoArray(dz, dzOff + r * f + q0);
                acc = acc.add(g);
            }
            if (dbias != null) acc.intoArray(dbias, q0);
        }
        if (fv < f) {
            for (int r = 0; r < rows; r++) {
                int o = off + r * f, d = dzOff + r * f;
                for (int q = fv; q < f; q++) {
                    float g = y == null || y[o + q] > 0 ? dy[o + q] : 0f;
                    if (write) dz[d + q] = g;
                    if (dbias != null) dbias[q] += g;
                }
            }
        }
    }
}
