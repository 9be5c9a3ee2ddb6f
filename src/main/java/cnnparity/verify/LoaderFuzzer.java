package cnnparity.verify;

import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.keras.ModelLoadException;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Derives mutated model files from real ones (fixed seed) and checks that loading each either gives
 * a model that runs or fails with one clean line: never a crash, a hang or running out of memory.
 *
 * <p>Mutations: bit flips, truncation, 32/64-bit fields overwritten with huge, negative or random
 * values (HDF5 lengths, offsets, sizes), zeroed blocks; for .keras zips also removed, duplicated
 * and swapped entries, JSON configs with huge shapes, swapped values and deleted keys, and
 * bit-flipped weights inside an intact zip.
 */
public final class LoaderFuzzer {
    /** Counts of one run. */
    public static final class Report {
        public int tried, cleanErrors, successes, crashes, hangs, outOfMemory;
        public final Map<String, Integer> byMutation = new LinkedHashMap<>();
        public final List<String> problems = new ArrayList<>();

        @Override
        public String toString() {
            return String.format("files tried %d: clean errors %d, successes %d, crashes %d, hangs %d, out-of-memory %d",
                    tried, cleanErrors, successes, crashes, hangs, outOfMemory);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoaderFuzzer() {
    }

    public static Report run(List<Path> seeds, int count, long seed, long perFileMillis, Path workDir) throws IOException {
        Report rep = new Report();
        SplittableRandom rng = new SplittableRandom(seed);
        List<byte[]> originals = new ArrayList<>();
        for (Path p : seeds) originals.add(Files.readAllBytes(p));
        ExecutorService ex = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-load");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < count; i++) {
                int s = rng.nextInt(seeds.size());
                String name = seeds.get(s).getFileName().toString();
                boolean zip = name.endsWith(".keras");
                String[] kind = new String[1];
                byte[] mutated = mutate(originals.get(s), zip, rng, kind);
                rep.byMutation.merge(kind[0], 1, Integer::sum);
                String ext = name.endsWith(".weights.h5") ? ".weights.h5" : zip ? ".keras" : ".h5";
                Path f = workDir.resolve("fuzz-" + i + ext);
                Files.write(f, mutated);
                Path config = name.endsWith(".weights.h5") ? seeds.get(s).resolveSibling(name.replace(".weights.h5", ".config.json")) : null;
                rep.tried++;
                Future<String> fut = ex.submit(() -> loadAndRun(f, config));
                try {
                    String outcome = fut.get(perFileMillis, TimeUnit.MILLISECONDS);
                    if (outcome.equals("ok")) {
                        rep.successes++;
                    } else if (outcome.startsWith("clean:")) {
                        rep.cleanErrors++;
                    } else if (outcome.startsWith("oom:")) {
                        rep.outOfMemory++;
                        rep.problems.add(name + " " + kind[0] + " #" + i + ": " + outcome);
                    } else {
                        rep.crashes++;
                        rep.problems.add(name + " " + kind[0] + " #" + i + ": " + outcome);
                    }
                } catch (TimeoutException e) {
                    fut.cancel(true);
                    rep.hangs++;
                    rep.problems.add(name + " " + kind[0] + " #" + i + ": no result after " + perFileMillis + " ms");
                } catch (Exception e) {
                    rep.crashes++;
                    rep.problems.add(name + " " + kind[0] + " #" + i + ": " + e);
                }
                Files.deleteIfExists(f);
            }
        } finally {
            ex.shutdownNow();
        }
        return rep;
    }

    /** "ok", "clean: message", "oom: ..." or "crash: ...". */
    static String loadAndRun(Path f, Path config) {
        try {
            LoadedModel m = config == null ? KerasModelLoader.load(f) : KerasModelLoader.load(f, config);
            Tensor x = Tensor.zeros(Tensor.withBatch(1, m.model().inputShape()));
            m.model().forward(x, false);
            return "ok";
        } catch (ModelLoadException e) {
            String msg = e.getMessage();
            if (msg.contains("out of memory")) return "oom: " + msg;
            if (msg.contains("\n") || !msg.startsWith(f.toString())) return "crash: unclean message: " + msg;
            return "clean: " + msg;
        } catch (OutOfMemoryError e) {
            return "oom: " + e;
        } catch (Throwable e) {
            return "crash: " + e;
        }
    }

