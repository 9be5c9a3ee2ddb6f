package cnnparity.nn.kernels;

/**
 * Dropout's mask from java.util.SplittableRandom's stream, computed without the object: the
 * generator is SplitMix64 (its state moves by a fixed gamma, each output is a mix of the state),
 * so the n-th draw is mix64(seed + n * GAMMA) and eight draws can be made at once on the Vector
 * API. The same numbers as {@code new SplittableRandom(seed).nextLong()}, in order
 * (DropoutMaskTest checks), and the same mask from both kernels.
 *
 * <pre>
 * each draw r gives two 24-bit uniforms: r >>> 40, then (r >>> 16) &amp; 0xFFFFFF
 * m[i] = scale where the uniform >= threshold (kept), 0 where it is below (dropped)
 * </pre>
 */
public final class DropoutMask {
    /** SplittableRandom's GOLDEN_GAMMA: the state step of a generator made from a seed. */
    static final long GAMMA = 0x9e3779b97f4a7c15L;

    interface Kernel {
        /** Fills m[0, size) from the draws after state; returns the state after the last draw. */
        long fill(float[] m, int size, long state, long threshold, float scale);
    }

    private static final Kernel PORTABLE = DropoutMask::fillScalar;
    private static final Kernel VECTOR = Gemm.VECTOR != null ? Gemm.vectorImpl("VectorDropoutMask") : null;

    private DropoutMask() {
    }

    /** SplittableRandom.mix64: Stafford's variant 13 of the MurmurHash3 finalizer. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The draw after state, as SplittableRandom.nextLong() (state is then state + GAMMA). */
    public static long next(long state) {
        return mix64(state + GAMMA);
    }

    /**
     * m[0, size) = scale or 0 from ceil(size / 2) draws after {@code state} (kept where a 24-bit
     * uniform is >= threshold, i.e. u >= threshold / 2^24); returns the state to continue from.
     */
    public static long fill(float[] m, int size, long state, long threshold, float scale) {
        return Gemm.choose(VECTOR, PORTABLE).fill(m, size, state, threshold, scale);
    }

    static long fillScalar(float[] m, int size, long state, long threshold, float scale) {
        return fillScalarFrom(m, 0, size, state, threshold, scale);
    }

    /** m[from, size) from the draws after state (from even). Branch-free: a coin-flip branch would be mispredicted half the time. */
    static long fillScalarFrom(float[] m, int from, int size, long state, long threshold, float scale) {
        int i = from;
        for (; i + 1 < size; i += 2) {
            state += GAMMA;
            long r = mix64(state);
            m[i] = scale * (int) ((((r >>> 40) - threshold) >>> 63) ^ 1);
            m[i + 1] = scale * (int) (((((r >>> 16) & 0xFFFFFF) - threshold) >>> 63) ^ 1);
        }
        if (i < size) {
            state += GAMMA;
            m[i] = scale * (int) ((((mix64(state) >>> 40) - threshold) >>> 63) ^ 1);
        }
        return state;
    }
}
