package cnnparity.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.layers.LayerRegistry;
import cnnparity.train.Backprop;
import cnnparity.train.Losses;
import cnnparity.train.Presets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The speed-minded code paths against plain definitions: MaxPooling2D (its 2x2 fast path and the
 * general one, which find the winning cell again in backward instead of storing it), Dropout's
 * mask, and a training step that reuses its buffers instead of allocating new ones.
 */
class FastPathsTest {
    static final ObjectMapper M = new ObjectMapper();

    static Layer layer(String cls, String json) throws Exception {
        return LayerRegistry.create(cls, (ObjectNode) M.readTree(json));
    }

    /**
     * TensorFlow's CPU MaxPool / MaxPoolGrad (maxpooling_op.cc): scan the window in row-major
     * order, keep a cell only when strictly greater (a NaN wins over a number); the gradient goes
     * to the kept cell. Returns {y, dx}.
     */
    static float[][] strictGreaterScan(float[] x, float[] dy, int n, int h, int w, int c, int ph, int pw, int sh, int sw, int padTop,
                                       int padLeft, int oh, int ow) {
        float[] y = new float[n * oh * ow * c], dx = new float[x.length];
        for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int ch = 0; ch < c; ch++) {
            int best = -1;
            for (int a = 0; a < ph; a++) for (int e = 0; e < pw; e++) {
                int ih = i * sh + a - padTop, iw = j * sw + e - padLeft;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                int xo = ((b * h + ih) * w + iw) * c + ch;
                if (best < 0 || x[xo] > x[best] || (Float.isNaN(x[xo]) && !Float.isNaN(x[best]))) best = xo;
            }
            int yo = ((b * oh + i) * ow + j) * c + ch;
            y[yo] = x[best];
            dx[best] += dy[yo];
        }
        return new float[][] {y, dx};
    }

    record Pool(String name, String config, int h, int w, int c, int ph, int pw, int sh, int sw, int padTop, int padLeft, int oh, int ow) {
    }

    @TestFactory
    Stream<DynamicTest> maxPoolingPicksTheFirstMaximumLikeTensorFlow() {
        return Stream.of(
                new Pool("2x2 fast path", "{\"pool_size\":2}", 6, 8, 3, 2, 2, 2, 2, 0, 0, 3, 4),
                new Pool("2x2 fast path, odd size leaves a row and column out", "{\"pool_size\":2}", 5, 7, 4, 2, 2, 2, 2, 0, 0, 2, 3),
                new Pool("2x2 fast path, 35 channels: full vectors and a tail", "{\"pool_size\":2}", 4, 6, 35, 2, 2, 2, 2, 0, 0, 2, 3),
                new Pool("2x2 fast path, 64 channels, odd size", "{\"pool_size\":2}", 5, 5, 64, 2, 2, 2, 2, 0, 0, 2, 2),
                // TF: pad total 1 on each axis, all on the bottom/right: the last windows hang over the edge
                new Pool("2x2 'same' on odd size: not the fast path", "{\"pool_size\":2,\"padding\":\"same\"}", 5, 7, 3, 2, 2, 2, 2, 0, 0, 3, 4),
                new Pool("2x2 'same' on even size: the fast path", "{\"pool_size\":2,\"padding\":\"same\"}", 4, 6, 32, 2, 2, 2, 2, 0, 0, 2, 3),
                new Pool("3x3 stride 2 same: overlapping windows, padding", "{\"pool_size\":3,\"strides\":2,\"padding\":\"same\"}", 5, 6, 2, 3, 3, 2, 2, 1, 0, 3, 3), // TF: pad total 2 rows (1 on top), 1 column (0 on the left)
                new Pool("2x2 stride 1: every cell in up to four windows", "{\"pool_size\":2,\"strides\":1}", 4, 5, 3, 2, 2, 1, 1, 0, 0, 3, 4))
                .map(p -> DynamicTest.dynamicTest(p.name, () -> {
                    int n = 3;
                    SplittableRandom r = new SplittableRandom(7);
                    float[] values = {0f, -0f, 0.5f, 1f, 1f, -2f, Float.NaN};
                    float[] x = new float[n * p.h * p.w * p.c];
                    // few distinct values: ties everywhere, signed zeros and NaNs among them
                    for (int i = 0; i < x.length; i++) x[i] = values[r.nextInt(i % 11 == 0 ? values.length : values.length - 1)];
                    float[] dy = new float[n * p.oh * p.ow * p.c];
                    for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
                    Layer pool = layer("MaxPooling2D", p.config);
                    Tensor y = pool.forward(Tensor.of(x.clone(), n, p.h, p.w, p.c), true);
                    Tensor dx = pool.backward(Tensor.of(dy, n, p.oh, p.ow, p.c));
                    float[][] want = strictGreaterScan(x, dy, n, p.h, p.w, p.c, p.ph, p.pw, p.sh, p.sw, p.padTop, p.padLeft, p.oh, p.ow);
                    assertEquals(want[0].length, y.size());
                    for (int i = 0; i < want[0].length; i++) {
                        boolean same = want[0][i] == y.data[i] || (Float.isNaN(want[0][i]) && Float.isNaN(y.data[i]));
                        assertTrue(same, "y[" + i + "]: want " + want[0][i] + ", got " + y.data[i]);
                    }
                    for (int i = 0; i < x.length; i++) assertEquals(want[1][i], dx.data[i], 0f, "dx[" + i + "]");
                    // again with the buffers reused: same answer, nothing left over from the first call
                    pool.forward(Tensor.of(x.clone(), n, p.h, p.w, p.c), true);
                    Tensor dx2 = pool.backward(Tensor.of(dy, n, p.oh, p.ow, p.c));
                    for (int i = 0; i < x.length; i++) assertEquals(want[1][i], dx2.data[i], 0f, "second call dx[" + i + "]");
                }));
    }

    @Test
    void dropoutKeepsOneMinusRateScaledAndBackpropagatesThroughTheSameMask() throws Exception {
        Layer d = layer("Dropout", "{\"rate\":0.3}");
        d.setSeed(5);
        int size = 200_001; // odd: the last element takes a draw of its own
        float[] x = new float[size];
        java.util.Arrays.fill(x, 2f);
        Tensor y = d.forward(Tensor.of(x, 1, size), true);
        int zeros = 0;
        for (float v : y.data) {
            if (v == 0f) zeros++;
            else assertEquals(2f / 0.7f, v, 1e-6f, "kept values are scaled by 1/(1-rate)");
        }
        // binomial(200001, 0.3): standard deviation 205; 5 sigma is about 1,000
        assertEquals(0.3 * size, zeros, 1_000, "dropped fraction");
        float[] g = new float[size];
        java.util.Arrays.fill(g, 1f);
        Tensor dx = d.backward(Tensor.of(g, 1, size));
        for (int i = 0; i < size; i++) assertEquals(y.data[i] / 2f, dx.data[i], 1e-6f, "dx follows the forward's mask at " + i);
        // the same seed gives the same mask, another seed another one
        float[] first = y.data.clone();
        d.setSeed(5);
        assertTrue(java.util.Arrays.equals(first, d.forward(Tensor.of(x, 1, size), true).data));
        d.setSeed(6);
        assertTrue(!java.util.Arrays.equals(first, d.forward(Tensor.of(x, 1, size), true).data));
        assertTrue(d.forward(Tensor.of(x, 1, size), false).data == x, "inference: identity");
    }

    /** Runs body with the Winograd path on or off, and turns it back on. */
    static void withWinograd(boolean on, org.junit.jupiter.api.function.Executable body) throws Throwable {
        cnnparity.nn.kernels.Winograd.setEnabled(on);
        try {
            body.execute();
        } finally {
            cnnparity.nn.kernels.Winograd.setEnabled(true);
        }
    }

    static float[] inferenceInput(Model model, int batch) {
        SplittableRandom r = new SplittableRandom(11);
        float[] xs = new float[batch * (int) Tensor.numel(model.inputShape())];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
        return xs;
    }

    @TestFactory
    Stream<DynamicTest> fusedInferenceWithWinogradEqualsLayerByLayerToRounding() {
        // with Winograd (the default), conv2d_1 of the convnet sums in another order: its
        // probabilities stay within float rounding of the layer-by-layer ones
        return Presets.NAMES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Model model = Presets.build(name);
            cnnparity.train.Initializers.initialize(model, 7);
            int batch = 37;
            Tensor x = Tensor.of(inferenceInput(model, batch), Tensor.withBatch(batch, model.inputShape()));
            java.util.List<Tensor> all = model.forwardAll(x, false);
            float[] want = all.get(all.size() - 1).data.clone();
            float[] got = model.forward(x, false).data;
            double worst = 0;
            for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
            System.out.printf("%s: fused inference with Winograd, largest difference %.2e%n", name, worst);
            assertTrue(worst < 1e-6, name + ": largest difference " + worst);
        }));
    }

    @Test
    void theConvnetsSecondConvolutionRunsThroughWinograd() throws Throwable {
        // the switch is real: with it on, conv2d_1's sums (and so some output bits) change
        Model model = Presets.build("simple_mnist_convnet");
        cnnparity.train.Initializers.initialize(model, 7);
        Tensor x = Tensor.of(inferenceInput(model, 16), 16, 28, 28, 1);
        float[][] off = new float[1][];
        withWinograd(false, () -> off[0] = model.forward(x, false).data.clone());
        float[] on = model.forward(x, false).data;
        assertTrue(!java.util.Arrays.equals(off[0], on), "Winograd on and off gave the same bits");
    }

    @TestFactory
    Stream<DynamicTest> fusedInferenceWithoutWinogradEqualsLayerByLayer() {
        // Model.forward at inference runs Conv2D + 2x2 MaxPooling2D as one pass; forwardAll never fuses
        return Presets.NAMES.stream().map(name -> DynamicTest.dynamicTest(name, () -> withWinograd(false, () -> {
            Model model = Presets.build(name);
            cnnparity.train.Initializers.initialize(model, 7);
            int[] in = model.inputShape();
            int batch = 37; // not a multiple of the 16-sample chunks
            SplittableRandom r = new SplittableRandom(11);
            float[] xs = new float[batch * (int) Tensor.numel(in)];
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
            Tensor x = Tensor.of(xs, Tensor.withBatch(batch, in));
            java.util.List<Tensor> all = model.forwardAll(x, false);
            float[] want = all.get(all.size() - 1).data.clone();
            float[] got = model.forward(x, false).data;
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, name + ": fused inference differs from layer by layer");
        })));
    }

    @Test
    void fusedInferenceTakesTheFusedPathForTheConvnet() throws Exception {
        Layer conv = layer("Conv2D", "{\"filters\":32,\"kernel_size\":3,\"activation\":\"relu\"}");
        conv.build(new int[] {28, 28, 1});
        Layer pool = layer("MaxPooling2D", "{\"pool_size\":2}");
        Tensor x = Tensor.zeros(2, 28, 28, 1);
        assertTrue(conv.forwardInferenceFused(pool, x) != null, "Conv2D(relu) + MaxPooling2D 2x2 fuse");
        Layer same = layer("MaxPooling2D", "{\"pool_size\":2,\"padding\":\"same\"}");
        assertTrue(conv.forwardInferenceFused(same, x) == null, "'same' pooling is not the fused case");
        Layer tanh = layer("Conv2D", "{\"filters\":32,\"kernel_size\":3,\"activation\":\"tanh\"}");
        tanh.build(new int[] {28, 28, 1});
        assertTrue(tanh.forwardInferenceFused(pool, x) == null, "only ReLU or linear convolutions fuse");
    }

    @TestFactory
    Stream<DynamicTest> fusedTrainingStepWithWinogradEqualsLayerByLayerToRounding() {
        // the trainer's step with Winograd (the default): loss and prediction to float rounding,
        // every gradient to within 1e-4 of its norm (a window whose two largest cells differ by
        // less than the rounding may send its gradient to the other cell)
        return Presets.NAMES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Model a = Presets.build(name), b = Presets.build(name);
            cnnparity.train.Initializers.initialize(a, 5);
            cnnparity.train.Initializers.initialize(b, 5);
            int batch = 37;
            SplittableRandom r = new SplittableRandom(13);
            float[] xs = new float[batch * (int) Tensor.numel(a.inputShape())];
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
            int k = a.outputShape()[0];
            float[] ys = new float[batch * k];
            for (int i = 0; i < batch; i++) ys[i * k + r.nextInt(k)] = 1f;
            Tensor x = Tensor.of(xs, Tensor.withBatch(batch, a.inputShape())), y = Tensor.of(ys, batch, k);
            var loss = Losses.get("categorical_crossentropy");
            Backprop.Result want = Backprop.run(a, loss, x, y, true, false);
            Backprop.Step got = Backprop.step(b, loss, x, y);
            assertEquals(want.loss(), got.loss(), 1e-6 * Math.abs(want.loss()), name + " loss");
            for (int i = 0; i < want.prediction().data.length; i++) {
                assertEquals(want.prediction().data[i], got.prediction().data[i], 1e-5, name + " prediction " + i);
            }
            double worst = 0;
            for (int p = 0; p < a.params().size(); p++) {
                Param pa = a.params().get(p), pb = b.params().get(p);
                float[] ga = pa.grad != null ? pa.grad.data : pa.value.data, gb = pb.grad != null ? pb.grad.data : pb.value.data;
                double diff = 0, norm = 0;
                for (int i = 0; i < ga.length; i++) {
                    diff += (ga[i] - gb[i]) * (double) (ga[i] - gb[i]);
                    norm += ga[i] * (double) ga[i];
                }
                double rel = Math.sqrt(diff / Math.max(norm, 1e-30));
                worst = Math.max(worst, rel);
                assertTrue(rel < 1e-4, name + " " + pa.name + ": relative difference " + rel);
            }
            System.out.printf("%s: training step with Winograd, largest relative gradient difference %.2e%n", name, worst);
        }));
    }

    @TestFactory
    Stream<DynamicTest> fusedTrainingStepWithoutWinogradEqualsLayerByLayer() {
        // Backprop.step (the trainer's: Conv2D + 2x2 MaxPooling2D fused) against Backprop.run (every
        // layer on its own, what the parity harness checks): same loss, prediction and gradients
        return Presets.NAMES.stream().map(name -> DynamicTest.dynamicTest(name, () -> withWinograd(false, () -> {
            Model a = Presets.build(name), b = Presets.build(name);
            cnnparity.train.Initializers.initialize(a, 5);
            cnnparity.train.Initializers.initialize(b, 5);
            int[] in = a.inputShape();
            int batch = 37;
            SplittableRandom r = new SplittableRandom(13);
            float[] xs = new float[batch * (int) Tensor.numel(in)];
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
            int k = a.outputShape()[0];
            float[] ys = new float[batch * k];
            for (int i = 0; i < batch; i++) ys[i * k + r.nextInt(k)] = 1f;
            Tensor x = Tensor.of(xs, Tensor.withBatch(batch, in)), y = Tensor.of(ys, batch, k);
            var loss = Losses.get("categorical_crossentropy");
            for (int step = 0; step < 2; step++) { // twice: buffers reused
                Backprop.Result want = Backprop.run(a, loss, x, y, true, false);
                Backprop.Step got = Backprop.step(b, loss, x, y);
                assertEquals(want.loss(), got.loss(), 0.0, name + " loss");
                org.junit.jupiter.api.Assertions.assertArrayEquals(want.prediction().data, got.prediction().data, name + " prediction");
                for (int p = 0; p < a.params().size(); p++) {
                    Param pa = a.params().get(p), pb = b.params().get(p);
                    if (pa.grad != null) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(pa.grad.data, pb.grad.data, name + " gradient of " + pa.name);
                    } else { // non-trainable (BatchNormalization's moving statistics, updated by the training forward)
                        org.junit.jupiter.api.Assertions.assertArrayEquals(pa.value.data, pb.value.data, name + " " + pa.name);
                    }
                }
            }
        })));
    }

    static long allocatedByAllThreads() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long b = mx.getThreadAllocatedBytes(t.getId());
            if (b > 0) sum += b;
        }
        return sum;
    }

    @Test
    void aSteadyStateTrainingStepReusesItsBuffers() {
        // the convnet at batch 64: its activations and gradients are about 17 MB per step; once the
        // layers have their buffers, a step allocates only small bookkeeping (lists, the loss's
        // (64, 10) gradient, the Dense head's transposed kernel)
        Model model = Presets.build("simple_mnist_convnet");
        int batch = 64;
        SplittableRandom r = new SplittableRandom(3);
        float[] xs = new float[batch * 28 * 28], ys = new float[batch * 10];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
        for (int i = 0; i < batch; i++) ys[i * 10 + r.nextInt(10)] = 1f;
        Tensor x = Tensor.of(xs, batch, 28, 28, 1), y = Tensor.of(ys, batch, 10);
        var loss = Losses.get("categorical_crossentropy");
        for (int s = 0; s < 30; s++) Backprop.step(model, loss, x, y);
        // until the JIT has compiled the vector kernels (Vector API code not yet compiled by C2
        // allocates an object per vector; on two cores C2 can need several seconds for them all):
        // the fewest bytes per step over rounds of 5 steps, until a round is down to the steady
        // state's bookkeeping (under 64 KB; 13-24 KB measured) or 20 s have passed. A buffer the
        // code itself allocates shows in every round.
        long perStep = Long.MAX_VALUE, deadline = System.nanoTime() + 20_000_000_000L;
        while (perStep >= 64 * 1024 && System.nanoTime() < deadline) {
            long before = allocatedByAllThreads();
            int steps = 5;
            for (int s = 0; s < steps; s++) Backprop.step(model, loss, x, y);
            perStep = Math.min(perStep, (allocatedByAllThreads() - before) / steps);
        }
        System.out.printf("steady-state training step, batch %d: %,d bytes allocated%n", batch, perStep);
        // 256 KB: below one batch-64 Dropout mask (410 KB) allocated anew each step
        assertTrue(perStep < 256 * 1024, "a training step allocated " + perStep + " bytes");
    }
}
