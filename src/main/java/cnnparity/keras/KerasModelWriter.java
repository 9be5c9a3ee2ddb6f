package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link Model} in the formats Keras 3 loads (the reverse of {@link KerasModelLoader}):
 * <ul>
 *   <li>{@link #saveH5}: legacy HDF5 as {@code model.save("m.h5")} writes it
 *       (keras/src/legacy/saving/legacy_h5_format.py);</li>
 *   <li>{@link #saveKeras}: the Keras 3 {@code .keras} zip (keras/src/saving/saving_lib.py);</li>
 *   <li>{@link #saveWeightsH5}: the Keras 3 {@code .weights.h5} of {@code model.save_weights}.</li>
 * </ul>
 * The JSON (layer configs completed with Keras's defaults, model/compile configs) comes from
 * {@link KerasConfigWriter}.
 *
 * <p>jHDF 0.13.0's writer (../shared/KERAS-FORMATS.md section 5) corrupts a group whose subtree
 * holds no dataset when it is written after one that does, and a single attribute over about
 * 59 KB; it also opens its output without truncating it. So this writer never writes a
 * dataset-less group: the layers without weights get no group at all (Keras's loaders skip them:
 * the legacy loader only looks at layers named in {@code layer_names}, which lists the layers with
 * weights, and saving_lib's H5IOStore.get returns an empty store for a missing path); every
 * intermediate group is created explicitly (never a '/' in a name); no empty array is written;
 * strings are fixed-length UTF-8 (JSON is ASCII-escaped); and every file is written under a fresh
 * temporary name in the target directory, re-opened with jHDF and compared with what was meant to
 * be written (every attribute, every group, every dataset bit for bit), and only then renamed into
 * place atomically.
 */
public final class KerasModelWriter {
    /** The Keras version recorded in the files: the release these files were checked against. */
    public static final String KERAS_VERSION = "3.15.1";
    public static final String BACKEND = "tensorflow";
    /**
     * Largest string attribute written, in bytes. jHDF 0.13.0 writes an attribute of 59,000 bytes
     * correctly and corrupts the object header at 60,000; this keeps a margin.
     */
    static final int MAX_ATTRIBUTE_BYTES = 50_000;

    private static final ObjectWriter ASCII_JSON = KerasConfigWriter.JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private KerasModelWriter() {
    }

    // ------------------------------------------------------------------ public API

    /**
     * Legacy HDF5, as Keras 3's {@code model.save("m.h5")}: root attributes {@code model_config},
     * {@code keras_version}, {@code backend} and (when given) {@code training_config}; group
     * {@code model_weights} with {@code layer_names} and one group per layer with weights holding
     * {@code weight_names} and the datasets they name ({@code <model>/<layer>/kernel} for a
     * Sequential model, {@code <layer>/kernel} for a Functional one).
     *
     * @param trainingConfigOrNull Keras's training_config ({@code loss}, {@code metrics},
     *                             {@code optimizer_config}, ...) or a Keras 3 compile_config (its
     *                             {@code optimizer} is converted); null for an uncompiled model
     * @throws IllegalArgumentException for a model Keras cannot take (no weights, a '/' in a name,
     *                                  a missing required config key, a config too large for jHDF)
     * @throws IOException              on a write failure or when the written file does not read back
     */
    public static void saveH5(Model model, Path file, JsonNode trainingConfigOrNull) throws IOException {
        requireSuffix(file, ".h5", ".hdf5");
        requireWeights(model);
        H5Group root = new H5Group("/");
        root.attr("backend", BACKEND);
        root.attr("keras_version", KERAS_VERSION);
        root.attr("model_config", attributeJson(KerasConfigWriter.modelConfig(model, true, null), "model_config"));
        if (trainingConfigOrNull != null && !trainingConfigOrNull.isNull()) {
            root.attr("training_config", attributeJson(KerasConfigWriter.trainingConfigForH5(trainingConfigOrNull), "training_config"));
        }
        H5Group mw = root.group("model_weights");
        mw.attr("backend", BACKEND);
        mw.attr("keras_version", KERAS_VERSION);
        List<String> names = KerasConfigWriter.layerNames(model);
        List<String> withWeights = new ArrayList<>();
        boolean functional = KerasConfigWriter.isFunctional(model);
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            List<Param> params = layer.params();
            if (params.isEmpty()) continue; // no group: jHDF cannot write it safely, Keras skips it (see class doc)
            String name = names.get(i);
            withWeights.add(name);
            H5Group lg = mw.group(name);
            H5Group parent = functional ? lg : lg.group(model.name());
            H5Group vars = parent.group(name);
            String prefix = functional ? name + "/" : model.name() + "/" + name + "/";
            String[] weightNames = new String[params.size()];
            for (int k = 0; k < params.size(); k++) {
                Param p = params.get(k);
                KerasConfigWriter.checkName(p.name, "weight");
                weightNames[k] = prefix + p.name;
                vars.dataset(p.name, p.value);
            }
            lg.stringListAttr("weight_names", weightNames);
        }
        mw.stringListAttr("layer_names", withWeights.toArray(new String[0]));
        writeVerifiedAtomically(root, file);
    }

    /**
     * The Keras 3 {@code .keras} archive: {@code metadata.json}, {@code config.json} (the model as
     * {@code serialize_keras_object} gives it, with {@code compile_config} when given) and
     * {@code model.weights.h5} ({@code layers/<key>/vars/0,1,...}). No {@code optimizer} group is
     * written: Keras then compiles the model with a fresh optimizer state (it warns that it skips
     * the optimizer's variables).
     *
     * @param compileConfigOrNull Keras 3 compile_config (the {@code model.compile} arguments) or a
     *                            legacy training_config (converted); null for an uncompiled model
     */
    public static void saveKeras(Model model, Path file, JsonNode compileConfigOrNull) throws IOException {
        requireSuffix(file, ".keras");
        requireWeights(model);
        ObjectNode config = KerasConfigWriter.modelConfig(model, false, compileConfigOrNull);
        ObjectNode metadata = KerasConfigWriter.JSON.createObjectNode();
        metadata.put("keras_version", KERAS_VERSION);
        metadata.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));

        Path target = file.toAbsolutePath();
        Path dir = parentDir(target);
        Path h5Tmp = tempName(dir, target, ".weights.h5.tmp");
        Path zipTmp = tempName(dir, target, ".tmp");
        try {
            H5Group weights = v3Weights(model);
            writeHdf5(weights, h5Tmp);
            verify(weights, h5Tmp);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("metadata.json", KerasConfigWriter.JSON.writeValueAsBytes(metadata));
            entries.put("config.json", KerasConfigWriter.JSON.writeValueAsBytes(config));
            entries.put("model.weights.h5", Files.readAllBytes(h5Tmp));
            writeZip(entries, zipTmp);
            verifyZip(entries, zipTmp, weights);
            moveIntoPlace(zipTmp, target);
        } finally {
            Files.deleteIfExists(h5Tmp);
            Files.deleteIfExists(zipTmp);
        }
    }

    /**
     * Keras 3 {@code model.save_weights("m.weights.h5")}: the {@code model.weights.h5} layout of a
     * {@code .keras} archive as a file of its own. Keras loads it with {@code model.load_weights}
     * into a model of the same architecture (e.g. built from {@link #configJson}).
     */
    public static void saveWeightsH5(Model model, Path file) throws IOException {
        requireSuffix(file, ".weights.h5");
        requireWeights(model);
        writeVerifiedAtomically(v3Weights(model), file);
    }

    /** The {@code config.json} of a {@code .keras} archive of this model (e.g. to keep beside a {@code .weights.h5}). */
    public static String configJson(Model model, JsonNode compileConfigOrNull) {
        try {
            return KerasConfigWriter.JSON.writeValueAsString(KerasConfigWriter.modelConfig(model, false, compileConfigOrNull));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Keras 3 model config ({@code config.json} of a {@code .keras} archive, without compile_config). */
    public static ObjectNode modelConfig(Model model) {
        return KerasConfigWriter.modelConfig(model, false, null);
    }

    // ------------------------------------------------------------------ layouts

    /** {@code layers/<key>/vars/<i>} with attribute {@code name} on each {@code vars} group (Keras >= 3.6). */
    private static H5Group v3Weights(Model model) {
        H5Group root = new H5Group("/");
        H5Group layers = root.group("layers");
        List<String> keys = KerasConfigWriter.v3LayerKeys(model);
        List<String> names = KerasConfigWriter.layerNames(model);
        for (int i = 0; i < model.layers().size(); i++) {
            List<Param> params = model.layers().get(i).params();
            if (params.isEmpty()) continue; // Keras's H5IOStore.get gives an empty store for a missing group
            H5Group vars = layers.group(keys.get(i)).group("vars");
            vars.attr("name", names.get(i));
            for (int k = 0; k < params.size(); k++) vars.dataset(Integer.toString(k), params.get(k).value);
        }
        // The root "vars" group Keras writes for the model itself holds nothing: left out (a
        // dataset-less group jHDF 0.13.0 corrupts; Keras reads a missing one as empty).
        return root;
    }

    private static void requireWeights(Model model) {
        if (model.layers().isEmpty()) throw new IllegalArgumentException("model '" + model.name() + "' has no layers");
        for (Layer l : model.layers()) if (!l.params().isEmpty()) return;
        throw new IllegalArgumentException("model '" + model.name() + "' has no weights: nothing a Keras weights file could hold");
    }

    private static void requireSuffix(Path file, String... suffixes) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString();
        for (String s : suffixes) if (n.endsWith(s) && n.length() > s.length()) return;
        throw new IllegalArgumentException(file + ": Keras loads this format only from a file named *" + String.join(" or *", suffixes));
    }

    private static String attributeJson(JsonNode node, String what) {
        String s;
        try {
            s = ASCII_JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (s.length() > MAX_ATTRIBUTE_BYTES) {
            throw new IllegalArgumentException(what + " is " + s.length() + " bytes; jHDF 0.13.0 cannot write an HDF5 attribute over "
                    + MAX_ATTRIBUTE_BYTES + " bytes: save the model as .keras instead");
        }
        return s;
    }

    // ------------------------------------------------------------------ HDF5 tree, write, verify

    /** What one HDF5 group should hold; written by {@link #writeHdf5} and checked by {@link #verify}. */
    static final class H5Group {
        final String name;
        final Map<String, Object> attrs = new LinkedHashMap<>(); // String or String[]
        final Map<String, H5Group> groups = new LinkedHashMap<>();
        final Map<String, Tensor> datasets = new LinkedHashMap<>();

        H5Group(String name) {
            this.name = name;
        }

        H5Group group(String child) {
            checkChild(child);
            if (datasets.containsKey(child)) throw new IllegalArgumentException("'" + child + "' is both a group and a dataset");
            return groups.computeIfAbsent(child, H5Group::new);
        }

        void dataset(String child, Tensor t) {
            checkChild(child);
            if (groups.containsKey(child) || datasets.containsKey(child)) throw new IllegalArgumentException("duplicate HDF5 name '" + child + "'");
            if (t.size() == 0) throw new IllegalArgumentException("weight '" + child + "' is empty: jHDF 0.13.0 cannot write an empty array");
            datasets.put(child, t);
        }

        void attr(String key, String value) {
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_ATTRIBUTE_BYTES) {
                throw new IllegalArgumentException("attribute '" + key + "' is over " + MAX_ATTRIBUTE_BYTES + " bytes");
            }
            attrs.put(key, value);
        }

        /**
         * A list of strings, split as Keras's save_attributes_to_hdf5_group does when it is too
         * large for one attribute ({@code key0}, {@code key1}, ...). Never an empty array.
         */
        void stringListAttr(String key, String[] values) {
            if (values.length == 0) throw new IllegalArgumentException("attribute '" + key + "' would be an empty array");
            List<String[]> chunks = new ArrayList<>();
            List<String> cur = new ArrayList<>();
            int maxLen = 0;
            for (String v : values) {
                int len = Math.max(1, v.getBytes(StandardCharsets.UTF_8).length);
                if (len > MAX_ATTRIBUTE_BYTES) throw new IllegalArgumentException("name '" + v + "' is too long");
                if (!cur.isEmpty() && (long) Math.max(maxLen, len) * (cur.size() + 1) > MAX_ATTRIBUTE_BYTES) {
                    chunks.add(cur.toArray(new String[0]));
                    cur.clear();
                    maxLen = 0;
                }
                cur.add(v);
                maxLen = Math.max(maxLen, len);
            }
            chunks.add(cur.toArray(new String[0]));
            if (chunks.size() == 1) {
                attrs.put(key, chunks.get(0));
            } else {
                for (int i = 0; i < chunks.size(); i++) attrs.put(key + i, chunks.get(i));
            }
        }

        boolean holdsDataset() {
            if (!datasets.isEmpty()) return true;
            for (H5Group g : groups.values()) if (g.holdsDataset()) return true;
            return false;
        }

        private static void checkChild(String child) {
            if (child.isEmpty() || child.contains("/") || child.equals(".")) {
                throw new IllegalArgumentException("invalid HDF5 name '" + child + "' (intermediate groups are created one by one, never with '/')");
            }
        }
    }

    /**
     * Writes the tree with jHDF to a file that must not exist yet (jHDF does not truncate);
     * refuses a dataset-less group (the jHDF 0.13.0 bug).
     */
    static void writeHdf5(H5Group root, Path file) throws IOException {
        if (!root.holdsDataset()) throw new IllegalArgumentException("nothing to write: no dataset");
        checkDatasetInEveryGroup(root);
        if (Files.exists(file)) throw new IOException(file + ": exists (jHDF would not truncate it)");
        try (WritableHdfFile out = HdfFile.write(file)) {
            putAttributes(out, root);
            putChildren(out, root);
        } catch (RuntimeException e) {
            throw new IOException(file + ": jHDF failed to write the file: " + e.getMessage(), e);
        }
    }

    private static void checkDatasetInEveryGroup(H5Group g) {
        for (H5Group child : g.groups.values()) {
            if (!child.holdsDataset()) {
                throw new IllegalStateException("group '" + child.name + "' holds no dataset: jHDF 0.13.0 may corrupt it, so it is never written");
            }
            checkDatasetInEveryGroup(child);
        }
    }

    private static void putChildren(WritableGroup out, H5Group g) {
        for (Map.Entry<String, Tensor> d : g.datasets.entrySet()) out.putDataset(d.getKey(), nested(d.getValue()));
        for (H5Group child : g.groups.values()) {
            WritableGroup cg = out.putGroup(child.name);
            putAttributes(cg, child);
            putChildren(cg, child);
        }
    }

    private static void putAttributes(WritableGroup out, H5Group g) {
        for (Map.Entry<String, Object> a : g.attrs.entrySet()) out.putAttribute(a.getKey(), a.getValue());
    }

    /** A row-major float tensor as the nested Java array jHDF writes with the tensor's shape. */
    static Object nested(Tensor t) {
        if (t.rank() == 0) throw new IllegalArgumentException("scalar weights are not written");
        if (t.rank() == 1) return t.data.clone();
        Object arr = Array.newInstance(float.class, t.shape);
        fill(arr, t.shape, 0, t.data, 0);
        return arr;
    }

    private static int fill(Object arr, int[] shape, int dim, float[] data, int offset) {
        if (dim == shape.length - 1) {
            System.arraycopy(data, offset, arr, 0, shape[dim]);
            return offset + shape[dim];
        }
        for (int i = 0; i < shape[dim]; i++) offset = fill(Array.get(arr, i), shape, dim + 1, data, offset);
        return offset;
    }

    /** Re-opens the file with jHDF and checks it holds exactly the tree: attributes, groups, dataset shapes and bits. */
    static void verify(H5Group expected, Path file) throws IOException {
        try (HdfFile in = new HdfFile(file)) {
            verifyGroup(expected, in, file + ":/");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": the written HDF5 file does not read back (" + KerasModelLoader.oneLine(e) + ")", e);
        }
    }

    static void verifyBytes(H5Group expected, byte[] h5, String what) throws IOException {
        try (HdfFile in = HdfFile.fromBytes(h5)) {
            verifyGroup(expected, in, what + ":/");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(what + ": the written HDF5 file does not read back (" + KerasModelLoader.oneLine(e) + ")", e);
        }
    }

    private static void verifyGroup(H5Group exp, Group got, String path) throws IOException {
        for (Map.Entry<String, Object> a : exp.attrs.entrySet()) {
            Attribute attr = got.getAttribute(a.getKey());
            Object data = attr == null ? null : attr.getData();
            boolean same = a.getValue() instanceof String[] arr
                    ? data instanceof String[] d && Arrays.equals(arr, d) || arr.length == 1 && arr[0].equals(data)
                    : a.getValue().equals(data);
            if (!same) throw new IOException(path + ": attribute '" + a.getKey() + "' did not read back as written");
        }
        Map<String, Node> children = got.getChildren();
        if (children.size() != exp.groups.size() + exp.datasets.size()) {
            throw new IOException(path + ": holds " + children.keySet() + ", expected " + exp.groups.keySet() + " + " + exp.datasets.keySet());
        }
        for (Map.Entry<String, Tensor> d : exp.datasets.entrySet()) {
            Node n = children.get(d.getKey());
            if (!(n instanceof Dataset ds)) throw new IOException(path + d.getKey() + ": dataset missing");
            Tensor t = d.getValue();
            if (!Arrays.equals(ds.getDimensions(), t.shape)) {
                throw new IOException(path + d.getKey() + ": shape " + Tensor.shapeString(ds.getDimensions()) + ", wrote " + Tensor.shapeString(t.shape));
            }
            Object flat = ds.getDataFlat();
            if (!(flat instanceof float[] f) || !Arrays.equals(f, t.data)) throw new IOException(path + d.getKey() + ": values did not read back as written");
        }
        for (H5Group g : exp.groups.values()) {
            Node n = children.get(g.name);
            if (!(n instanceof Group cg)) throw new IOException(path + g.name + ": group missing");
            verifyGroup(g, cg, path + g.name + "/");
        }
    }

    // ------------------------------------------------------------------ files

    private static Path parentDir(Path target) throws IOException {
        Path dir = target.getParent();
        if (dir == null) throw new IOException(target + ": no parent directory");
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * A fresh hidden name beside the target. Not created here: the writer creates it, so it gets
     * the usual permissions (Files.createTempFile would make it owner-only, and the rename keeps that).
     */
    private static Path tempName(Path dir, Path target, String suffix) {
        return dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
    }

    /** Fresh temporary name in the target's directory, jHDF write, re-open and compare, atomic rename. */
    private static void writeVerifiedAtomically(H5Group root, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = tempName(parentDir(target), target, ".tmp");
        try {
            writeHdf5(root, tmp);
            verify(root, tmp);
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Entries stored uncompressed, in order, as Keras's zipfile writes them. */
    private static void writeZip(Map<String, byte[]> entries, Path file) throws IOException {
        try (OutputStream fo = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ZipOutputStream zip = new ZipOutputStream(fo)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] b = e.getValue();
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(b.length);
                ze.setCompressedSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                ze.setCrc(crc.getValue());
                zip.putNextEntry(ze);
                zip.write(b);
                zip.closeEntry();
            }
        }
    }

    /** Reads the archive back: the same entries, byte for byte, and the weights file still parses as written. */
    private static void verifyZip(Map<String, byte[]> expected, Path file, H5Group weights) throws IOException {
        Map<String, byte[]> got = new LinkedHashMap<>();
        try (InputStream fi = Files.newInputStream(file); ZipInputStream zin = new ZipInputStream(fi)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                zin.transferTo(b);
                if (got.put(e.getName(), b.toByteArray()) != null) throw new IOException(file + ": entry " + e.getName() + " twice");
            }
        }
        if (!got.keySet().equals(expected.keySet())) throw new IOException(file + ": archive holds " + got.keySet() + ", expected " + expected.keySet());
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            if (!Arrays.equals(e.getValue(), got.get(e.getKey()))) throw new IOException(file + ": entry " + e.getKey() + " did not read back as written");
        }
        verifyBytes(weights, got.get("model.weights.h5"), file + "!model.weights.h5");
    }
}
