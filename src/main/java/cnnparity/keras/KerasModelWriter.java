package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes models in the formats Keras 3 loads: legacy {@code .h5} and {@code .keras}.
 *
 * <p>Written with jHDF (../shared/KERAS-FORMATS.md section 5): no empty groups and no empty arrays
 * (a jHDF 0.13.0 writer bug corrupts a dataset-free group written after one with datasets), so
 * weightless layers get no group: Keras's loaders skip layers without weights
 * (keras/src/legacy/saving/legacy_h5_format.py filters layer_names by weight_names;
 * keras/src/saving/saving_lib.py loads an absent layer entry as no variables). Every file is
 * written to a temporary name, re-opened and checked, then renamed into place.
 */
public final class KerasModelWriter {
    /** The Keras version written into the files: the one the fixtures were made with. */
    public static final String KERAS_VERSION = "3.15.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasModelWriter() {
    }

    /** The Keras 3 model config: {"module","class_name","config":{"name","layers":[...]},"build_config"}. */
    public static ObjectNode modelConfig(Model model) {
        ObjectNode root = JSON.createObjectNode();
        boolean functional = model.kerasClass().equals("Functional");
        root.put("module", functional ? "keras.src.models.functional" : "keras");
        root.put("class_name", functional ? "Functional" : "Sequential");
        ObjectNode cfg = root.putObject("config");
        cfg.put("name", model.name());
        cfg.put("trainable", true);
        ArrayNode layers = cfg.putArray("layers");
        ObjectNode input = JSON.createObjectNode();
        input.put("module", "keras.layers");
        input.put("class_name", "InputLayer");
        ObjectNode ic = input.putObject("config");
        ArrayNode bs = ic.putArray("batch_shape");
        bs.addNull();
        for (int d : model.inputShape()) bs.add(d);
        ic.put("dtype", "float32");
        ic.put("sparse", false);
        ic.put("name", model.inputName());
        input.putNull("registered_name");
        if (functional) {
            input.put("name", model.inputName());
            input.putArray("inbound_nodes");
        }
        layers.add(input);
        String prev = model.inputName();
        int[] shape = model.inputShape();
        for (Layer l : model.layers()) {
            ObjectNode spec = JSON.createObjectNode();
            spec.put("module", "keras.layers");
            spec.put("class_name", l.className());
            ObjectNode lc = l.config().deepCopy();
            lc.put("name", l.name());
            spec.set("config", lc);
            spec.putNull("registered_name");
            ObjectNode build = spec.putObject("build_config");
            ArrayNode is = build.putArray("input_shape");
            is.addNull();
            for (int d : shape) is.add(d);
            if (functional) {
                spec.put("name", l.name());
                ObjectNode node = spec.putArray("inbound_nodes").addObject();
                ObjectNode arg = node.putArray("args").addObject();
                arg.put("class_name", "__keras_tensor__");
                ObjectNode tc = arg.putObject("config");
                ArrayNode ts = tc.putArray("shape");
                ts.addNull();
                for (int d : shape) ts.add(d);
                tc.put("dtype", "float32");
                ArrayNode hist = tc.putArray("keras_history");
                hist.add(prev).add(0).add(0);
                node.putObject("kwargs");
            }
            layers.add(spec);
            prev = l.name();
            shape = l.outputShape(shape);
        }
        if (functional) {
            cfg.putArray("input_layers").add(model.inputName()).add(0).add(0);
            cfg.putArray("output_layers").add(prev).add(0).add(0);
        }
        ArrayNode bi = root.putObject("build_config").putArray("input_shape");
        bi.addNull();
        for (int d : model.inputShape()) bi.add(d);
        return root;
    }

    /** Legacy HDF5 as {@code model.save("m.h5")} writes it. */
    public static void saveH5(Model model, Path file, JsonNode trainingConfig) throws IOException {
        Path tmp = tempBeside(file, ".h5");
        try {
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                h5.putAttribute("model_config", JSON.writeValueAsString(modelConfig(model)));
                h5.putAttribute("keras_version", KERAS_VERSION);
                h5.putAttribute("backend", "tensorflow");
                if (trainingConfig != null) h5.putAttribute("training_config", JSON.writeValueAsString(trainingConfig));
                WritableGroup mw = h5.putGroup("model_weights");
                List<String> names = new ArrayList<>();
                for (Layer l : model.layers()) if (!l.params().isEmpty()) names.add(l.name());
                mw.putAttribute("layer_names", names.toArray(new String[0]));
                mw.putAttribute("backend", "tensorflow");
                mw.putAttribute("keras_version", KERAS_VERSION);
                for (Layer l : model.layers()) {
                    if (l.params().isEmpty()) continue;
                    WritableGroup g = mw.putGroup(l.name());
                    WritableGroup inner = g.putGroup(l.name());
                    List<String> wn = new ArrayList<>();
                    for (Param p : l.params()) {
                        inner.putDataset(p.name, nested(p.value));
                        wn.add(l.name() + "/" + p.name);
                    }
                    g.putAttribute("weight_names", wn.toArray(new String[0]));
                }
            }
            verify(tmp, model);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Keras 3 {@code .keras}: config.json, metadata.json and model.weights.h5 in a zip. */
    public static void saveKeras(Model model, Path file, JsonNode compileConfig) throws IOException {
        Path weights = tempBeside(file, ".weights.h5");
        Path tmp = tempBeside(file, ".keras");
        try {
            saveWeightsH5To(model, weights);
            ObjectNode cfg = modelConfig(model);
            if (compileConfig != null) cfg.set("compile_config", compileConfig);
            ObjectNode meta = JSON.createObjectNode();
            meta.put("keras_version", KERAS_VERSION);
            meta.put("date_saved", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
            try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
                put(zip, "metadata.json", JSON.writeValueAsBytes(meta));
                put(zip, "config.json", JSON.writeValueAsBytes(cfg));
                put(zip, "model.weights.h5", Files.readAllBytes(weights));
            }
            KerasModelLoader.load(tmp); // re-open the whole file before it replaces anything
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(weights);
            Files.deleteIfExists(tmp);
        }
    }

    /** Keras 3 {@code .weights.h5} ({@code model.save_weights}). */
    public static void saveWeightsH5(Model model, Path file) throws IOException {
        Path tmp = tempBeside(file, ".weights.h5");
        try {
            saveWeightsH5To(model, tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void saveWeightsH5To(Model model, Path file) throws IOException {
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            WritableGroup layers = h5.putGroup("layers");
            Map<String, Integer> counters = new HashMap<>();
            if (model.kerasClass().equals("Functional")) counters.put("input_layer", 1);
            for (Layer l : model.layers()) {
                String base = KerasModelLoader.toSnakeCase(l.className());
                int k = counters.merge(base, 1, Integer::sum) - 1;
                if (l.params().isEmpty()) continue;
                WritableGroup g = layers.putGroup(k == 0 ? base : base + "_" + k);
                WritableGroup vars = g.putGroup("vars");
                vars.putAttribute("name", l.name());
                List<Param> ps = l.params();
                for (int i = 0; i < ps.size(); i++) vars.putDataset(Integer.toString(i), nested(ps.get(i).value));
            }
        }
        try (HdfFile check = new HdfFile(file)) {
            if (!(check.getChild("layers") instanceof io.jhdf.api.Group)) throw new IOException(file + ": written weights file does not read back");
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Re-reads a written .h5 and checks every weight, so a writer bug cannot leave a bad file. */
    private static void verify(Path file, Model model) {
        Model back = KerasModelLoader.load(file).model();
        List<Param> a = model.params(), b = back.params();
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i).value.data, b.get(i).value.data)) {
                throw new ModelLoadException(file + ": written weights do not read back equal (" + a.get(i).name + ")");
            }
        }
    }

    private static Path tempBeside(Path file, String suffix) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + file.getFileName() + ".", suffix + ".tmp");
    }

    /** A float tensor as the nested Java array jHDF writes with that shape. */
    static Object nested(Tensor t) {
        if (t.rank() == 1) return t.data.clone();
        Object arr = Array.newInstance(float.class, t.shape);
        fill(arr, t.data, 0, t.shape, 0);
        return arr;
    }

    private static int fill(Object arr, float[] data, int pos, int[] shape, int dim) {
        if (dim == shape.length - 1) {
            System.arraycopy(data, pos, arr, 0, shape[dim]);
            return pos + shape[dim];
        }
        for (int i = 0; i < shape[dim]; i++) pos = fill(Array.get(arr, i), data, pos, shape, dim + 1);
        return pos;
    }
}
