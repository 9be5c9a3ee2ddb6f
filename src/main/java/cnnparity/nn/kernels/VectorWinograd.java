package cnnparity.nn.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd}'s passes on the Vector API, channels (or filters) in vectors: per element the
 * same additions and subtractions in the same order as the plain loops, so the same bits.
 *
 * <p>Shaped for C2, which otherwise boxes the vectors (a heap object per vector, 10x slower, 9 MB
 * per training step seen in one run of three): no vector crosses a method boundary (methods take
 * arrays and offsets), no vector is merged from two branches, and no compiled unit holds more
 * than about 36 vector operations. Past C2's inlining budget (units of 60-80 operations) the last
 * operations of a unit were left as calls, and which ones depended on the profile. So each pass
 * (one or two rows of a transform, over a group's tiles) is its own unit: the passes are reached
 * through {@link #PASSES}, one call site with many receiver classes, which C2 does not inline.
 */
final class VectorWinograd implements Winograd.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private interface Pass {
        void run(Winograd.Tiles t);
    }

    private static final int KERNEL = 0, INPUT = 4, OUTPUT = 8, OUTPUT_BIAS_RELU = 10, GRAD = 12, INPUT_GRAD = 16;

    private static final Pass[] PASSES = {
        VectorWinograd::kernelPass0, VectorWinograd::kernelPass1, VectorWinograd::kernelPass2, VectorWinograd::kernelPass3,
        VectorWinograd::inputPassRows01, t -> { }, VectorWinograd::inputPassRows23, t -> { },
        VectorWinograd::outputPass0, VectorWinograd::outputPass1, VectorWinograd::outputPass0BiasRelu, VectorWinograd::outputPass1BiasRelu,
        VectorWinograd::gradPassRows01, t -> { }, VectorWinograd::gradPassRows23, t -> { },
        t -> inputGradPass0(t), t -> inputGradPass1(t), t -> inputGradPass2(t), t -> inputGradPass3(t),
    };

    /** The one call site of every pass: it sees many receiver classes, so C2 calls them instead of inlining. */
    private static void run(int pass, Winograd.Tiles t) {
        PASSES[pass].run(t);
    }

    @Override
    public void kernelRows(Winograd.Tiles t, int i) {
        run(KERNEL + i, t);
        Winograd.kernelRowsRange(t, i, t.n - t.n % L, t.n);
    }

    @Override
    public void inputRows(Winograd.Tiles t, int i) {
        run(INPUT + i, t); // rows 0 and 1 in pass 0, rows 2 and 3 in pass 2; passes 1 and 3 are empty
        if (t.c % L != 0) Winograd.inputRowsRange(t, i, t.c - t.c % L, t.c);
    }

    @Override
    public void outputRows(Winograd.Tiles t, int r) {
        boolean plain = t.bias == null && !t.relu, biasRelu = t.bias != null && t.relu;
        if (plain || biasRelu) {
            run((plain ? OUTPUT : OUTPUT_BIAS_RELU) + r, t);
            if (t.f % L != 0) Winograd.outputRowsRange(t, r, t.f - t.f % L, t.f);
        } else { // a linear conv with a bias, or a ReLU conv without: the plain loops
            Winograd.outputRowsRange(t, r, 0, t.f);
        }
    }

    @Override
    public void gradRows(Winograd.Tiles t, int i) {
        run(GRAD + i, t); // rows 0 and 1 in pass 0, rows 2 and 3 in pass 2; passes 1 and 3 are empty
        if (t.f % L != 0) Winograd.gradRowsRange(t, i, t.f - t.f % L, t.f);
    }

    @Override
    public void inputGradRows(Winograd.Tiles t, int i) {
        run(INPUT_GRAD + i, t);
        if (t.c % L != 0) Winograd.inputGradRowsRange(t, i, t.c - t.c % L, t.c);
    }

    // ---- U = G k G^T: row i for L of the C*F columns at a time

    // one pass method per row (and per variant below): a pass compiled on its own holds one row's operations only
    private static void kernelPass0(Winograd.Tiles t) {
        for (int q = 0, qv = t.n - t.n % L; q < qv; q += L) kernelRowCopy(t.src, t.n, q, 0, t.dst, 0, t.plane);
    }

    private static void kernelPass1(Winograd.Tiles t) {
        for (int q = 0, qv = t.n - t.n % L; q < qv; q += L) kernelRowSum(t.src, t.n, q, t.dst, 4 * t.plane, t.plane);
    }

    private static void kernelPass2(Winograd.Tiles t) {
        for (int q = 0, qv = t.n - t.n % L; q < qv; q += L) kernelRowDiff(t.src, t.n, q, t.dst, 8 * t.plane, t.plane);
    }

    private static void kernelPass3(Winograd.Tiles t) {
        for (int q = 0, qv = t.n - t.n % L; q < qv; q += L) kernelRowCopy(t.src, t.n, q, 6 * t.n, t.dst, 12 * t.plane, t.plane);
    }

    /** Row 0 or 3 of G k (kernel row 0 or 2 as it is, from k at r), then across: a, (a+b+d)/2, (a-b+d)/2, d. */
    private static void kernelRowCopy(float[] k, int cf, int q, int r, float[] u, int o, int up) {
        FloatVector a = FloatVector.fromArray(S, k, r + q), b = FloatVector.fromArray(S, k, r + cf + q), d = FloatVector.fromArray(S, k, r + 2 * cf + q);
        a.intoArray(u, o + q);
        a.add(b).add(d).mul(0.5f).intoArray(u, o + up + q);
        a.sub(b).add(d).mul(0.5f).intoArray(u, o + 2 * up + q);
        d.intoArray(u, o + 3 * up + q);
    }

    /** Row 1 of G k, (k0 + k1 + k2)/2 down each column, then across. */
    private static void kernelRowSum(float[] k, int cf, int q, float[] u, int o, int up) {
        FloatVector a = FloatVector.fromArray(S, k, q).add(FloatVector.fromArray(S, k, 3 * cf + q)).add(FloatVector.fromArray(S, k, 6 * cf + q)).mul(0.5f);
        FloatVector b = FloatVector.fromArray(S, k, cf + q).add(FloatVector.fromArray(S, k, 4 * cf + q)).add(FloatVector.fromArray(S, k, 7 * cf + q)).mul(0.5f);
        FloatVector d = FloatVector.fromArray(S, k, 2 * cf + q).add(FloatVector.fromArray(S, k, 5 * cf + q)).add(FloatVector.fromArray(S, k, 8 * cf + q)).mul(0.5f);
        a.intoArray(u, o + q);
        a.add(b).add(d).mul(0.5f).intoArray(u, o + up + q);
        a.sub(b).add(d).mul(0.5f).intoArray(u, o + 2 * up + q);
        d.intoArray(u, o + 3 * up + q);
    }

    /** Row 2 of G k, (k0 - k1 + k2)/2 down each column, then across. */
    private static void kernelRowDiff(float[] k, int cf, int q, float[] u, int o, int up) {
        FloatVector a = FloatVector.fromArray(S, k, q).sub(FloatVector.fromArray(S, k, 3 * cf + q)).add(FloatVector.fromArray(S, k, 6 * cf + q)).mul(0.5f);
        FloatVector b = FloatVector.fromArray(S, k, cf + q).sub(FloatVector.fromArray(S, k, 4 * cf + q)).add(FloatVector.fromArray(S, k, 7 * cf + q)).mul(0.5f);
        FloatVector d = FloatVector.fromArray(S, k, 2 * cf + q).sub(FloatVector.fromArray(S, k, 5 * cf + q)).add(FloatVector.fromArray(S, k, 8 * cf + q)).mul(0.5f);
        a.intoArray(u, o + q);
        a.add(b).add(d).mul(0.5f).intoArray(u, o + up + q);
        a.sub(b).add(d).mul(0.5f).intoArray(u, o + 2 * up + q);
        d.intoArray(u, o + 3 * up + q);
    }

    // ---- V = B^T d B: two rows of every tile per pass, L channels at a time

    // rows 0 and 1 of V read image rows 0, 1, 2 of a tile, rows 2 and 3 read rows 1, 2, 3: two rows
    // per pass (36 vector operations per unit) load a tile's cells 24 times instead of 32
    private static void inputPassRows01(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0, plane = t.plane;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int x0 = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c;
            for (int ch = 0; ch < cv; ch += L) inputRows01(t.src, x0 + ch, row, c, t.dst, tt * c + ch, plane);
        }
    }

    private static void inputPassRows23(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0, plane = t.plane;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int x0 = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c;
            for (int ch = 0; ch < cv; ch += L) inputRows23(t.src, x0 + ch, row, c, t.dst, tt * c + ch + 8 * plane, plane);
        }
    }

    /** V rows 0 (d0 - d2 down each column) and 1 (d1 + d2), each then across: e0-e2, e1+e2, e2-e1, e1-e3. */
    private static void inputRows01(float[] x, int x0, int row, int c, float[] v, int p, int plane) {
        int x1 = x0 + row, x2 = x1 + row;
        FloatVector d00 = FloatVector.fromArray(S, x, x0), d01 = FloatVector.fromArray(S, x, x0 + c);
        FloatVector d02 = FloatVector.fromArray(S, x, x0 + 2 * c), d03 = FloatVector.fromArray(S, x, x0 + 3 * c);
        FloatVector d10 = FloatVector.fromArray(S, x, x1), d11 = FloatVector.fromArray(S, x, x1 + c);
        FloatVector d12 = FloatVector.fromArray(S, x, x1 + 2 * c), d13 = FloatVector.fromArray(S, x, x1 + 3 * c);
        FloatVector d20 = FloatVector.fromArray(S, x, x2), d21 = FloatVector.fromArray(S, x, x2 + c);
        FloatVector d22 = FloatVector.fromArray(S, x, x2 + 2 * c), d23 = FloatVector.fromArray(S, x, x2 + 3 * c);
        FloatVector e0 = d00.sub(d20), e1 = d01.sub(d21), e2 = d02.sub(d22), e3 = d03.sub(d23);
        e0.sub(e2).intoArray(v, p);
        e1.add(e2).intoArray(v, p + plane);
        e2.sub(e1).intoArray(v, p + 2 * plane);
        e1.sub(e3).intoArray(v, p + 3 * plane);
        e0 = d10.add(d20); e1 = d11.add(d21); e2 = d12.add(d22); e3 = d13.add(d23);
        e0.sub(e2).intoArray(v, p + 4 * plane);
        e1.add(e2).intoArray(v, p + 5 * plane);
        e2.sub(e1).intoArray(v, p + 6 * plane);
        e1.sub(e3).intoArray(v, p + 7 * plane);
    }

    /** V rows 2 (d2 - d1) and 3 (d1 - d3), at p (row 2's start). */
    private static void inputRows23(float[] x, int x0, int row, int c, float[] v, int p, int plane) {
        int x1 = x0 + row, x2 = x1 + row, x3 = x2 + row;
        FloatVector d10 = FloatVector.fromArray(S, x, x1), d11 = FloatVector.fromArray(S, x, x1 + c);
        FloatVector d12 = FloatVector.fromArray(S, x, x1 + 2 * c), d13 = FloatVector.fromArray(S, x, x1 + 3 * c);
        FloatVector d20 = FloatVector.fromArray(S, x, x2), d21 = FloatVector.fromArray(S, x, x2 + c);
        FloatVector d22 = FloatVector.fromArray(S, x, x2 + 2 * c), d23 = FloatVector.fromArray(S, x, x2 + 3 * c);
        FloatVector d30 = FloatVector.fromArray(S, x, x3), d31 = FloatVector.fromArray(S, x, x3 + c);
        FloatVector d32 = FloatVector.fromArray(S, x, x3 + 2 * c), d33 = FloatVector.fromArray(S, x, x3 + 3 * c);
        FloatVector e0 = d20.sub(d10), e1 = d21.sub(d11), e2 = d22.sub(d12), e3 = d23.sub(d13);
        e0.sub(e2).intoArray(v, p);
        e1.add(e2).intoArray(v, p + plane);
        e2.sub(e1).intoArray(v, p + 2 * plane);
        e1.sub(e3).intoArray(v, p + 3 * plane);
        e0 = d10.sub(d30); e1 = d11.sub(d31); e2 = d12.sub(d32); e3 = d13.sub(d33);
        e0.sub(e2).intoArray(v, p + 4 * plane);
        e1.add(e2).intoArray(v, p + 5 * plane);
        e2.sub(e1).intoArray(v, p + 6 * plane);
        e1.sub(e3).intoArray(v, p + 7 * plane);
    }

    // ---- y = A^T M A: output row r of every tile, L filters at a time; plain, or + bias then ReLU

    private static void outputPass0(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int zo = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) outputRow0(t.src, tt * f + q, t.plane, t.dst, zo + q, f);
        }
    }

    private static void outputPass1(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, zRow = 2 * t.pw * f, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int zo = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f + zRow;
            for (int q = 0; q < fv; q += L) outputRow1(t.src, tt * f + q, t.plane, t.dst, zo + q, f);
        }
    }

    private static void outputPass0BiasRelu(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int zo = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) outputRow0BiasRelu(t.src, tt * f + q, t.plane, t.dst, zo + q, f, t.bias, q);
        }
    }

    private static void outputPass1BiasRelu(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, zRow = 2 * t.pw * f, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int zo = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f + zRow;
            for (int q = 0; q < fv; q += L) outputRow1BiasRelu(t.src, tt * f + q, t.plane, t.dst, zo + q, f, t.bias, q);
        }
    }

    /** Output row 0: g_j = m0j + m1j + m2j down each column, then y = [g0 + g1 + g2, g1 - g2 - g3]. */
    private static void outputRow0(float[] m, int p, int plane, float[] z, int zo, int f) {
        FloatVector g0 = FloatVector.fromArray(S, m, p).add(FloatVector.fromArray(S, m, p + 4 * plane)).add(FloatVector.fromArray(S, m, p + 8 * plane));
        FloatVector g1 = FloatVector.fromArray(S, m, p + plane).add(FloatVector.fromArray(S, m, p + 5 * plane)).add(FloatVector.fromArray(S, m, p + 9 * plane));
        FloatVector g2 = FloatVector.fromArray(S, m, p + 2 * plane).add(FloatVector.fromArray(S, m, p + 6 * plane)).add(FloatVector.fromArray(S, m, p + 10 * plane));
        FloatVector g3 = FloatVector.fromArray(S, m, p + 3 * plane).add(FloatVector.fromArray(S, m, p + 7 * plane)).add(FloatVector.fromArray(S, m, p + 11 * plane));
        g0.add(g1).add(g2).intoArray(z, zo);
        g1.sub(g2).sub(g3).intoArray(z, zo + f);
    }

    /** Output row 1: g_j = m1j - m2j - m3j. */
    private static void outputRow1(float[] m, int p, int plane, float[] z, int zo, int f) {
        FloatVector g0 = FloatVector.fromArray(S, m, p + 4 * plane).sub(FloatVector.fromArray(S, m, p + 8 * plane)).sub(FloatVector.fromArray(S, m, p + 12 * plane));
        FloatVector g1 = FloatVector.fromArray(S, m, p + 5 * plane).sub(FloatVector.fromArray(S, m, p + 9 * plane)).sub(FloatVector.fromArray(S, m, p + 13 * plane));
        FloatVector g2 = FloatVector.fromArray(S, m, p + 6 * plane).sub(FloatVector.fromArray(S, m, p + 10 * plane)).sub(FloatVector.fromArray(S, m, p + 14 * plane));
        FloatVector g3 = FloatVector.fromArray(S, m, p + 7 * plane).sub(FloatVector.fromArray(S, m, p + 11 * plane)).sub(FloatVector.fromArray(S, m, p + 15 * plane));
        g0.add(g1).add(g2).intoArray(z, zo);
        g1.sub(g2).sub(g3).intoArray(z, zo + f);
    }

    /** outputRow0, then + bias[q..] and ReLU (z > 0 ? z : 0, a NaN gives 0), as VectorGemm's epilogue. */
    private static void outputRow0BiasRelu(float[] m, int p, int plane, float[] z, int zo, int f, float[] bias, int q) {
        FloatVector g0 = FloatVector.fromArray(S, m, p).add(FloatVector.fromArray(S, m, p + 4 * plane)).add(FloatVector.fromArray(S, m, p + 8 * plane));
        FloatVector g1 = FloatVector.fromArray(S, m, p + plane).add(FloatVector.fromArray(S, m, p + 5 * plane)).add(FloatVector.fromArray(S, m, p + 9 * plane));
        FloatVector g2 = FloatVector.fromArray(S, m, p + 2 * plane).add(FloatVector.fromArray(S, m, p + 6 * plane)).add(FloatVector.fromArray(S, m, p + 10 * plane));
        FloatVector g3 = FloatVector.fromArray(S, m, p + 3 * plane).add(FloatVector.fromArray(S, m, p + 7 * plane)).add(FloatVector.fromArray(S, m, p + 11 * plane));
        FloatVector b = FloatVector.fromArray(S, bias, q), zero = FloatVector.zero(S);
        FloatVector y = g0.add(g1).add(g2).add(b);
        zero.blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(z, zo);
        y = g1.sub(g2).sub(g3).add(b);
        zero.blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(z, zo + f);
    }

    /** outputRow1, then + bias[q..] and ReLU. */
    private static void outputRow1BiasRelu(float[] m, int p, int plane, float[] z, int zo, int f, float[] bias, int q) {
        FloatVector g0 = FloatVector.fromArray(S, m, p + 4 * plane).sub(FloatVector.fromArray(S, m, p + 8 * plane)).sub(FloatVector.fromArray(S, m, p + 12 * plane));
        FloatVector g1 = FloatVector.fromArray(S, m, p + 5 * plane).sub(FloatVector.fromArray(S, m, p + 9 * plane)).sub(FloatVector.fromArray(S, m, p + 13 * plane));
        FloatVector g2 = FloatVector.fromArray(S, m, p + 6 * plane).sub(FloatVector.fromArray(S, m, p + 10 * plane)).sub(FloatVector.fromArray(S, m, p + 14 * plane));
        FloatVector g3 = FloatVector.fromArray(S, m, p + 7 * plane).sub(FloatVector.fromArray(S, m, p + 11 * plane)).sub(FloatVector.fromArray(S, m, p + 15 * plane));
        FloatVector b = FloatVector.fromArray(S, bias, q), zero = FloatVector.zero(S);
        FloatVector y = g0.add(g1).add(g2).add(b);
        zero.blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(z, zo);
        y = g1.sub(g2).sub(g3).add(b);
        zero.blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(z, zo + f);
    }

    // ---- W = A dy A^T: row i of every tile, L filters at a time

    // two rows of W per pass: each reads the window's four cells once
    private static void gradPassRows01(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, zRow = 2 * t.pw * f, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int z0 = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) gradRows01(t.src, z0 + q, f, zRow, t.dst, tt * f + q, t.plane);
        }
    }

    private static void gradPassRows23(Winograd.Tiles t) {
        int f = t.f, fv = f - f % L, zRow = 2 * t.pw * f, tt = 0;
        for (int s = t.b0; s < t.b1; s++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int z0 = ((s * 2 * t.ph + 2 * ti) * 2 * t.pw + 2 * tj) * f;
            for (int q = 0; q < fv; q += L) gradRows23(t.src, z0 + q, f, zRow, t.dst, tt * f + q + 8 * t.plane, t.plane);
        }
    }

    /** W rows 0 ([p r]) and 1 ([p+s r+t]) for dy = [[p r] [s t]] at z0, each row [a b] across as a, a+b, a-b, -b. */
    private static void gradRows01(float[] dz, int z0, int f, int zRow, float[] w, int o, int plane) {
        FloatVector p = FloatVector.fromArray(S, dz, z0), r = FloatVector.fromArray(S, dz, z0 + f);
        FloatVector s = FloatVector.fromArray(S, dz, z0 + zRow), u = FloatVector.fromArray(S, dz, z0 + zRow + f);
        p.intoArray(w, o);
        p.add(r).intoArray(w, o + plane);
        p.sub(r).intoArray(w, o + 2 * plane);
        r.neg().intoArray(w, o + 3 * plane);
        FloatVector a = p.add(s), b = r.add(u);
        a.intoArray(w, o + 4 * plane);
        a.add(b).intoArray(w, o + 5 * plane);
        a.sub(b).intoArray(w, o + 6 * plane);
        b.neg().intoArray(w, o + 7 * plane);
    }

    /** W rows 2 ([p-s r-t]) and 3 ([-s -t]), at o (row 2's start). */
    private static void gradRows23(float[] dz, int z0, int f, int zRow, float[] w, int o, int plane) {
        FloatVector p = FloatVector.fromArray(S, dz, z0), r = FloatVector.fromArray(S, dz, z0 + f);
        FloatVector s = FloatVector.fromArray(S, dz, z0 + zRow), u = FloatVector.fromArray(S, dz, z0 + zRow + f);
        FloatVector a = p.sub(s), b = r.sub(u);
        a.intoArray(w, o);
        a.add(b).intoArray(w, o + plane);
        a.sub(b).intoArray(w, o + 2 * plane);
        b.neg().intoArray(w, o + 3 * plane);
        a = s.neg();
        b = u.neg();
        a.intoArray(w, o + 4 * plane);
        a.add(b).intoArray(w, o + 5 * plane);
        a.sub(b).intoArray(w, o + 6 * plane);
        b.neg().intoArray(w, o + 7 * plane);
    }

    // ---- dx += B dV B^T: tile row i of every tile, in tile order, L channels at a time

    private static void inputGradPass0(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int xo = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c;
            for (int ch = 0; ch < cv; ch += L) inputGradRow0(t.src, tt * c + ch, t.plane, t.dst, xo + ch, c);
        }
    }

    private static void inputGradPass1(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int xo = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c + row;
            for (int ch = 0; ch < cv; ch += L) inputGradRow1(t.src, tt * c + ch, t.plane, t.dst, xo + ch, c);
        }
    }

    private static void inputGradPass2(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int xo = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c + 2 * row;
            for (int ch = 0; ch < cv; ch += L) inputGradRow2(t.src, tt * c + ch, t.plane, t.dst, xo + ch, c);
        }
    }

    private static void inputGradPass3(Winograd.Tiles t) {
        int c = t.c, cv = c - c % L, row = t.w * c, tt = 0;
        for (int b = t.b0; b < t.b1; b++) for (int ti = 0; ti < t.ph; ti++) for (int tj = 0; tj < t.pw; tj++, tt++) {
            int xo = ((b * t.h + 2 * ti) * t.w + 2 * tj) * c + 3 * row;
            for (int ch = 0; ch < cv; ch += L) inputGradRow3(t.src, tt * c + ch, t.plane, t.dst, xo + ch, c);
        }
    }

    /** Tile row 0: e_j = D0j; dx row += [e0, e1 - e2 + e3, e2 + e1 - e0, -e3] at xo, xo + c, xo + 2c, xo + 3c. */
    private static void inputGradRow0(float[] dv, int p, int plane, float[] dx, int xo, int c) {
        FloatVector e0 = FloatVector.fromArray(S, dv, p), e1 = FloatVector.fromArray(S, dv, p + plane);
        FloatVector e2 = FloatVector.fromArray(S, dv, p + 2 * plane), e3 = FloatVector.fromArray(S, dv, p + 3 * plane);
        FloatVector.fromArray(S, dx, xo).add(e0).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e1.sub(e2).add(e3)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e2.add(e1).sub(e0)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e3.neg()).intoArray(dx, xo + 3 * c);
    }

    /** Tile row 1: e_j = D1j - D2j + D3j. */
    private static void inputGradRow1(float[] dv, int p, int plane, float[] dx, int xo, int c) {
        FloatVector e0 = FloatVector.fromArray(S, dv, p + 4 * plane).sub(FloatVector.fromArray(S, dv, p + 8 * plane)).add(FloatVector.fromArray(S, dv, p + 12 * plane));
        FloatVector e1 = FloatVector.fromArray(S, dv, p + 5 * plane).sub(FloatVector.fromArray(S, dv, p + 9 * plane)).add(FloatVector.fromArray(S, dv, p + 13 * plane));
        FloatVector e2 = FloatVector.fromArray(S, dv, p + 6 * plane).sub(FloatVector.fromArray(S, dv, p + 10 * plane)).add(FloatVector.fromArray(S, dv, p + 14 * plane));
        FloatVector e3 = FloatVector.fromArray(S, dv, p + 7 * plane).sub(FloatVector.fromArray(S, dv, p + 11 * plane)).add(FloatVector.fromArray(S, dv, p + 15 * plane));
        FloatVector.fromArray(S, dx, xo).add(e0).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e1.sub(e2).add(e3)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e2.add(e1).sub(e0)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e3.neg()).intoArray(dx, xo + 3 * c);
    }

    /** Tile row 2: e_j = D2j + D1j - D0j. */
    private static void inputGradRow2(float[] dv, int p, int plane, float[] dx, int xo, int c) {
        FloatVector e0 = FloatVector.fromArray(S, dv, p + 8 * plane).add(FloatVector.fromArray(S, dv, p + 4 * plane)).sub(FloatVector.fromArray(S, dv, p));
        FloatVector e1 = FloatVector.fromArray(S, dv, p + 9 * plane).add(FloatVector.fromArray(S, dv, p + 5 * plane)).sub(FloatVector.fromArray(S, dv, p + plane));
        FloatVector e2 = FloatVector.fromArray(S, dv, p + 10 * plane).add(FloatVector.fromArray(S, dv, p + 6 * plane)).sub(FloatVector.fromArray(S, dv, p + 2 * plane));
        FloatVector e3 = FloatVector.fromArray(S, dv, p + 11 * plane).add(FloatVector.fromArray(S, dv, p + 7 * plane)).sub(FloatVector.fromArray(S, dv, p + 3 * plane));
        FloatVector.fromArray(S, dx, xo).add(e0).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e1.sub(e2).add(e3)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e2.add(e1).sub(e0)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e3.neg()).intoArray(dx, xo + 3 * c);
    }

    /** Tile row 3: e_j = -D3j. */
    private static void inputGradRow3(float[] dv, int p, int plane, float[] dx, int xo, int c) {
        FloatVector e0 = FloatVector.fromArray(S, dv, p + 12 * plane).neg(), e1 = FloatVector.fromArray(S, dv, p + 13 * plane).neg();
        FloatVector e2 = FloatVector.fromArray(S, dv, p + 14 * plane).neg(), e3 = FloatVector.fromArray(S, dv, p + 15 * plane).neg();
        FloatVector.fromArray(S, dx, xo).add(e0).intoArray(dx, xo);
        FloatVector.fromArray(S, dx, xo + c).add(e1.sub(e2).add(e3)).intoArray(dx, xo + c);
        FloatVector.fromArray(S, dx, xo + 2 * c).add(e2.add(e1).sub(e0)).intoArray(dx, xo + 2 * c);
        FloatVector.fromArray(S, dx, xo + 3 * c).add(e3.neg()).intoArray(dx, xo + 3 * c);
    }
}
