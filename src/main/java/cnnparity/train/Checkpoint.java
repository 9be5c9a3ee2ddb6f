package cnnparity.train;

import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.KerasModelWriter;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import cnnparity.verify.Npy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint: one zip, written to a temp file and renamed, holding the model as a
 * {@code .keras} file, the optimizer's slots as .npy, and {@code state.json} (epochs done,
 * optimizer iterations, the run's settings). Training state that is random (shuffling, dropout)
 * is re-derived from the seed and the epoch, so a resumed run ends with the same weights as one
 * that never stopped.
 */
public final class Checkpoint {
    public record State(Model model, int epochsDone, long iterations, Map<String, float[]> optimizerState, JsonNode settings) {
    }

    private Checkpoint() {
    }

    public static void write(Path file, Model model, Optimizer opt, int epochsDone, JsonNode settings) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path keras = Files.createTempFile(dir, ".ckpt-model", ".keras");
        try {
            KerasModelWriter.saveKeras(model, keras, null);
            ByteArrayOutputStream zipBytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(zipBytes)) {
                ObjectNode st = new ObjectMapper().createObjectNode();
                st.put("format", 1);
                st.put("epochs_done", epochsDone);
                st.put("iterations", opt.iterations());
                st.put("optimizer", opt.name());
                st.set("settings", settings);
                put(zip, "state.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(st));
                put(zip, "model.keras", Files.readAllBytes(keras));
                for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    Npy.write(Tensor.of(e.getValue(), e.getValue().length), b);
                    put(zip, "optimizer/" + e.getKey().replace('/', '_') + ".npy", b.toByteArray());
                }
            }
            byte[] bytes = zipBytes.toByteArray();
            crashHookForTests(file, bytes, epochsDone);
            AtomicFiles.write(file, bytes);
        } finally {
            Files.deleteIfExists(keras);
        }
    }

    /**
     * -Dcnnparity.test.crashInCheckpoint=E makes the process die (Runtime.halt: no cleanup, like a
     * kill) halfway through writing the temp file of epoch E's checkpoint. Only tests set it.
     */
    private static void crashHookForTests(Path file, byte[] bytes, int epochsDone) throws IOException {
        Integer e = Integer.getInteger("cnnparity.test.crashInCheckpoint");
        if (e == null || e != epochsDone) return;
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        Files.write(tmp, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Runtime.getRuntime().halt(137);
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    public static State read(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) entries.put(e.getName(), z.readAllBytes());
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": corrupt checkpoint (" + e.getMessage() + ")");
        }
        if (!entries.containsKey("state.json") || !entries.containsKey("model.keras")) throw new IOException(file + ": not a cnn-parity checkpoint");
        JsonNode st = new ObjectMapper().readTree(entries.get("state.json"));
        Path tmp = Files.createTempFile("cnn-parity-ckpt", ".keras");
        Model model;
        try {
            Files.write(tmp, entries.get("model.keras"));
            model = KerasModelLoader.load(tmp).model();
        } finally {
            Files.deleteIfExists(tmp);
        }
        Map<String, float[]> opt = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().startsWith("optimizer/")) continue;
            String key = e.getKey().substring("optimizer/".length()).replace(".npy", "").replace('_', '/');
            opt.put(key, Npy.parse(e.getValue()).data);
        }
        return new State(model, st.path("epochs_done").asInt(), st.path("iterations").asLong(), opt, st.path("settings"));
    }

    /** Copies the checkpoint's weights into {@code model} (same architecture). */
    public static void copyWeights(Model from, Model to) {
        List<Param> a = from.params(), b = to.params();
        if (a.size() != b.size()) throw new IllegalArgumentException("checkpoint and model differ in their weights");
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).value.size() != b.get(i).value.size()) throw new IllegalArgumentException("checkpoint weight " + i + " has another shape");
            System.arraycopy(a.get(i).value.data, 0, b.get(i).value.data, 0, a.get(i).value.size());
        }
    }
}
