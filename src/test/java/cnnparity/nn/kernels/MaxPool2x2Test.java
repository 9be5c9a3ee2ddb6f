package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The portable and the Vector API 2x2 max-pooling kernels agree bit for bit, ties, signed zeros
 * and NaNs included (FastPathsTest checks the layer against TensorFlow's scan).
 */
class MaxPool2x2Test {
    @TestFactory
    Stream<DynamicTest> vectorAndPortableKernelsAgree() {
        return IntStream.of(1, 3, 8, 16, 19, 32, 35, 64).mapToObj(c -> DynamicTest.dynamicTest(c + " channels", () -> {
            int n = 2, h = 5, w = 6, oh = 2, ow = 3;
            SplittableRandom r = new SplittableRandom(c);
            float[] values = {0f, -0f, 1f, 1f, 2f, Float.NaN};
            float[] x = new float[n * h * w * c], dy = new float[n * oh * ow * c];
            for (int i = 0; i < x.length; i++) x[i] = values[r.nextInt(i % 7 == 0 ? values.length : values.length - 1)];
            for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
            MaxPool2x2.Kernel scalar = new MaxPool2x2.Scalar(), vector = new VectorMaxPool2x2();
            float[] y1 = new float[dy.length], y2 = new float[dy.length];
            scalar.forward(x, 0, y1, 0, n, h, w, c, oh, ow);
            vector.forward(x, 0, y2, 0, n, h, w, c, oh, ow);
            assertArrayEquals(y1, y2, "forward");
            float[] d1 = new float[x.length], d2 = new float[x.length];
            scalar.backward(x, y1, dy, d1, 0, n, h, w, c, oh, ow);
            vector.backward(x, y1, dy, d2, 0, n, h, w, c, oh, ow);
            assertArrayEquals(d1, d2, "backward");
            // the fused inference path: pooling before bias and ReLU equals bias and ReLU before pooling
            float[] bias = new float[c];
            for (int q = 0; q < c; q++) bias[q] = values[r.nextInt(values.length - 1)] - 0.5f; // ties after the add too
            for (boolean relu : new boolean[] {false, true}) {
                for (float[] bb : new float[][] {null, bias}) {
                    float[] want = new float[dy.length];
                    for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int q = 0; q < c; q++) {
                        float best = 0;
                        for (int t = 0; t < 4; t++) {
                            float z = x[((b * h + 2 * i + t / 2) * w + 2 * j + t % 2) * c + q];
                            if (bb != null) z = z + bb[q];
                            if (relu) z = z > 0 ? z : 0f;
                            best = t == 0 ? z : Math.max(best, z);
                        }
                        want[((b * oh + i) * ow + j) * c + q] = best;
                    }
                    for (MaxPool2x2.Kernel kernel : new MaxPool2x2.Kernel[] {scalar, vector}) {
                        float[] got = new float[dy.length];
                        kernel.forwardBiasRelu(x, 0, got, 0, n, h, w, c, oh, ow, bb, relu);
                        assertArrayEquals(want, got, kernel.getClass().getSimpleName() + " forwardBiasRelu bias=" + (bb != null) + " relu=" + relu);
                    }
                }
            }
            // the fused training path: winner codes from forward, then the gradient rebuilt from them,
            // equals the plain backward (and, with the ReLU mask, that gradient where y > 0)
            for (MaxPool2x2.Kernel kernel : new MaxPool2x2.Kernel[] {scalar, vector}) {
                String name = kernel.getClass().getSimpleName();
                float[] y3 = new float[dy.length], codes = new float[dy.length], d3 = new float[x.length];
                kernel.forwardWinners(x, 0, y3, codes, 0, n, h, w, c, oh, ow);
                assertArrayEquals(y1, y3, name + " forwardWinners y");
                kernel.unpool(codes, y3, dy, d3, 0, 0, n, h, w, c, oh, ow, false);
                for (int i = 0; i < x.length; i++) {
                    boolean inWindow = (i / c) % w < 2 * ow && (i / c / w) % h < 2 * oh;
                    if (inWindow) org.junit.jupiter.api.Assertions.assertEquals(d1[i], d3[i], 0f, name + " unpool dx[" + i + "]");
                }
                // bias and ReLU inside the pooling pass = the epilogue pass over x, then forwardWinners
                float[] xe = x.clone();
                for (int i = 0; i < xe.length; i++) {
                    float z = xe[i] + bias[i % c];
                    xe[i] = z > 0 ? z : 0f;
                }
                float[] yWant = new float[dy.length], cWant = new float[dy.length], yGot = new float[dy.length], cGot = new float[dy.length];
                scalar.forwardWinners(xe, 0, yWant, cWant, 0, n, h, w, c, oh, ow);
                kernel.forwardWinnersBiasRelu(x, 0, yGot, cGot, 0, n, h, w, c, oh, ow, bias);
                assertArrayEquals(yWant, yGot, name + " forwardWinnersBiasRelu y");
                assertArrayEquals(cWant, cGot, name + " forwardWinnersBiasRelu codes");
                float[] masked = new float[x.length];
                kernel.unpool(codes, y3, dy, masked, 0, 0, n, h, w, c, oh, ow, true);
                for (int i = 0; i < x.length; i++) {
                    boolean inWindow = (i / c) % w < 2 * ow && (i / c / w) % h < 2 * oh;
                    if (inWindow) org.junit.jupiter.api.Assertions.assertEquals(x[i] > 0 ? d1[i] : 0f, masked[i], 0f, name + " masked dx[" + i + "]");
                }
            }
        }));
    }
}
