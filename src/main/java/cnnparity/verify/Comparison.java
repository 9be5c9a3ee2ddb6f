package cnnparity.verify;

import cnnparity.nn.Tensor;
import java.util.Arrays;

/**
 * The element-wise comparison of a Java tensor with the Keras one, the way llm.c's test prints it:
 * the largest absolute and relative difference, and the worst element (largest error relative to
 * its allowed bound) with both values.
 *
 * <p>Non-finite values: an element matches when both sides are NaN, or both are the same infinity;
 * a NaN or infinity on one side only is a mismatch, counted in {@link #nonFiniteJava}.
 */
public record Comparison(String what, int[] shape, boolean shapeMatches, double maxAbs, double maxRel,
                         long worstIndex, double javaValue, double kerasValue, double worstRatio,
                         long mismatches, long nonFiniteJava, long nonFiniteKeras, Tolerance tolerance) {

    public boolean passed() {
        return shapeMatches && mismatches == 0;
    }

    public static Comparison compare(String what, Tensor java, Tensor keras, Tolerance tol) {
        if (!Arrays.equals(java.shape, keras.shape)) {
            return new Comparison(what, java.shape, false, Double.NaN, Double.NaN, -1, Double.NaN, Double.NaN,
                    Double.POSITIVE_INFINITY, java.size(), 0, 0, tol);
        }
        double maxAbs = 0, maxRel = 0, worstRatio = -1;
        long worst = -1, mismatches = 0, nfJ = 0, nfK = 0;
        float[] a = java.data, b = keras.data;
        for (int i = 0; i < a.length; i++) {
            double j = a[i], k = b[i];
            boolean finJ = Double.isFinite(j), finK = Double.isFinite(k);
            if (!finJ) nfJ++;
            if (!finK) nfK++;
            double ratio;
            if (!finJ || !finK) {
                boolean same = (Double.isNaN(j) && Double.isNaN(k)) || j == k;
                ratio = same ? 0 : Double.POSITIVE_INFINITY;
            } else {
                double d = Math.abs(j - k);
                if (d > maxAbs) maxAbs = d;
                if (Math.abs(k) > tol.atol()) maxRel = Math.max(maxRel, d / Math.abs(k));
                ratio = d / tol.bound(k);
            }
            if (ratio > 1) mismatches++;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        double jv = worst >= 0 ? a[(int) worst] : Double.NaN;
        double kv = worst >= 0 ? b[(int) worst] : Double.NaN;
        return new Comparison(what, java.shape, true, maxAbs, maxRel, worst, jv, kv, worstRatio, mismatches, nfJ, nfK, tol);
    }

    /** Flat index as an NHWC index tuple, e.g. {@code [0, 12, 3, 7]}. */
    public String worstIndexString() {
        if (worstIndex < 0) return "-";
        int[] idx = new int[shape.length];
        long r = worstIndex;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (r % shape[d]);
            r /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** One line for a failure message: what, where, both values, the error and the bound. */
    public String describe() {
        if (!shapeMatches) return what + ": shape " + Tensor.shapeString(shape) + " in Java differs from Keras";
        return String.format("%s: %d of %d elements outside %s; worst at %s: java=%.9g keras=%.9g |diff|=%.3g"
                        + " (max abs %.3g, max rel %.3g)%s",
                what, mismatches, Tensor.numel(shape), tolerance, worstIndexString(), javaValue, kerasValue,
                Math.abs(javaValue - kerasValue), maxAbs, maxRel,
                nonFiniteJava + nonFiniteKeras > 0 ? String.format("; non-finite: java %d, keras %d", nonFiniteJava, nonFiniteKeras) : "");
    }

    /** Combines the comparisons of one layer over several inputs: the worst of each figure. */
    public static Comparison worst(String what, Iterable<Comparison> all) {
        Comparison w = null;
        double maxAbs = 0, maxRel = 0;
        long mism = 0, nfJ = 0, nfK = 0;
        boolean shapes = true;
        for (Comparison c : all) {
            if (w == null || c.worstRatio > w.worstRatio) w = c;
            if (c.shapeMatches) {
                maxAbs = Math.max(maxAbs, c.maxAbs);
                maxRel = Math.max(maxRel, c.maxRel);
            }
            shapes &= c.shapeMatches;
            mism += c.mismatches;
            nfJ += c.nonFiniteJava;
            nfK += c.nonFiniteKeras;
        }
        if (w == null) throw new IllegalArgumentException("nothing to combine for " + what);
        return new Comparison(what, w.shape, shapes, maxAbs, maxRel, w.worstIndex, w.javaValue, w.kerasValue,
                w.worstRatio, mism, nfJ, nfK, w.tolerance);
    }
}