    static byte[] mutate(byte[] orig, boolean zip, SplittableRandom rng, String[] kind) {
        int choice = rng.nextInt(zip ? 9 : 5);
        byte[] b = orig.clone();
        switch (choice) {
            case 0 -> {
                kind[0] = "bit-flips";
                int flips = 1 + rng.nextInt(16);
                for (int k = 0; k < flips; k++) {
                    int pos = rng.nextInt(b.length);
                    b[pos] ^= (byte) (1 << rng.nextInt(8));
                }
            }
            case 1 -> {
                kind[0] = "truncation";
                b = java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            }
            case 2 -> {
                kind[0] = "overwritten-field";
                int width = rng.nextBoolean() ? 4 : 8;
                int pos = rng.nextInt(Math.max(1, b.length - width));
                long v = switch (rng.nextInt(4)) {
                    case 0 -> -1L;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> 0x7fffffffL;
                    default -> rng.nextLong();
                };
                for (int k = 0; k < width && pos + k < b.length; k++) b[pos + k] = (byte) (v >>> (8 * k));
            }
            case 3 -> {
                kind[0] = "zeroed-block";
                int pos = rng.nextInt(b.length), len = 1 + rng.nextInt(256);
                for (int k = pos; k < Math.min(b.length, pos + len); k++) b[k] = 0;
            }
            case 4 -> {
                kind[0] = "header-flips";
                int flips = 1 + rng.nextInt(4);
                for (int k = 0; k < flips; k++) b[rng.nextInt(Math.min(b.length, 4096))] ^= (byte) (1 << rng.nextInt(8));
            }
            default -> b = mutateZip(orig, rng, kind, choice);
        }
        return b;
    }

    private static byte[] mutateZip(byte[] orig, SplittableRandom rng, String[] kind, int choice) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(orig))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) entries.put(e.getName(), z.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String[]> order = new ArrayList<>();
        for (String k : entries.keySet()) order.add(new String[] {k, k});
        switch (choice) {
            case 5 -> {
                kind[0] = "zip-entry-removed";
                order.remove(rng.nextInt(order.size()));
            }
            case 6 -> {
                kind[0] = "zip-entry-duplicated";
                order.add(order.get(rng.nextInt(order.size())).clone());
            }
            case 7 -> {
                kind[0] = rng.nextBoolean() ? "zip-entries-swapped" : "json-mutated";
                if (kind[0].equals("zip-entries-swapped")) {
                    int a = rng.nextInt(order.size()), c = rng.nextInt(order.size());
                    String t = order.get(a)[1];
                    order.get(a)[1] = order.get(c)[1];
                    order.get(c)[1] = t;
                } else {
                    entries.put("config.json", mutateJson(entries.get("config.json"), rng));
                }
            }
            default -> {
                kind[0] = "weights-flipped-in-intact-zip";
                byte[] w = entries.get("model.weights.h5").clone();
                for (int k = 0; k < 1 + rng.nextInt(8); k++) w[rng.nextInt(w.length)] ^= (byte) (1 << rng.nextInt(8));
                entries.put("model.weights.h5", w);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zo = new ZipOutputStream(out)) {
            java.util.Set<String> written = new java.util.HashSet<>();
            for (String[] e : order) {
                // java.util.zip refuses duplicate names; a duplicate is written under a name differing in case
                String name = written.add(e[0]) ? e[0] : e[0].toUpperCase();
                zo.putNextEntry(new ZipEntry(name));
                zo.write(entries.get(e[1]));
                zo.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Huge or negative numbers, swapped values, deleted keys, swapped class names. */
    static byte[] mutateJson(byte[] json, SplittableRandom rng) {
        try {
            JsonNode root = JSON.readTree(json);
            List<ObjectNode> objects = new ArrayList<>();
            collect(root, objects);
            int edits = 1 + rng.nextInt(3);
            for (int k = 0; k < edits; k++) {
                ObjectNode o = objects.get(rng.nextInt(objects.size()));
                List<String> keys = new ArrayList<>();
                o.fieldNames().forEachRemaining(keys::add);
                if (keys.isEmpty()) continue;
                String key = keys.get(rng.nextInt(keys.size()));
                switch (rng.nextInt(5)) {
                    case 0 -> o.set(key, IntNode.valueOf(rng.nextBoolean() ? Integer.MAX_VALUE : 1 << (10 + rng.nextInt(20))));
                    case 1 -> o.set(key, IntNode.valueOf(-1 - rng.nextInt(3)));
                    case 2 -> o.remove(key);
                    case 3 -> {
                        String other = keys.get(rng.nextInt(keys.size()));
                        JsonNode t = o.get(key);
                        o.set(key, o.get(other));
                        o.set(other, t);
                    }
                    default -> {
                        ArrayNode arr = JSON.createArrayNode();
                        for (int q = 0; q < 1 + rng.nextInt(4); q++) arr.add(1 << rng.nextInt(24));
                        o.set(key, arr);
                    }
                }
            }
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            return json;
        }
    }

    private static void collect(JsonNode n, List<ObjectNode> out) {
        if (n instanceof ObjectNode o) out.add(o);
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) collect(it.next(), out);
    }
}
