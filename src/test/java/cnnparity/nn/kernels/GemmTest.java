package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The GEMM kernels against EJML's float matrix product, on the shapes the layers use and on
 * awkward ones (tails of rows and columns): the Vector API kernel, the portable one, and
 * A^T B. EJML is the independent reference; the kernels must agree with it to float rounding and
 * with each other exactly where they share an accumulation order.
 */
class GemmTest {
    static final int[][] SHAPES = {{1936, 288, 64}, {2704, 9, 32}, {128, 1600, 10}, {128, 10, 1600}, {7, 5, 3}, {13, 70, 33},
            {4, 64, 64}, {5, 129, 97}, {64, 288, 288},
            // one sample of conv2d_1 forward (121 = 30 blocks of 4 + 1); the weight-gradient shapes (C += col^T dz)
            {121, 288, 64}, {288, 1936, 64}, {9, 3380, 32}, {1600, 128, 10}, {10, 128, 1600},
            // Winograd: a 4-sample group's products V U (100 tiles) and W U^T (32 columns: 8-row blocks, then 4, then 1)
            {100, 32, 64}, {100, 64, 32}, {13, 64, 32}};

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    static void close(float[] want, float[] got, int k, String what) {
        for (int i = 0; i < want.length; i++) {
            // sums of k products of values in [-1, 1]: rounding grows with k
            double tol = 1e-6 * Math.sqrt(k) * 8 + 1e-6 * Math.abs(want[i]);
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + " element " + i + ": ejml " + want[i] + " kernel " + got[i]);
        }
    }

    @TestFactory
    Stream<DynamicTest> kernelsMatchEjml() {
        return Stream.of(SHAPES).flatMap(s -> {
            int m = s[0], k = s[1], n = s[2];
            String name = m + "x" + k + " * " + k + "x" + n;
            return Stream.of(new VectorGemm(), new ScalarGemm()).map(kernel -> DynamicTest.dynamicTest(kernel.getClass().getSimpleName() + " " + name, () -> {
                float[] a = random(m * k, 1), b = random(k * n, 2);
                FMatrixRMaj want = new FMatrixRMaj(m, n);
                CommonOps_FDRM.mult(FMatrixRMaj.wrap(m, k, a), FMatrixRMaj.wrap(k, n, b), want);
                float[] c = random(m * n, 3);
                kernel.nn(a, 0, b, 0, c, 0, m, k, n, false);
                close(want.data, c, k, "C = A B");
                // accumulate: C += A B on top of C0
                float[] c0 = random(m * n, 4), acc = c0.clone();
                kernel.nn(a, 0, b, 0, acc, 0, m, k, n, true);
                for (int i = 0; i < c0.length; i++) c0[i] += want.data[i];
                close(c0, acc, k, "C += A B");
                // A^T B with A stored as (k, m)
                float[] at = new float[k * m];
                Gemm.transpose(a, m, k, at);
                float[] t = new float[m * n];
                kernel.tn(at, 0, b, 0, t, 0, m, k, n);
                close(want.data, t, k, "C += A^T B");
            }));
        });
    }

    @TestFactory
    Stream<DynamicTest> fusedBiasAndReluEqualSeparatePasses() {
        return Stream.of(SHAPES).flatMap(s -> {
            int m = s[0], k = s[1], n = s[2];
            return Stream.of(new VectorGemm(), new ScalarGemm()).flatMap(kernel -> Stream.of(false, true).map(relu ->
                    DynamicTest.dynamicTest(kernel.getClass().getSimpleName() + " " + m + "x" + k + "x" + n + (relu ? " bias+relu" : " bias"), () -> {
                        float[] a = random(m * k, 1), b = random(k * n, 2), bias = random(n, 7);
                        float[] want = new float[m * n];
                        kernel.nn(a, 0, b, 0, want, 0, m, k, n, false);
                        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                            float z = want[i * n + j] + bias[j];
                            want[i * n + j] = relu ? (z > 0 ? z : 0f) : z;
                        }
                        float[] got = random(m * n, 3);
                        kernel.nnBias(a, 0, b, 0, got, 0, m, k, n, bias, relu);
                        assertArrayEquals(want, got, "bit for bit");
                        float[] nob = new float[m * n];
                        kernel.nnBias(a, 0, b, 0, nob, 0, m, k, n, null, relu);
                        float[] plain = new float[m * n];
                        kernel.nn(a, 0, b, 0, plain, 0, m, k, n, false);
                        for (int i = 0; i < m * n; i++) assertEquals(relu ? (plain[i] > 0 ? plain[i] : 0f) : plain[i], nob[i], 0f, "no bias, element " + i);
                    })));
        });
    }

    /**
     * Gemm starts on the portable kernel and moves to the vector one once the JIT has compiled it;
     * that is only sound if both give the same bits, so this checks them bit for bit.
     */
    @TestFactory
    Stream<DynamicTest> vectorAndPortableKernelsGiveTheSameBits() {
        return Stream.of(SHAPES).map(s -> DynamicTest.dynamicTest(s[0] + "x" + s[1] + "x" + s[2], () -> {
            int m = s[0], k = s[1], n = s[2];
            Gemm.Kernel v = new VectorGemm(), p = new ScalarGemm();
            float[] a = random(m * k, 1), b = random(k * n, 2), bias = random(n, 3), c0 = random(m * n, 4);
            float[] cv = c0.clone(), cp = c0.clone();
            v.nn(a, 0, b, 0, cv, 0, m, k, n, false);
            p.nn(a, 0, b, 0, cp, 0, m, k, n, false);
            assertArrayEquals(cp, cv, "C = A B");
            cv = c0.clone();
            cp = c0.clone();
            v.nn(a, 0, b, 0, cv, 0, m, k, n, true);
            p.nn(a, 0, b, 0, cp, 0, m, k, n, true);
            assertArrayEquals(cp, cv, "C += A B");
            v.nnBias(a, 0, b, 0, cv, 0, m, k, n, bias, true);
            p.nnBias(a, 0, b, 0, cp, 0, m, k, n, bias, true);
            assertArrayEquals(cp, cv, "C = relu(A B + bias)");
            float[] at = new float[k * m];
            Gemm.transpose(a, m, k, at);
            cv = c0.clone();
            cp = c0.clone();
            v.tn(at, 0, b, 0, cv, 0, m, k, n);
            p.tn(at, 0, b, 0, cp, 0, m, k, n);
            assertArrayEquals(cp, cv, "C += A^T B");
        }));
    }

    @TestFactory
    Stream<DynamicTest> offsetsAddressSubMatrices() {
        return Stream.of(new VectorGemm(), new ScalarGemm()).map(kernel -> DynamicTest.dynamicTest(kernel.getClass().getSimpleName(), () -> {
            int m = 9, k = 40, n = 48;
            float[] a = random(100 + m * k, 5), b = random(50 + k * n, 6);
            float[] c = new float[30 + m * n];
            kernel.nn(a, 100, b, 50, c, 30, m, k, n, false);
            float[] a2 = java.util.Arrays.copyOfRange(a, 100, a.length), b2 = java.util.Arrays.copyOfRange(b, 50, b.length);
            float[] c2 = new float[m * n];
            kernel.nn(a2, 0, b2, 0, c2, 0, m, k, n, false);
            assertArrayEquals(c2, java.util.Arrays.copyOfRange(c, 30, c.length));
            for (int i = 0; i < 30; i++) assertTrue(c[i] == 0f, "nothing written before the offset");
        }));
    }
}
