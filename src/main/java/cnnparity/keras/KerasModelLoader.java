package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads Keras model files into the engine (formats: ../shared/KERAS-FORMATS.md sections 1-3).
 *
 * <ul>
 *   <li>legacy HDF5 ({@code model.save("m.h5")}, Keras 2, tf.keras 2 and Keras 3): {@code model_config}
 *       + {@code model_weights/<layer>/<weight_names>} (keras/src/legacy/saving/legacy_h5_format.py);</li>
 *   <li>Keras 3 {@code .keras} zip: {@code config.json} + {@code model.weights.h5} with
 *       {@code layers/<key>/vars/<i>} (keras/src/saving/saving_lib.py), read in memory;</li>
 *   <li>weights only ({@code .weights.h5} of Keras 3, or a legacy {@code save_weights} .h5) with a
 *       JSON config given or found beside it ({@code X.config.json} or {@code X.json}).</li>
 * </ul>
 * Every failure is a {@link ModelLoadException} with one line naming the file and the field.
 */
public final class KerasModelLoader {
    /** Largest file, zip entry or decompressed total accepted (bytes); -Dcnnparity.maxModelBytes overrides. */
    public static final long MAX_BYTES = Long.getLong("cnnparity.maxModelBytes", 2L << 30);
    /** Largest JSON config accepted (characters). */
    public static final int MAX_JSON_CHARS = Integer.getInteger("cnnparity.maxJsonChars", 16 << 20);

    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(MAX_JSON_CHARS).maxNestingDepth(200).build());
    }

    private KerasModelLoader() {
    }

    public static LoadedModel load(Path file) {
        return load(file, null);
    }

    /** Loads a model file; {@code config} is the architecture JSON for weights-only files (else null). */
    public static LoadedModel load(Path file, Path config) {
        String src = file.toString();
        try {
            if (!Files.isRegularFile(file)) throw new ModelLoadException(src + ": no such file");
            long size = Files.size(file);
            if (size > MAX_BYTES) throw new ModelLoadException(src + ": file is " + size + " bytes, over the limit of " + MAX_BYTES);
            byte[] head = new byte[64];
            try (InputStream in = Files.newInputStream(file)) {
                int n = in.readNBytes(head, 0, head.length);
                if (n >= 4 && head[0] == 'P' && head[1] == 'K') return loadKeras(file, src);
                if (n >= 8 && Arrays.equals(Arrays.copyOf(head, 8), HDF5_MAGIC)) {
                    checkHdf5Length(head, n, size, src);
                    return loadH5(file, config, src);
                }
            }
            throw new ModelLoadException(src + ": not a Keras model file (neither HDF5 nor a .keras zip)");
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelLoadException(src + ": cannot read: " + oneLine(e), e);
        } catch (OutOfMemoryError e) {
            throw new ModelLoadException(src + ": too large to load (out of memory)");
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelLoadException(src + ": corrupt or unreadable (" + oneLine(e) + ")", e);
        }
    }

    // ---------------------------------------------------------------- legacy HDF5

    /**
     * The superblock records the file's end-of-file address; a shorter file was cut off (a partial
     * download). jHDF reads lazily and could otherwise load a truncated file whose weights happen
     * to lie in the part that survived.
     */
    static void checkHdf5Length(byte[] head, int n, long actualSize, String src) {
        if (n < 12) throw new ModelLoadException(src + ": truncated HDF5 file (no superblock)");
        int version = head[8] & 0xff;
        int eofOffset;
        int sizeOfOffsets;
        if (version == 0 || version == 1) {
            sizeOfOffsets = head[13] & 0xff;
            eofOffset = (version == 0 ? 24 : 28) + 2 * sizeOfOffsets;
        } else if (version == 2 || version == 3) {
            sizeOfOffsets = head[9] & 0xff;
            eofOffset = 12 + 2 * sizeOfOffsets;
        } else {
            throw new ModelLoadException(src + ": unsupported HDF5 superblock version " + version);
        }
        if (sizeOfOffsets != 8 && sizeOfOffsets != 4) throw new ModelLoadException(src + ": corrupt HDF5 superblock (offset size " + sizeOfOffsets + ")");
        if (eofOffset + sizeOfOffsets > n) throw new ModelLoadException(src + ": truncated HDF5 file (superblock cut off)");
        long eof = 0;
        for (int i = sizeOfOffsets - 1; i >= 0; i--) eof = (eof << 8) | (head[eofOffset + i] & 0xff);
        if (eof > actualSize) {
            throw new ModelLoadException(src + ": truncated HDF5 file: " + actualSize + " bytes, the superblock says " + eof);
        }
    }

    private static LoadedModel loadH5(Path file, Path config, String src) throws IOException {
        try (HdfFile h5 = new HdfFile(file)) {
            String modelConfig = stringAttr(h5, "model_config", src);
            if (modelConfig == null) {
                JsonNode cfg = readConfigFor(file, config, src);
                Model model = KerasConfigParser.parse(cfg, src, Files.size(file) / 4);
                if (h5.getChild("layers") instanceof Group layers) {
                    loadV3Weights(model, layers, src);
                    return new LoadedModel(model, file, "weights-h5+config", null, null, null);
                }
                loadLegacyWeights(model, h5, src);
                return new LoadedModel(model, file, "legacy-weights-h5+config", stringAttr(h5, "keras_version", src), stringAttr(h5, "backend", src), null);
            }
            Model model = KerasConfigParser.parse(parseJson(modelConfig, src + ": model_config"), src, Files.size(file) / 4);
            Node mw = h5.getChild("model_weights");
            if (!(mw instanceof Group g)) throw new ModelLoadException(src + ": no 'model_weights' group (a model saved without weights?)");
            loadLegacyWeights(model, g, src);
            String tc = stringAttr(h5, "training_config", src);
            return new LoadedModel(model, file, "legacy-h5", stringAttr(h5, "keras_version", src), stringAttr(h5, "backend", src),
                    tc == null ? null : parseJson(tc, src + ": training_config"));
        }
    }

    private static JsonNode readConfigFor(Path weights, Path config, String src) throws IOException {
        Path cfg = config;
        if (cfg == null) {
            String n = weights.getFileName().toString();
            String stem = n.endsWith(".weights.h5") ? n.substring(0, n.length() - 11) : n.endsWith(".h5") ? n.substring(0, n.length() - 3) : n;
            for (String cand : new String[] {stem + ".config.json", stem + ".json"}) {
                Path p = weights.resolveSibling(cand);
                if (Files.isRegularFile(p)) {
                    cfg = p;
                    break;
                }
            }
        }
        if (cfg == null) {
            throw new ModelLoadException(src + ": holds weights only; pass the model's JSON config with --config (none found beside it)");
        }
        if (Files.size(cfg) > MAX_JSON_CHARS) throw new ModelLoadException(cfg + ": config JSON over " + MAX_JSON_CHARS + " bytes");
        return parseJson(Files.readString(cfg), cfg.toString());
    }

    /** Weights per layer by name: {@code <root>/<layer>/<weight_name>} for every name in weight_names. */
    private static void loadLegacyWeights(Model model, Group root, String src) {
        List<String> layerNames = stringListAttr(root, "layer_names", src + ": model_weights");
        if (layerNames == null) throw new ModelLoadException(src + ": model_weights has no 'layer_names' attribute");
        Set<String> inFile = new HashSet<>(layerNames);
        for (Layer layer : model.layers()) {
            List<Param> params = layer.params();
            if (!inFile.contains(layer.name())) {
                if (params.isEmpty()) continue;
                throw new ModelLoadException(src + ": layer '" + layer.name() + "' has no weights in the file");
            }
            Node ln = root.getChild(layer.name());
            List<String> names = ln instanceof Group lg ? stringListAttr(lg, "weight_names", src + ": layer '" + layer.name() + "'") : null;
            if (names == null) names = List.of();
            if (names.size() != params.size()) {
                throw new ModelLoadException(src + ": layer '" + layer.name() + "' has " + names.size() + " weights in the file, the model expects "
                        + params.size() + " " + paramNames(params));
            }
            for (int i = 0; i < names.size(); i++) {
                String wn = names.get(i);
                Param p = params.get(i);
                String shortName = wn.substring(wn.lastIndexOf('/') + 1).replaceFirst(":\\d+$", "");
                if (KNOWN.contains(shortName) && !shortName.equals(p.name)) {
                    throw new ModelLoadException(src + ": layer '" + layer.name() + "' weight " + i + " is '" + wn + "', the model expects '" + p.name + "'");
                }
                Node dn = resolve((Group) ln, wn);
                if (!(dn instanceof Dataset ds)) throw new ModelLoadException(src + ": layer '" + layer.name() + "' weight '" + wn + "' is missing");
                assign(ds, p, layer, src);
            }
        }
    }

    private static final Set<String> KNOWN = Set.of("kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance");

    private static Node resolve(Group g, String path) {
        Node cur = g;
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            if (!(cur instanceof Group cg)) return null;
            try {
                cur = cg.getChild(part);
            } catch (RuntimeException e) {
                return null;
            }
            if (cur == null) return null;
        }
        return cur;
    }

    // ---------------------------------------------------------------- Keras 3 .keras

    private static LoadedModel loadKeras(Path file, String src) throws IOException {
        Map<String, byte[]> entries = readZip(file, src);
        byte[] cfgBytes = entries.get("config.json");
        if (cfgBytes == null) throw new ModelLoadException(src + ": .keras archive has no config.json");
        byte[] weights = entries.get("model.weights.h5");
        if (weights == null) {
            if (entries.containsKey("model.weights.npz")) throw new ModelLoadException(src + ": weights stored as model.weights.npz are not supported (only model.weights.h5)");
            throw new ModelLoadException(src + ": .keras archive has no model.weights.h5");
        }
        JsonNode cfg = parseJson(new String(cfgBytes, java.nio.charset.StandardCharsets.UTF_8), src + ": config.json");
        Model model = KerasConfigParser.parse(cfg, src, weights.length / 4);
        String version = null;
        if (entries.containsKey("metadata.json")) {
            version = parseJson(new String(entries.get("metadata.json"), java.nio.charset.StandardCharsets.UTF_8), src + ": metadata.json")
                    .path("keras_version").asText(null);
        }
        checkHdf5Length(Arrays.copyOf(weights, Math.min(64, weights.length)), Math.min(64, weights.length), weights.length,
                src + ": model.weights.h5");
        try (HdfFile h5 = HdfFile.fromBytes(weights)) {
            Node layers = h5.getChild("layers");
            if (!(layers instanceof Group lg)) {
                if (h5.getChild("_layer_checkpoint_dependencies") != null) {
                    throw new ModelLoadException(src + ": a tf.keras 2.13-2.15 .keras file (_layer_checkpoint_dependencies); save it again with Keras 3 or as .h5");
                }
                throw new ModelLoadException(src + ": model.weights.h5 has no 'layers' group");
            }
            loadV3Weights(model, lg, src);
        }
        JsonNode compile = cfg.path("compile_config");
        return new LoadedModel(model, file, "keras-v3", version, "tensorflow", compile.isObject() ? compile : null);
    }

    /** Entries of the zip, in memory; duplicate names and entries over the size limit are refused. */
    private static Map<String, byte[]> readZip(Path file, String src) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        long total = 0;
        // zip bombs: Keras's entries (JSON, HDF5) compress by a few times at most, so more than
        // 100 times the archive's size (+16 MB) is refused, whatever the global limit
        long cap = Math.min(MAX_BYTES, 100 * Files.size(file) + (16 << 20));
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            byte[] buf = new byte[1 << 16];
            while ((e = zin.getNextEntry()) != null) {
                String name = e.getName();
                boolean wanted = name.equals("config.json") || name.equals("metadata.json") || name.equals("model.weights.h5")
                        || name.equals("model.weights.npz");
                if (!wanted) continue; // assets/ and anything else: never needed, never written anywhere
                if (out.containsKey(name)) throw new ModelLoadException(src + ": .keras archive holds '" + name + "' twice");
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                int n;
                while ((n = zin.read(buf)) > 0) {
                    total += n;
                    if (total > cap) throw new ModelLoadException(src + ": .keras archive decompresses to more than " + cap + " bytes (a zip bomb?)");
                    if (!name.equals("model.weights.h5") && b.size() > MAX_JSON_CHARS) throw new ModelLoadException(src + ": " + name + " is over " + MAX_JSON_CHARS + " bytes");
                    b.write(buf, 0, n);
                }
                out.put(name, b.toByteArray());
            }
        } catch (java.util.zip.ZipException ex) {
            throw new ModelLoadException(src + ": corrupt .keras zip (" + oneLine(ex) + ")", ex);
        }
        if (out.isEmpty()) throw new ModelLoadException(src + ": not a .keras archive (no config.json, no model.weights.h5)");
        return out;
    }

    /**
     * {@code layers/<key>/vars/<i>}: the key is the snake_case class name with a per-class counter
     * over model.layers (keras/src/saving/saving_lib.py _walk_saveable + naming.to_snake_case).
     * Functional models list the InputLayer among their layers, so it takes {@code input_layer}.
     */
    private static void loadV3Weights(Model model, Group layers, String src) {
        Map<String, Integer> counters = new HashMap<>();
        if (model.kerasClass().equals("Functional")) counters.put("input_layer", 1);
        for (Layer layer : model.layers()) {
            String base = toSnakeCase(layer.className());
            int k = counters.merge(base, 1, Integer::sum) - 1;
            String key = k == 0 ? base : base + "_" + k;
            List<Param> params = layer.params();
            Node ln = layers.getChild(key);
            if (!(ln instanceof Group lg)) {
                if (params.isEmpty()) continue;
                throw new ModelLoadException(src + ": layer '" + layer.name() + "': no group layers/" + key + " in the weights file");
            }
            Node vars = lg.getChild("vars");
            if (vars instanceof Group vg) {
                Attribute nameAttr = vg.getAttribute("name");
                if (nameAttr != null && nameAttr.getData() instanceof String n && !n.equals(layer.name())) {
                    throw new ModelLoadException(src + ": layers/" + key + " belongs to layer '" + n + "', expected '" + layer.name() + "'");
                }
            }
            int found = vars instanceof Group vg2 ? countDatasets(vg2) : 0;
            if (found != params.size()) {
                throw new ModelLoadException(src + ": layer '" + layer.name() + "' has " + found + " weights in the file, the model expects "
                        + params.size() + " " + paramNames(params));
            }
            for (int i = 0; i < params.size(); i++) {
                Node dn = ((Group) vars).getChild(Integer.toString(i));
                if (!(dn instanceof Dataset ds)) throw new ModelLoadException(src + ": layer '" + layer.name() + "' weight '" + params.get(i).name + "' (vars/" + i + ") is missing");
                assign(ds, params.get(i), layer, src);
            }
        }
    }

    private static int countDatasets(Group g) {
        int n = 0;
        for (Node c : g.getChildren().values()) if (c instanceof Dataset) n++;
        return n;
    }

    /** Keras's naming.to_snake_case: "MaxPooling2D" -> "max_pooling2d", "ReLU" -> "re_lu". */
    public static String toSnakeCase(String name) {
        String s = name.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    // ---------------------------------------------------------------- shared

    private static void assign(Dataset ds, Param p, Layer layer, String src) {
        int[] dims = ds.getDimensions();
        String what = src + ": layer '" + layer.name() + "' weight '" + p.name + "'";
        if (!Arrays.equals(dims, p.shape())) {
            throw new ModelLoadException(what + ": shape " + Tensor.shapeString(dims) + " in file, model expects " + Tensor.shapeString(p.shape()));
        }
        long bytes = ds.getSizeInBytes();
        if (bytes > MAX_BYTES) throw new ModelLoadException(what + ": " + bytes + " bytes, over the limit");
        Object flat = ds.getDataFlat();
        float[] dst = p.value.data;
        if (flat instanceof float[] f) {
            if (f.length != dst.length) throw new ModelLoadException(what + ": " + f.length + " values, expected " + dst.length);
            System.arraycopy(f, 0, dst, 0, dst.length);
        } else if (flat instanceof double[] d) {
            if (d.length != dst.length) throw new ModelLoadException(what + ": " + d.length + " values, expected " + dst.length);
            for (int i = 0; i < d.length; i++) dst[i] = (float) d[i];
        } else {
            throw new ModelLoadException(what + ": data type " + ds.getJavaType().getSimpleName() + " is not a float type");
        }
    }

    private static String paramNames(List<Param> params) {
        List<String> n = new ArrayList<>();
        for (Param p : params) n.add(p.name);
        return n.toString();
    }

    private static String stringAttr(Node node, String name, String src) {
        Attribute a = node.getAttribute(name);
        if (a == null || a.isEmpty()) return null;
        Object d = a.getData();
        if (d instanceof String s) return s;
        if (d instanceof String[] arr && arr.length == 1) return arr[0];
        throw new ModelLoadException(src + ": attribute '" + name + "' is not a string");
    }

    /** A string-list attribute, following Keras's split of large attributes into name0, name1, ... */
    private static List<String> stringListAttr(Node node, String name, String what) {
        Attribute a = node.getAttribute(name);
        List<String> out = new ArrayList<>();
        if (a != null) {
            addStrings(a, out, what, name);
            return out;
        }
        for (int i = 0; ; i++) {
            Attribute part = node.getAttribute(name + i);
            if (part == null) return i == 0 ? null : out;
            addStrings(part, out, what, name + i);
        }
    }

    private static void addStrings(Attribute a, List<String> out, String what, String name) {
        if (a.isEmpty()) return;
        Object d = a.getData();
        if (d == null) return;
        if (d instanceof String s) {
            out.add(s);
        } else if (d.getClass().isArray()) {
            int n = Array.getLength(d);
            for (int i = 0; i < n; i++) {
                Object v = Array.get(d, i);
                if (!(v instanceof String s)) throw new ModelLoadException(what + ": attribute '" + name + "' is not a list of strings");
                out.add(s);
            }
        } else {
            throw new ModelLoadException(what + ": attribute '" + name + "' is not a list of strings");
        }
    }

    static JsonNode parseJson(String text, String what) {
        if (text.length() > MAX_JSON_CHARS) throw new ModelLoadException(what + ": JSON over " + MAX_JSON_CHARS + " characters");
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new ModelLoadException(what + ": not valid JSON (" + oneLine(e) + ")", e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        int i = m.indexOf('\n');
        return (i < 0 ? m : m.substring(0, i)).trim();
    }
}
