package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd}'s transforms on the Vector API, channels (or filters) in vectors: per element the
 * same additions and subtractions in the same order as {@link Winograd.Scalar}, so the same bits.
 * No vector crosses a method boundary: C2 boxes one that does (a heap object per vector), so each
 * tile's work is one method taking arrays and offsets only.
 */
final class VectorWinograd implements Winograd.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void kernelTransform(float[] k, int c, int f, float[] u) {
        int cf = c * f, qv = cf - cf % L;
        for (int q = 0; q < qv; q += L) kernelVector(k, cf, q, u);
        Winograd.kernelTransformRange(k, cf, qv, cf, u);
    }

    /** U for q..q+L-1: G g G^T with G's rows 0, (0+1+2)/2, (0-1+2)/2, 2, applied down, then across. */
    private static void kernelVector(float[] k, int cf, int q, float[] u) {
        FloatVector g00 = FloatVector.fromArray(S, k, q), g01 = FloatVector.fromArray(S, k, cf + q), g02 = FloatVector.fromArray(S, k, 2 * cf + q);
        FloatVector g10 = FloatVector.fromArray(S, k, 3 * cf + q), g11 = FloatVector.fromArray(S, k, 4 * cf + q), g12 = FloatVector.fromArray(S, k, 5 * cf + q);
        FloatVector g20 = FloatVector.fromArray(S, k, 6 * cf + q), g21 = FloatVector.fromArray(S, k, 7 * cf + q), g22 = FloatVector.fromArray(S, k, 8 * cf + q);
        for (int i = 0; i < 4; i++) {
            FloatVector a, b, d;
            if (i == 0) {
                a = g00; b = g01; d = g02;
            } else if (i == 1) {
                a = g00.add(g10).add(g20).mul(0.5f); b = g01.add(g11).add(g21).mul(0.5f); d = g02.add(g12).add(g22).mul(0.5f);
            } else if (i == 2) {
                a = g00.sub(g10).add(g20).mul(0.5f); b = g01.sub(g11).add(g21).mul(0.5f); d = g02.sub(g12).add(g22).mul(0.5f);
            } else {
                a = g20; b = g21; d = g22;
            }
            int o = 4 * i * cf + q;
            a.intoArray(u, o);
            a.add(b).add(d).mul(0.5f).intoArray(u, o + cf);
            a.sub(b).add(d).mul(0.5f).intoArray(u, o + 2 * cf);
            d.intoArray(u, o + 3 * cf);
        }
    }

    @Override
    public void inputTransform(float[] x, int b0, int b1, int h, int w, int c, int ph, int pw, float[] v, int plane) {
        int cv = c - c % L, row = w * c;
        int t = 0;
        for (int b = b0; b < b1; b++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
            int x0 = ((b * h + 2 * ti) * w + 2 * tj) * c;
            for (int ch = 0; ch < cv; ch += L) inputVector(x, x0 + ch, row, c, v, t * c + ch, plane);
            if (cv < c) Winograd.inputTile(x, x0, row, c, v, t * c, plane, cv, c);
        }
    }

    /** One tile's V for L channels: d's top-left cell at x0, image rows {@code row} apart, cells c apart. */
    private static void inputVector(float[] x, int x0, int row, int c, float[] v, int p, int plane) {
        int x1 = x0 + row, x2 = x1 + row, x3 = x2 + row;
        // B^T d, column by column: d0-d2, d1+d2, d2-d1, d1-d3
        FloatVector d0 = FloatVector.fromArray(S, x, x0), d1 = FloatVector.fromArray(S, x, x1);
        FloatVector d2 = FloatVector.fromArray(S, x, x2), d3 = FloatVector.fromArray(S, x, x3);
        FloatVector e00 = d0.sub(d2), e10 = d1.add(d2), e20 = d2.sub(d1), e30 = d1.sub(d3);
        d0 = FloatVector.fromArray(S, x, x0 + c); d1 = FloatVector.fromArray(S, x, x1 + c);
        d2 = FloatVector.fromArray(S, x, x2 + c); d3 = FloatVector.fromArray(S, x, x3 + c);
        FloatVector e01 = d0.sub(d2), e11 = d1.add(d2), e21 = d2.sub(d1), e31 = d1.sub(d3);
        d0 = FloatVector.fromArray(S, x, x0 + 2 * c); d1 = FloatVector.fromArray(S, x, x1 + 2 * c);
        d2 = FloatVector.fromArray(S, x, x2 + 2 * c); d3 = FloatVector.fromArray(S, x, x3 + 2 * c);
        FloatVector e02 = d0.sub(d2), e12 = d1.add(d2), e22 = d2.sub(d1), e32 = d1.sub(d3);
        d0 = FloatVector.fromArray(S, x, x0 + 3 * c); d1 = FloatVector.fromArray(S, x, x1 + 3 * c);
        d2 = FloatVector.fromArray(S, x, x2 + 3 * c); d3 = FloatVector.fromArray(S, x, x3 + 3 * c);
        FloatVector e03 = d0.sub(d2), e13 = d1.add(d2), e23 = d2.sub(d1), e33 = d1.sub(d3);
        // (B^T d) B, row by row: the same combination across
        e00.sub(e02).intoArray(v, p);
        e01.add(e02).intoArray(v, p + plane);
        e02.sub(e01).intoArray(v, p + 2 * plane);
        e01.sub(e03).intoArray(v, p + 3 * plane);
        e10.sub(e12).intoArray(v, p + 4 * plane);
        e11.add(e12).intoArray(v, p + 5 * plane);
        e12.sub(e11).intoArray(v, p + 6 * plane);
        e11.sub(e13).intoArray(v, p + 7 * plane);
        e20.sub(e22).intoArray(v, p + 8 * plane);
        e21.add(e22).intoArray(v, p + 9 * plane);
        e22.sub(e21).intoArray(v, p + 10 * plane);
        e21.sub(e23).intoArray(v, p + 11 * plane);
        e30.sub(e32).intoArray(v, p + 12 * plane);
        e31.add(e32).intoArray(v, p + 13 * plane);
        e32.sub(e31).intoArray(v, p + 14 * plane);
        e31.sub(e33).intoArray(v, p + 15 * plane);
    }

    @Override
    public void gradTransform(float[] dz, int tiles, int ph, int pw, int f, float[] w, int plane) {
        int fv = f - f % L, zRow = 2 * pw * f;
        int t = 0;
        for (int s = 0; s < tiles / (ph * pw); s++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
            int z0 = ((s * 2 * ph + 2 * ti) * 2 * pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) gradVector(dz, z0 + q, zRow, f, w, t * f + q, plane);
            if (fv < f) Winograd.gradTile(dz, z0, zRow, f, w, t * f, plane, fv, f);
        }
    }

    /** One tile's W = A dy A^T for L filters: dy's 2x2 block at z0, z0 + f, z0 + zRow, z0 + zRow + f. */
    private static void gradVector(float[] dz, int z0, int zRow, int f, float[] w, int p, int plane) {
        FloatVector a = FloatVector.fromArray(S, dz, z0), b = FloatVector.fromArray(S, dz, z0 + f);
        FloatVector c = FloatVector.fromArray(S, dz, z0 + zRow), d = FloatVector.fromArray(S, dz, z0 + zRow + f);
        // A dy: rows [a b], [a+c b+d], [a-c b-d], [-c -d]; each row [r s] to [r, r+s, r-s, -s]
        a.intoArray(w, p);
        a.add(b).intoArray(w, p + plane);
        a.sub(b).intoArray(w, p + 2 * plane);
        b.neg().intoArray(w, p + 3 * plane);
        FloatVector r = a.add(c), s = b.add(d);
        r.intoArray(w, p + 4 * plane);
        r.add(s).intoArray(w, p + 5 * plane);
        r.sub(s).intoArray(w, p + 6 * plane);
        s.neg().intoArray(w, p + 7 * plane);
        r = a.sub(c);
        s = b.sub(d);
        r.intoArray(w, p + 8 * plane);
        r.add(s).intoArray(w, p + 9 * plane);
        r.sub(s).intoArray(w, p + 10 * plane);
        s.neg().intoArray(w, p + 11 * plane);
        r = c.neg();
        s = d.neg();
        r.intoArray(w, p + 12 * plane);
        r.add(s).intoArray(w, p + 13 * plane);
        r.sub(s).intoArray(w, p + 14 * plane);
        s.neg().intoArray(w, p + 15 * plane);
    }

    @Override
    public void inputGradTransform(float[] dv, int plane, int b0, int b1, int h, int w, int c, int ph, int pw, float[] dx) {
        int cv = c - c % L, row = w * c;
        int t = 0;
        for (int b = b0; b < b1; b++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
            int x0 = ((b * h + 2 * ti) * w + 2 * tj) * c;
            for (int ch = 0; ch < cv; ch += L) inputGradVector(dv, t * c + ch, plane, dx, x0 + ch, row, c);
            if (cv < c) Winograd.inputGradTile(dv, t * c, plane, dx, x0, row, c, cv, c);
        }
    }

    /** One tile's dx += B dV B^T for L channels, the tile's top-left cell of dx at x0. */
    private static void inputGradVector(float[] dv, int p, int plane, float[] dx, int x0, int row, int c) {
        // B D, column by column: D0, D1 - D2 + D3, D2 + D1 - D0, -D3
        FloatVector d0 = FloatVector.fromArray(S, dv, p), d1 = FloatVector.fromArray(S, dv, p + 4 * plane);
        FloatVector d2 = FloatVector.fromArray(S, dv, p + 8 * plane), d3 = FloatVector.fromArray(S, dv, p + 12 * plane);
        FloatVector e00 = d0, e10 = d1.sub(d2).add(d3), e20 = d2.add(d1).sub(d0), e30 = d3.neg();
        d0 = FloatVector.fromArray(S, dv, p + plane); d1 = FloatVector.fromArray(S, dv, p + 5 * plane);
        d2 = FloatVector.fromArray(S, dv, p + 9 * plane); d3 = FloatVector.fromArray(S, dv, p + 13 * plane);
        FloatVector e01 = d0, e11 = d1.sub(d2).add(d3), e21 = d2.add(d1).sub(d0), e31 = d3.neg();
        d0 = FloatVector.fromArray(S, dv, p + 2 * plane); d1 = FloatVector.fromArray(S, dv, p + 6 * plane);
        d2 = FloatVector.fromArray(S, dv, p + 10 * plane); d3 = FloatVector.fromArray(S, dv, p + 14 * plane);
        FloatVector e02 = d0, e12 = d1.sub(d2).add(d3), e22 = d2.add(d1).sub(d0), e32 = d3.neg();
        d0 = FloatVector.fromArray(S, dv, p + 3 * plane); d1 = FloatVector.fromArray(S, dv, p + 7 * plane);
        d2 = FloatVector.fromArray(S, dv, p + 11 * plane); d3 = FloatVector.fromArray(S, dv, p + 15 * plane);
        FloatVector e03 = d0, e13 = d1.sub(d2).add(d3), e23 = d2.add(d1).sub(d0), e33 = d3.neg();
        // (B D) B^T, row by row: [e0, e1 - e2 + e3, e2 + e1 - e0, -e3] added at the tile's row i
        int xo = x0;
        FloatVector.fromArray(S, dx, xo).add(e00).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e01.sub(e02).add(e03)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e02.add(e01).sub(e00)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e03.neg()).intoArray(dx, xo + 3 * c);
        xo += row;
        FloatVector.fromArray(S, dx, xo).add(e10).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e11.sub(e12).add(e13)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e12.add(e11).sub(e10)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e13.neg()).intoArray(dx, xo + 3 * c);
        xo += row;
        FloatVector.fromArray(S, dx, xo).add(e20).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e21.sub(e22).add(e23)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e22.add(e21).sub(e20)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e23.neg()).intoArray(dx, xo + 3 * c);
        xo += row;
        FloatVector.fromArray(S, dx, xo).add(e30).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e31.sub(e32).add(e33)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e32.add(e31).sub(e30)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e33.neg()).intoArray(dx, xo + 3 * c);
    }

    @Override
    public void outputTransform(float[] m, int plane, int tiles, int ph, int pw, int f, float[] z, float[] bias, boolean relu) {
        int fv = f - f % L, zRow = 2 * pw * f;
        int t = 0;
        for (int s = 0; s < tiles / (ph * pw); s++) for (int ti = 0; ti < ph; ti++) for (int tj = 0; tj < pw; tj++, t++) {
            int z0 = ((s * 2 * ph + 2 * ti) * 2 * pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) outputVector(m, t * f + q, plane, z, z0 + q, zRow, f, bias, q, relu);
            if (fv < f) Winograd.outputTile(m, t * f, plane, z, z0, zRow, f, fv, f, bias, relu);
        }
    }

    /** One tile's 2x2 outputs for L filters at z0 (and z0 + zRow), from M at p; + bias[q..], ReLU as VectorGemm's epilogue. */
    private static void outputVector(float[] m, int p, int plane, float[] z, int z0, int zRow, int f, float[] bias, int q, boolean relu) {
        // A^T M, column by column: m0+m1+m2, m1-m2-m3
        FloatVector m0 = FloatVector.fromArray(S, m, p), m4 = FloatVector.fromArray(S, m, p + 4 * plane);
        FloatVector m8 = FloatVector.fromArray(S, m, p + 8 * plane), m12 = FloatVector.fromArray(S, m, p + 12 * plane);
        FloatVector g00 = m0.add(m4).add(m8), g10 = m4.sub(m8).sub(m12);
        m0 = FloatVector.fromArray(S, m, p + plane); m4 = FloatVector.fromArray(S, m, p + 5 * plane);
        m8 = FloatVector.fromArray(S, m, p + 9 * plane); m12 = FloatVector.fromArray(S, m, p + 13 * plane);
        FloatVector g01 = m0.add(m4).add(m8), g11 = m4.sub(m8).sub(m12);
        m0 = FloatVector.fromArray(S, m, p + 2 * plane); m4 = FloatVector.fromArray(S, m, p + 6 * plane);
        m8 = FloatVector.fromArray(S, m, p + 10 * plane); m12 = FloatVector.fromArray(S, m, p + 14 * plane);
        FloatVector g02 = m0.add(m4).add(m8), g12 = m4.sub(m8).sub(m12);
        m0 = FloatVector.fromArray(S, m, p + 3 * plane); m4 = FloatVector.fromArray(S, m, p + 7 * plane);
        m8 = FloatVector.fromArray(S, m, p + 11 * plane); m12 = FloatVector.fromArray(S, m, p + 15 * plane);
        FloatVector g03 = m0.add(m4).add(m8), g13 = m4.sub(m8).sub(m12);
        // (A^T M) A, row by row
        FloatVector y00 = g00.add(g01).add(g02), y01 = g01.sub(g02).sub(g03);
        FloatVector y10 = g10.add(g11).add(g12), y11 = g11.sub(g12).sub(g13);
        if (bias != null) {
            FloatVector b = FloatVector.fromArray(S, bias, q);
            y00 = y00.add(b);
            y01 = y01.add(b);
            y10 = y10.add(b);
            y11 = y11.add(b);
        }
        if (relu) { // z > 0 ? z : 0 (a NaN gives 0)
            FloatVector zero = FloatVector.zero(S);
            y00 = zero.blend(y00, y00.compare(VectorOperators.GT, 0f));
            y01 = zero.blend(y01, y01.compare(VectorOperators.GT, 0f));
            y10 = zero.blend(y10, y10.compare(VectorOperators.GT, 0f));
            y11 = zero.blend(y11, y11.compare(VectorOperators.GT, 0f));
        }
        y00.intoArray(z, z0);
        y01.intoArray(z, z0 + f);
        y10.intoArray(z, z0 + zRow);
        y11.intoArray(z, z0 + zRow + f);
    }
}
