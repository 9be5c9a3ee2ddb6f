package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The ReLU mask and bias gradient of a Conv2D backward block: the definition, and both kernels bit for bit. */
class BiasGradTest {
    @TestFactory
    Stream<DynamicTest> maskAndBiasGradientMatchTheDefinition() {
        return IntStream.of(1, 10, 32, 35, 64).mapToObj(f -> DynamicTest.dynamicTest(f + " filters", () -> {
            int rows = 37, off = 5;
            SplittableRandom r = new SplittableRandom(f);
            float[] y = new float[off + rows * f], dy = new float[off + rows * f];
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextInt(3) == 0 ? 0f : (float) r.nextDouble(-1, 1); // ReLU outputs: many exact zeros
                dy[i] = (float) r.nextDouble(-1, 1);
            }
            float[] wantDz = new float[rows * f], wantDb = new float[f];
            for (int q = 0; q < f; q++) wantDb[q] = 0.25f;
            for (int row = 0; row < rows; row++) for (int q = 0; q < f; q++) {
                int i = off + row * f + q;
                wantDz[row * f + q] = y[i] > 0 ? dy[i] : 0f;
                wantDb[q] += wantDz[row * f + q];
            }
            for (BiasGrad.Kernel k : new BiasGrad.Kernel[] {new BiasGrad.Scalar(), new VectorBiasGrad()}) {
                String name = k.getClass().getSimpleName();
                float[] dz = new float[rows * f], db = new float[f];
                java.util.Arrays.fill(db, 0.25f);
                k.maskAndSum(y, dy, off, dz, 0, rows, f, db);
                assertArrayEquals(wantDz, dz, name + " dz");
                assertArrayEquals(wantDb, db, name + " dbias (rows added in order, bit for bit)");
                // no mask: the bias gradient of dy itself, dy left as it was
                float[] db2 = new float[f], dyCopy = dy.clone();
                k.maskAndSum(null, dyCopy, off, dyCopy, off, rows, f, db2);
                assertArrayEquals(dy, dyCopy, name + " dy untouched");
                for (int q = 0; q < f; q++) {
                    float s = 0;
                    for (int row = 0; row < rows; row++) s += dy[off + row * f + q];
                    assertEquals(s, db2[q], 0f, name + " unmasked dbias " + q);
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> addIntoAddsElementWiseOnBothKernels() {
        return IntStream.of(1, 15, 16, 96, 100).mapToObj(len -> DynamicTest.dynamicTest(len + " values", () -> {
            SplittableRandom r = new SplittableRandom(len);
            float[] dst = new float[len + 9], src = new float[len + 4];
            for (int i = 0; i < dst.length; i++) dst[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < src.length; i++) src[i] = (float) r.nextDouble(-1, 1);
            float[] want = dst.clone();
            for (int t = 0; t < len; t++) want[5 + t] = dst[5 + t] + src[3 + t];
            for (Elementwise.Kernel k : new Elementwise.Kernel[] {Elementwise.portable(), new VectorElementwise()}) {
                float[] got = dst.clone();
                k.addInto(got, 5, src, 3, len);
                assertArrayEquals(want, got, k.getClass().getSimpleName());
            }
        }));
    }
}
