package cnnparity.cli;

import cnnparity.data.DataSets;
import cnnparity.data.Dataset;
import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import cnnparity.train.Adam;
import cnnparity.train.Backprop;
import cnnparity.train.Initializers;
import cnnparity.train.LearningRateSchedule;
import cnnparity.train.Losses;
import cnnparity.train.Presets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure training and inference throughput, batch-1 latency and memory of the Java engine.",
                "scripts/benchmark runs this next to the same measurement in Keras and prints both."},
        footer = {"", "Examples:", "  cnn-parity bench --data ../shared/data/mnist --images 12800 --batch 128",
                "  cnn-parity bench --preset tutorial_cnn --json bench.json", "  cnn-parity bench --layers   # time per layer"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--data", description = "MNIST IDX directory (default: the embedded digits)")
    Path data;

    @Option(names = "--preset", defaultValue = "simple_mnist_convnet", description = "model preset, or 'wide' (the convnet with twice the filters)")
    String preset;

    @Option(names = "--images", defaultValue = "6400", description = "images per measurement (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--latency-calls", defaultValue = "500")
    int latencyCalls;

    @Option(names = "--layers", description = "also print the time per layer (or fused pair) of the training forward, its backward and the inference forward")
    boolean perLayer;

    @Option(names = "--json", description = "write the figures as JSON")
    Path json;

    @Option(names = "--gemm", description = "measure the GEMM kernel's GFLOP/s on this model's product shapes (im2col and Winograd) instead")
    boolean gemm;

    @Override
    public Integer call() throws Exception {
        if (gemm) return gemmBench();
        Dataset d = data == null ? DataSets.embeddedMnist().train() : DataSets.load(data).train();
        Model model = build(preset);
        Initializers.initialize(model, 1);
        int n = Math.min(images, d.size());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        var loss = Losses.get("categorical_crossentropy");
        Adam opt = new Adam(LearningRateSchedule.constant(1e-3), 0.9, 0.999, 1e-7, false);
        // warm-up until the JIT has settled (see warmUp); Keras's side warms up too (a first fit
        // traces its graph)
        cnnparity.nn.kernels.Gemm.useVectorNow(); // the steady state: the vector kernels, compiled during this warm-up
        int[] step = {0};
        warmupSeconds = warmUp(() -> {
            int from = (step[0]++ * batch) % Math.max(1, n - batch);
            Backprop.step(model, loss, d.images(idx, from, from + batch), d.oneHot(idx, from, from + batch));
            opt.step(model.trainableParams());
        }, 2, 2_000_000_000L, 30_000_000_000L);
        long t0 = System.nanoTime();
        for (int from = 0; from + batch <= n; from += batch) {
            Backprop.step(model, loss, d.images(idx, from, from + batch), d.oneHot(idx, from, from + batch));
            opt.step(model.trainableParams());
        }
        double trainIps = (n / batch * batch) / ((System.nanoTime() - t0) / 1e9);
        // inference (its own fused code path) warms up the same way
        warmUp(() -> model.forward(d.images(idx, 0, batch), false), 3, 1_000_000_000L, 20_000_000_000L);
        // passes over the images until at least 2 s have gone by (one pass is a fraction of a second,
        // too short on a noisy machine); bench_keras.py measures Keras the same way
        t0 = System.nanoTime();
        long inferred = 0;
        do {
            for (int from = 0; from + batch <= n; from += batch) model.forward(d.images(idx, from, from + batch), false);
            inferred += n / batch * batch;
        } while (System.nanoTime() - t0 < 2_000_000_000L);
        double inferIps = inferred / ((System.nanoTime() - t0) / 1e9);
        Tensor one = d.images(idx, 0, 1);
        for (int s = 0; s < 200; s++) model.forward(one, false);
        double[] lat = new double[latencyCalls];
        for (int s = 0; s < latencyCalls; s++) {
            long a = System.nanoTime();
            model.forward(one, false);
            lat[s] = (System.nanoTime() - a) / 1e6;
        }
        Arrays.sort(lat);
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) if (pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
        ObjectNode r = new ObjectMapper().createObjectNode();
        r.put("framework", "cnn-parity (Java " + System.getProperty("java.version") + ", " + cnnparity.nn.kernels.Parallel.threads() + " threads)");
        r.put("model", preset).put("batch", batch).put("images", n);
        r.put("train_images_per_s", trainIps).put("infer_images_per_s", inferIps).put("latency_ms_batch1", lat[lat.length / 2]);
        r.put("peak_heap_mb", peak / 1048576.0);
        double rss = peakRssMb();
        if (rss > 0) r.put("peak_rss_mb", rss); // the figure Keras's side reports (resource.getrusage)
        r.put("warmup_seconds", warmupSeconds);
        r.put("kernel", cnnparity.nn.kernels.Gemm.kernelName());
        r.put("winograd", cnnparity.nn.kernels.Winograd.enabled()); // conv2d_1 of the fused passes by Winograd (-Dcnnparity.winograd=false: direct)
        System.out.println(r);
        if (perLayer) layerTimes(model, d.images(idx, 0, batch), d.oneHot(idx, 0, batch));
        if (json != null) cnnparity.train.AtomicFiles.write(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        return 0;
    }

    /** GFLOP/s of the kernel on the simple convnet's shapes, one and all threads. */
    int gemmBench() {
        // the last shape: one of the 16 products of conv2d_1's Winograd forward for a group of 4
        // samples (100 tiles x 32 channels x 64 filters), what the fused passes run
        int[][] shapes = {{128 * 121, 288, 64}, {128 * 676, 9, 32}, {128, 1600, 10}, {16 * 121, 288, 64}, {100, 32, 64}};
        String[] names = {"conv2d_1 forward (col x kernel)", "conv2d forward", "dense forward", "conv2d_1, one 16-sample chunk",
            "conv2d_1 Winograd product (4 samples)"};
        cnnparity.nn.kernels.Gemm.useVectorNow();
        int threads = cnnparity.nn.kernels.Parallel.threads();
        double peak1 = 0, peakAll = 0;
        for (int t = 0; t < 3; t++) { // best of 3: the machine is shared
            peak1 = Math.max(peak1, cnnparity.nn.kernels.Gemm.fmaCeilingGflops(1));
            peakAll = Math.max(peakAll, cnnparity.nn.kernels.Gemm.fmaCeilingGflops(threads));
        }
        System.out.printf("machine ceiling (register-only vector FMA loop): %.1f GFLOP/s on 1 thread, %.1f on %d%n", peak1, peakAll, threads);
        System.out.println("kernel: " + cnnparity.nn.kernels.Gemm.kernelName() + ", " + cnnparity.nn.kernels.Parallel.threads() + " threads available");
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            java.util.SplittableRandom r = new java.util.SplittableRandom(1);
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble();
            for (int t = 0; t < 5; t++) cnnparity.nn.kernels.Gemm.nn(a, 0, b, 0, c, 0, m, k, n, false);
            int reps = Math.max(20, (int) (4e9 / (2.0 * m * k * n)));
            long t0 = System.nanoTime();
            for (int t = 0; t < reps; t++) cnnparity.nn.kernels.Gemm.nn(a, 0, b, 0, c, 0, m, k, n, false);
            double one = 2.0 * m * k * n * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
            // all threads: rows in blocks of about 2,000 (a 16-sample chunk of conv2d_1 is 1,936), as the
            // engine splits its work; halves of a 15,488-row product would stream 9 MB each from memory
            // a Winograd product (one group's) is never split: it runs whole on every thread at once,
            // as the engine runs one group per thread
            boolean small = names[s].contains("Winograd");
            int chunks = small ? threads : Math.max(threads, (m + 1999) / 2000);
            float[][] own = new float[chunks][];
            for (int ci = 0; ci < chunks; ci++) own[ci] = small ? new float[m * n] : c;
            int rounds = small ? 1 : reps, inner = small ? reps : 1; // small: each thread loops on its own (a dispatch costs more than the product)
            for (int t = -5; t < rounds; t++) { // 5 warm-up rounds, then the timed ones
                if (t == 0) t0 = System.nanoTime();
                int times = t < 0 ? 1 : inner;
                cnnparity.nn.kernels.Parallel.forChunks(chunks, ci -> {
                    int r0 = small ? 0 : cnnparity.nn.kernels.Parallel.start(m, chunks, ci);
                    int r1 = small ? m : cnnparity.nn.kernels.Parallel.start(m, chunks, ci + 1);
                    for (int i = 0; i < times; i++) cnnparity.nn.kernels.Gemm.nn(a, r0 * k, b, 0, own[ci], r0 * n, r1 - r0, k, n, false);
                });
            }
            double all = 2.0 * m * k * n * reps * (small ? chunks : 1) / ((System.nanoTime() - t0) / 1e9) / 1e9;
            System.out.printf("%-34s M=%6d K=%5d N=%3d  %6.1f GFLOP/s on 1 thread (%3.0f%% of ceiling), %6.1f on %d (%3.0f%%)%n",
                    names[s], m, k, n, one, 100 * one / peak1, all, threads, 100 * all / peakAll);
        }
        return 0;
    }

    static Model build(String preset) {
        if (!preset.equals("wide")) return Presets.build(preset);
        com.fasterxml.jackson.databind.JsonNode cfg = Presets.config("simple_mnist_convnet").deepCopy();
        for (var l : cfg.path("config").path("layers")) {
            if (l.path("class_name").asText().equals("Conv2D")) {
                ObjectNode c = (ObjectNode) l.path("config");
                c.put("filters", c.path("filters").asInt() * 2);
            }
        }
        ((ObjectNode) cfg.path("config")).put("name", "wide_convnet");
        return cnnparity.keras.KerasConfigParser.parse(cfg, "wide preset");
    }

    /** Median forward and backward time per layer over 60 training steps (medians: the machine is noisy). */
    private double warmupSeconds;

    /**
     * Runs {@code step} until the JIT has settled, in windows of 10 calls: Vector API code runs many
     * times slower until C2 has compiled it, and it recompiles as new paths appear (about 5 s here).
     * Settled when {@code patience} windows in a row are no faster than the best so far (by 2%),
     * after at least {@code minNanos}; at most {@code maxNanos}. Returns the seconds it took.
     */
    static double warmUp(Runnable step, int patience, long minNanos, long maxNanos) {
        long start = System.nanoTime(), best = Long.MAX_VALUE;
        int slower = 0;
        while (true) {
            long w0 = System.nanoTime();
            for (int i = 0; i < 10; i++) step.run();
            long window = System.nanoTime() - w0, elapsed = System.nanoTime() - start;
            if (window < best * 0.98) {
                best = window;
                slower = 0;
            } else {
                slower++;
            }
            if ((slower >= patience && elapsed > minNanos) || elapsed > maxNanos) return elapsed / 1e9;
        }
    }

    /** The process's peak resident set (VmHWM in /proc/self/status), in MB; -1 where there is none (not Linux). */
    static double peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /**
     * Time per stage as the trainer and Model.forward run them: a layer, or a fused pair
     * (Conv2D + 2x2 MaxPooling2D, shown as "conv2d+max_pooling2d"), in the training forward, its
     * backward, and the inference forward. Medians over 60 steps.
     */
    static void layerTimes(Model model, Tensor x, Tensor y) {
        int reps = 60, layers = model.layers().size();
        long[][] fwd = new long[layers][reps], bwd = new long[layers][reps], inf = new long[layers][reps];
        int[] stageEnd = new int[layers]; // the last layer of the stage starting at i: i, or the pooling fused with it
        int[] rep = {0};
        boolean[] inference = {false};
        // the model's own forward and backward passes, timed stage by stage: the trainer's fusion, not a copy of it
        model.setStageTimer((first, last, backward, nanos) -> {
            (backward ? bwd : inference[0] ? inf : fwd)[first][rep[0]] = nanos;
            stageEnd[first] = last;
        });
        model.layers().get(0).setNeedInputGradient(false); // as Backprop.step: no gradient for the input
        try {
            for (int r = 0; r < reps; r++) {
                rep[0] = r;
                inference[0] = false;
                Tensor h = model.forwardTraining(x);
                Tensor g = h.zerosLike();
                g.fill(1e-3f);
                model.backwardTraining(g, layers - 1);
                inference[0] = true;
                model.forward(x, false);
            }
        } finally {
            model.setStageTimer(null);
        }
        double totalF = 0, totalB = 0, totalI = 0;
        System.out.printf("%-30s %-30s %10s %10s %10s%n", "stage (as the trainer runs it)", "class", "forward", "backward", "inference");
        for (int i = 0; i < layers; i++) {
            Layer l = model.layers().get(i);
            String name = l.name(), cls = l.className();
            boolean pair = stageEnd[i] > i;
            if (pair) {
                name += "+" + model.layers().get(i + 1).name();
                cls += "+" + model.layers().get(i + 1).className();
            }
            Arrays.sort(fwd[i]);
            Arrays.sort(bwd[i]);
            Arrays.sort(inf[i]);
            double f = fwd[i][reps / 2] / 1e6, b = bwd[i][reps / 2] / 1e6, n = inf[i][reps / 2] / 1e6;
            totalF += f;
            totalB += b;
            totalI += n;
            System.out.printf("%-30s %-30s %7.2f ms %7.2f ms %7.2f ms%n", name, cls, f, b, n);
            if (pair) i++;
        }
        System.out.printf("%-30s %-30s %7.2f ms %7.2f ms %7.2f ms  (medians of %d steps)%n", "total", "", totalF, totalB, totalI, reps);
    }
}
