package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DropoutMask} on the Vector API: a vector of consecutive SplitMix64 states (state + k *
 * GAMMA), mixed lane-wise; each draw's two 24-bit uniforms are packed into the low and high
 * halves of its lane, so that read as ints the lanes come out in mask order.
 */
final class VectorDropoutMask implements DropoutMask.Kernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int DRAWS = LS.length(); // draws per step: 2 * DRAWS mask values, one float vector when the widths match
    private static final boolean USABLE = F.length() == 2 * DRAWS && I.length() == F.length();
    private static final LongVector STEPS = LongVector.fromArray(LS, steps(), 0);

    private static long[] steps() {
        long[] s = new long[DRAWS];
        for (int k = 0; k < DRAWS; k++) s[k] = (k + 1) * DropoutMask.GAMMA;
        return s;
    }

    @Override
    public long fill(float[] m, int size, long state, long threshold, float scale) {
        if (!USABLE) return DropoutMask.fillScalar(m, size, state, threshold, scale);
        int step = 2 * DRAWS, iv = size - size % step;
        FloatVector kept = FloatVector.broadcast(F, scale), dropped = FloatVector.zero(F);
        int t = (int) threshold;
        for (int i = 0; i < iv; i += step) {
            LongVector z = STEPS.add(state);
            state += DRAWS * DropoutMask.GAMMA;
            // mix64
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xbf58476d1ce4e5b9L);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94d049bb133111ebL);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            // low half: r >>> 40 (the first uniform), high half: (r >>> 16) & 0xFFFFFF (the second)
            LongVector packed = z.lanewise(VectorOperators.LSHR, 40)
                    .or(z.lanewise(VectorOperators.LSHR, 16).and(0xFFFFFFL).lanewise(VectorOperators.LSHL, 32));
            IntVector u = packed.reinterpretAsInts();
            VectorMask<Float> keep = u.compare(VectorOperators.GE, t).cast(F);
            dropped.blend(kept, keep).intoArray(m, i);
        }
        return DropoutMask.fillScalarFrom(m, iv, size, state, threshold, scale);
    }
}
