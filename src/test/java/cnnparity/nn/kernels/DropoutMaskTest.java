package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Dropout's mask: java.util.SplittableRandom's stream (what Dropout drew before the vector
 * kernel, so training runs are unchanged), and the same mask from the portable and vector kernels.
 */
class DropoutMaskTest {
    /** The mask as Dropout computed it from a SplittableRandom: two 24-bit uniforms per nextLong(). */
    static float[] reference(long seed, int size, long threshold, float scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] m = new float[size];
        int i = 0;
        for (; i + 1 < size; i += 2) {
            long r = rng.nextLong();
            m[i] = (r >>> 40) >= threshold ? scale : 0f;
            m[i + 1] = ((r >>> 16) & 0xFFFFFF) >= threshold ? scale : 0f;
        }
        if (i < size) m[i] = (rng.nextLong() >>> 40) >= threshold ? scale : 0f;
        return m;
    }

    @TestFactory
    Stream<DynamicTest> bothKernelsDrawSplittableRandomsStream() {
        DropoutMask.Kernel vector = Gemm.VECTOR != null ? new VectorDropoutMask() : null;
        return IntStream.of(1, 2, 15, 16, 17, 33, 1600, 204_801).mapToObj(size -> DynamicTest.dynamicTest(size + " values", () -> {
            for (long seed : new long[] {0L, 1337L, -7L, 1234L * 1_000_003L + 5}) {
                for (double rate : new double[] {0.1, 0.5, 0.25}) {
                    long threshold = (long) Math.ceil(rate * (1 << 24));
                    float scale = (float) (1.0 / (1.0 - rate));
                    float[] want = reference(seed, size, threshold, scale);
                    float[] got = new float[size];
                    long end = DropoutMask.fillScalar(got, size, seed, threshold, scale);
                    assertArrayEquals(want, got, "portable, seed " + seed + ", rate " + rate);
                    if (vector != null) {
                        float[] v = new float[size];
                        assertEquals(end, vector.fill(v, size, seed, threshold, scale), "state after the draws");
                        assertArrayEquals(want, v, "vector, seed " + seed + ", rate " + rate);
                    }
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> theReturnedStateContinuesTheStream() {
        return Stream.of(DynamicTest.dynamicTest("two fills = one", () -> {
            float[] whole = new float[100], a = new float[64], b = new float[36];
            DropoutMask.fill(whole, 100, 42L, 1 << 23, 2f);
            long s = DropoutMask.fill(a, 64, 42L, 1 << 23, 2f);
            DropoutMask.fill(b, 36, s, 1 << 23, 2f);
            float[] joined = new float[100];
            System.arraycopy(a, 0, joined, 0, 64);
            System.arraycopy(b, 0, joined, 64, 36);
            assertArrayEquals(whole, joined);
            assertEquals(new SplittableRandom(42L).nextLong(), DropoutMask.next(42L));
        }));
    }
}
