package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Winograd's F(2x2, 3x3) against a float64 convolution (its outputs and both gradients are the
 * convolution's to float rounding), and its portable and Vector API transforms against each
 * other (the same bits),
 * channel and filter counts with and without a vector tail.
 */
class WinogradTest {
    record Shape(int n, int h, int w, int c, int f) {
        int ph() {
            return (h - 2) / 2;
        }

        int pw() {
            return (w - 2) / 2;
        }
    }

    static final Shape[] SHAPES = {
        new Shape(3, 13, 13, 32, 64), // the MNIST convnet's conv2d_1: 11x11 outputs, the last row and column in no window
        new Shape(2, 10, 9, 20, 24),  // channel and filter tails past the last whole vector
        new Shape(1, 6, 6, 8, 10),
    };

    static float[] random(SplittableRandom r, int size, double lo, double hi) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) r.nextDouble(lo, hi);
        return a;
    }

    /** The conv outputs of every pooling window, z (N, 2PH, 2PW, F), through the three steps. */
    static float[] winograd(Shape s, float[] x, float[] k, float[] bias, boolean relu) {
        int tiles = s.n * s.ph() * s.pw();
        float[] u = new float[16 * Winograd.plane(s.c, s.f)], v = new float[16 * Winograd.plane(tiles, s.c)], m = new float[16 * Winograd.plane(tiles, s.f)];
        float[] z = new float[tiles * 4 * s.f];
        Winograd.kernelTransform(k, s.c, s.f, u);
        Winograd.inputTransform(x, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), v);
        Winograd.products(v, u, m, tiles, s.c, s.f);
        Winograd.outputTransform(m, tiles, s.ph(), s.pw(), s.f, z, bias, relu);
        return z;
    }

    @TestFactory
    Stream<DynamicTest> equalsTheConvolutionToRounding() {
        return Stream.of(SHAPES).map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
            SplittableRandom r = new SplittableRandom(s.c * 31 + s.f);
            float[] x = random(r, s.n * s.h * s.w * s.c, -1, 1), k = random(r, 9 * s.c * s.f, -0.5, 0.5);
            float[] z = winograd(s, x, k, null, false);
            double worst = 0;
            int oh = 2 * s.ph(), ow = 2 * s.pw();
            for (int b = 0; b < s.n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int q = 0; q < s.f; q++) {
                double exact = 0, magnitude = 0; // float64 sum, and the sum of |terms| rounding scales with
                for (int a = 0; a < 3; a++) for (int e = 0; e < 3; e++) for (int ch = 0; ch < s.c; ch++) {
                    double t = (double) x[((b * s.h + i + a) * s.w + j + e) * s.c + ch] * k[((a * 3 + e) * s.c + ch) * s.f + q];
                    exact += t;
                    magnitude += Math.abs(t);
                }
                double err = Math.abs(z[((b * oh + i) * ow + j) * s.f + q] - exact) / magnitude;
                worst = Math.max(worst, err);
            }
            System.out.printf("Winograd %s: largest error %.2e of the sum of |terms|%n", s, worst);
            // measured below 1e-7 (a float32 sum of 9C terms, plus the transforms' few roundings);
            // a wrong sign or coefficient anywhere in the transforms gives errors near 1
            assertTrue(worst < 1e-6, "error " + worst);
        }));
    }

    @TestFactory
    Stream<DynamicTest> backwardGivesTheConvolutionsGradientsToRounding() {
        // a gradient dz on every pooling window's conv outputs: dk = sum x-patch * dz and
        // dx = sum dz * k over the outputs reading each input cell, in float64, against the
        // transformed-domain backward (W = A dz A^T, 16 products each way, G^T dU G, B dV B^T)
        return Stream.of(SHAPES).map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
            SplittableRandom r = new SplittableRandom(s.c * 7 + s.f);
            int oh = 2 * s.ph(), ow = 2 * s.pw(), tiles = s.n * s.ph() * s.pw();
            float[] x = random(r, s.n * s.h * s.w * s.c, -1, 1), k = random(r, 9 * s.c * s.f, -0.5, 0.5);
            float[] dz = random(r, s.n * oh * ow * s.f, -1, 1);
            float[] u = new float[16 * Winograd.plane(s.c, s.f)], uT = new float[u.length];
            float[] v = new float[16 * Winograd.plane(tiles, s.c)], wt = new float[16 * Winograd.plane(tiles, s.f)];
            float[] du = new float[16 * Winograd.plane(s.c, s.f)], dk = new float[9 * s.c * s.f], dx = new float[x.length];
            Winograd.kernelTransform(k, s.c, s.f, u);
            Winograd.transposeU(u, s.c, s.f, uT);
            Winograd.gradTransform(dz, tiles, s.ph(), s.pw(), s.f, wt);
            Winograd.inputTransform(x, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), v);
            Winograd.weightGradProducts(v, wt, du, tiles, s.c, s.f);
            Winograd.kernelGradTransform(du, s.c, s.f, dk);
            Winograd.inputGradProducts(wt, uT, v, tiles, s.c, s.f);
            Winograd.inputGradTransform(v, tiles, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), dx);
            double[] dkWant = new double[dk.length], dkMag = new double[dk.length];
            double[] dxWant = new double[dx.length], dxMag = new double[dx.length];
            for (int b = 0; b < s.n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int q = 0; q < s.f; q++) {
                double g = dz[((b * oh + i) * ow + j) * s.f + q];
                for (int a = 0; a < 3; a++) for (int e = 0; e < 3; e++) for (int ch = 0; ch < s.c; ch++) {
                    int xi = ((b * s.h + i + a) * s.w + j + e) * s.c + ch, ki = ((a * 3 + e) * s.c + ch) * s.f + q;
                    dkWant[ki] += x[xi] * g;
                    dkMag[ki] += Math.abs(x[xi] * g);
                    dxWant[xi] += k[ki] * g;
                    dxMag[xi] += Math.abs(k[ki] * g);
                }
            }
            double worstK = 0, worstX = 0;
            for (int i = 0; i < dk.length; i++) worstK = Math.max(worstK, Math.abs(dk[i] - dkWant[i]) / dkMag[i]);
            for (int i = 0; i < dx.length; i++) {
                if (dxMag[i] == 0) assertTrue(dx[i] == 0f, "dx[" + i + "] is read by no window: " + dx[i]);
                else worstX = Math.max(worstX, Math.abs(dx[i] - dxWant[i]) / dxMag[i]);
            }
            System.out.printf("Winograd backward %s: largest error dk %.2e, dx %.2e of the sum of |terms|%n", s, worstK, worstX);
            assertTrue(worstK < 1e-6, "dk error " + worstK);
            assertTrue(worstX < 1e-6, "dx error " + worstX);
        }));
    }

    @TestFactory
    Stream<DynamicTest> portableAndVectorTransformsAgreeBitForBit() {
        Winograd.Kernel scalar = new Winograd.Scalar(), vector = new VectorWinograd();
        return Stream.of(SHAPES).map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
            SplittableRandom r = new SplittableRandom(s.c + s.f);
            int tiles = s.n * s.ph() * s.pw();
            float[] k = random(r, 9 * s.c * s.f, -1, 1), u1 = new float[16 * Winograd.plane(s.c, s.f)], u2 = new float[u1.length];
            Winograd.kernelTransform(scalar, k, s.c, s.f, u1);
            Winograd.kernelTransform(vector, k, s.c, s.f, u2);
            assertArrayEquals(u1, u2, "kernel transform");
            float[] x = random(r, s.n * s.h * s.w * s.c, -1, 1);
            int vp = Winograd.plane(tiles, s.c), mp = Winograd.plane(tiles, s.f);
            float[] v1 = new float[16 * vp], v2 = new float[16 * vp];
            Winograd.inputTransform(scalar, x, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), v1);
            Winograd.inputTransform(vector, x, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), v2);
            assertArrayEquals(v1, v2, "input transform");
            float[] m = random(r, 16 * mp, -1, 1), bias = random(r, s.f, -1, 1);
            for (float[] b : new float[][] {null, bias}) for (boolean relu : new boolean[] {false, true}) {
                float[] z1 = new float[tiles * 4 * s.f], z2 = new float[z1.length];
                Winograd.outputTransform(scalar, m, tiles, s.ph(), s.pw(), s.f, z1, b, relu);
                Winograd.outputTransform(vector, m, tiles, s.ph(), s.pw(), s.f, z2, b, relu);
                assertArrayEquals(z1, z2, "output transform, bias " + (b != null) + ", relu " + relu);
            }
            float[] dz = random(r, tiles * 4 * s.f, -1, 1), w1 = new float[16 * mp], w2 = new float[16 * mp];
            Winograd.gradTransform(scalar, dz, tiles, s.ph(), s.pw(), s.f, w1);
            Winograd.gradTransform(vector, dz, tiles, s.ph(), s.pw(), s.f, w2);
            assertArrayEquals(w1, w2, "output gradient transform");
            float[] dv = random(r, 16 * vp, -1, 1), dx1 = random(r, x.length, -1, 1), dx2 = dx1.clone();
            Winograd.inputGradTransform(scalar, dv, tiles, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), dx1);
            Winograd.inputGradTransform(vector, dv, tiles, 0, s.n, s.h, s.w, s.c, s.ph(), s.pw(), dx2);
            assertArrayEquals(dx1, dx2, "input gradient transform");
        }));
    }
}
