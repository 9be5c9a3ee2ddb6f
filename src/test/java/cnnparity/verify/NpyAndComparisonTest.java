package cnnparity.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Tensor;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyAndComparisonTest {
    @Test
    void npyRoundTripKeepsShapeAndValues() throws Exception {
        Tensor t = Tensor.of(new float[] {1f, -2.5f, Float.NaN, 3e-8f, 7f, Float.POSITIVE_INFINITY}, 2, 3);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(t, b);
        byte[] bytes = b.toByteArray();
        assertEquals(0, (bytes.length - t.size() * 4) % 64, "header padded to 64 bytes like numpy");
        Tensor r = Npy.parse(bytes);
        assertArrayEquals(t.shape, r.shape);
        assertArrayEquals(t.data, r.data);
    }

    @Test
    void npyRejectsTruncatedData() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(Tensor.zeros(4, 4), b);
        byte[] cut = Arrays.copyOf(b.toByteArray(), b.size() - 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.parse(cut));
        assertTrue(e.getMessage().contains("data bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
    }

    @Test
    void comparisonUsesAllcloseRuleAndFindsWorstElement() {
        Tolerance tol = new Tolerance(1e-5, 1e-4);
        Tensor keras = Tensor.of(new float[] {1000f, 1f, 0f, 5f}, 1, 4);
        // 1000 +/- 0.09 is inside 1e-5 + 1e-4*1000 = 0.10001; 0 vs 2e-5 is outside 1e-5.
        Tensor java = Tensor.of(new float[] {1000.09f, 1f, 2e-5f, 5f}, 1, 4);
        Comparison c = Comparison.compare("x", java, keras, tol);
        assertFalse(c.passed());
        assertEquals(1, c.mismatches());
        assertEquals(2, c.worstIndex());
        assertEquals("[0, 2]", c.worstIndexString());
        Tensor ok = Tensor.of(new float[] {1000.09f, 1f, 5e-6f, 5f}, 1, 4);
        assertTrue(Comparison.compare("x", ok, keras, tol).passed());
    }

    @Test
    void nanOnOneSideIsAMismatchButNanOnBothIsNot() {
        Tolerance tol = Tolerance.DEFAULT;
        Tensor keras = Tensor.of(new float[] {Float.NaN, 1f}, 2);
        assertTrue(Comparison.compare("x", Tensor.of(new float[] {Float.NaN, 1f}, 2), keras, tol).passed());
        Comparison c = Comparison.compare("x", Tensor.of(new float[] {0f, Float.NaN}, 2), keras, tol);
        assertFalse(c.passed());
        assertEquals(2, c.mismatches());
        assertEquals(1, c.nonFiniteJava());
    }

    @Test
    void shapeMismatchFails() {
        Comparison c = Comparison.compare("x", Tensor.zeros(2, 3), Tensor.zeros(3, 2), Tolerance.DEFAULT);
        assertFalse(c.passed());
        assertTrue(c.describe().contains("shape"));
    }
}
