package cnnparity.nn.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The implicit-GEMM convolution (rows of A read straight from the input) against an explicit
 * im2col matrix and the portable product: the same bits, for stride, dilation, channel counts and
 * column tails.
 */
class ConvRowsTest {
    /** {h, w, c, kh, kw, stride, dilation, filters} */
    static final int[][] CASES = {{28, 28, 1, 3, 3, 1, 1, 32}, {13, 13, 32, 3, 3, 1, 1, 64}, {9, 11, 3, 3, 2, 2, 1, 40},
            {10, 9, 2, 2, 3, 1, 2, 100}, {6, 7, 5, 1, 1, 1, 1, 33},
            {8, 7, 1, 3, 3, 1, 1, 32}}; // 30 rows of 32 filters: 8-row blocks, then 4, then 2 single rows

    @TestFactory
    Stream<DynamicTest> implicitGemmEqualsIm2colThenProducts() {
        return Stream.of(CASES).flatMap(t -> Stream.of(false, true).map(relu -> DynamicTest.dynamicTest(
                String.format("%dx%dx%d kernel %dx%d stride %d dilation %d, %d filters%s", t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], relu ? ", relu" : ""), () -> {
                    int h = t[0], w = t[1], c = t[2], kh = t[3], kw = t[4], s = t[5], d = t[6], f = t[7], n = 2;
                    int oh = (h - ((kh - 1) * d + 1)) / s + 1, ow = (w - ((kw - 1) * d + 1)) / s + 1, kd = kh * kw * c, rows = n * oh * ow;
                    SplittableRandom r = new SplittableRandom(f);
                    float[] x = new float[n * h * w * c], k = new float[kd * f], bias = new float[f];
                    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
                    for (int i = 0; i < k.length; i++) k[i] = (float) r.nextDouble(-1, 1);
                    for (int i = 0; i < f; i++) bias[i] = (float) r.nextDouble(-1, 1);
                    float[] col = new float[rows * kd];
                    int[] base = new int[rows], off = new int[kd];
                    for (int a = 0; a < kh; a++) for (int e = 0; e < kw; e++) for (int ch = 0; ch < c; ch++) off[(a * kw + e) * c + ch] = (a * d * w + e * d) * c + ch;
                    int row = 0;
                    for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++, row++) {
                        base[row] = ((b * h + i * s) * w + j * s) * c;
                        for (int p = 0; p < kd; p++) col[row * kd + p] = x[base[row] + off[p]];
                    }
                    float[] want = new float[rows * f], got = new float[rows * f];
                    new ScalarGemm().nnBias(col, 0, k, 0, want, 0, rows, kd, f, bias, relu);
                    java.util.Arrays.fill(got, Float.NaN);
                    new VectorGemm().convRows(x, base, off, rows, kd, k, got, 0, f, bias, relu);
                    assertArrayEquals(want, got, "forward rows");
                    // the weight gradient: C (kd, f) += col^T dz, from a non-zero start
                    float[] dz = new float[rows * f + 7];
                    for (int i = 0; i < dz.length; i++) dz[i] = (float) r.nextDouble(-1, 1);
                    float[] gWant = new float[kd * f], gGot;
                    for (int i = 0; i < gWant.length; i++) gWant[i] = (float) r.nextDouble(-1, 1);
                    gGot = gWant.clone();
                    new ScalarGemm().tn(col, 0, dz, 7, gWant, 0, kd, rows, f);
                    new VectorGemm().convTn(x, base, off, kd, rows, dz, 7, gGot, f);
                    assertArrayEquals(gWant, gGot, "weight gradient");
                })));
    }
}
