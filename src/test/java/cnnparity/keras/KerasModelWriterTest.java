package cnnparity.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import cnnparity.nn.layers.LayerRegistry;
import cnnparity.verify.Npy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasModelWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path REF = Paths.get("reference");
    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ models

    static ObjectNode cfg(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Layer layer(String cls, String json) {
        return LayerRegistry.create(cls, cfg(json));
    }

    /** Seeded weights in [-0.5, 0.5); moving variances in [0.5, 1.5) so BatchNormalization is not the identity. */
    static Model randomize(Model m, long seed) {
        Random r = new Random(seed);
        for (Param p : m.params()) {
            float[] d = p.value.data;
            for (int i = 0; i < d.length; i++) d[i] = p.name.equals("moving_variance") ? 0.5f + r.nextFloat() : r.nextFloat() - 0.5f;
        }
        return m;
    }

    /** The Keras "simple MNIST convnet" shape, small: only the key settings, as a preset gives them. */
    static Model cnn() {
        List<Layer> layers = List.of(
                layer("Conv2D", "{\"name\":\"conv2d\",\"filters\":4,\"kernel_size\":3,\"activation\":\"relu\"}"),
                layer("MaxPooling2D", "{\"name\":\"max_pooling2d\",\"pool_size\":[2,2]}"),
                layer("Conv2D", "{\"name\":\"conv2d_1\",\"filters\":6,\"kernel_size\":[3,3],\"padding\":\"same\",\"activation\":\"relu\"}"),
                layer("MaxPooling2D", "{\"name\":\"max_pooling2d_1\"}"),
                layer("Flatten", "{\"name\":\"flatten\"}"),
                layer("Dropout", "{\"name\":\"dropout\",\"rate\":0.5}"),
                layer("Dense", "{\"name\":\"dense\",\"units\":10,\"activation\":\"softmax\"}"));
        return randomize(new Model("small_convnet", "Sequential", "input_layer", new int[] {14, 14, 1}, layers), 7);
    }

    /** An MLP with BatchNormalization (four weights, two of them non-trainable) and ReLU layers. */
    static Model mlpBn() {
        List<Layer> layers = List.of(
                layer("Flatten", "{\"name\":\"flatten\"}"),
                layer("Dense", "{\"name\":\"dense\",\"units\":16}"),
                layer("BatchNormalization", "{\"name\":\"batch_normalization\"}"),
                layer("ReLU", "{\"name\":\"re_lu\"}"),
                layer("Dropout", "{\"name\":\"dropout\",\"rate\":0.3}"),
                layer("Dense", "{\"name\":\"dense_1\",\"units\":8,\"use_bias\":false}"),
                layer("BatchNormalization", "{\"name\":\"batch_normalization_1\",\"center\":false,\"epsilon\":0.01}"),
                layer("Activation", "{\"name\":\"activation\",\"activation\":\"tanh\"}"),
                layer("Dense", "{\"name\":\"dense_2\",\"units\":10,\"activation\":\"softmax\"}"));
        return randomize(new Model("mlp_bn", "Sequential", "input_layer", new int[] {6, 6, 1}, layers), 11);
    }

    /** A Functional chain with names that are not Keras's automatic ones. */
    static Model functional() {
        List<Layer> layers = List.of(
                layer("ZeroPadding2D", "{\"name\":\"pad\",\"padding\":1}"),
                layer("Conv2D", "{\"name\":\"features\",\"filters\":3,\"kernel_size\":3,\"strides\":2}"),
                layer("LeakyReLU", "{\"name\":\"leaky\",\"alpha\":0.2}"),
                layer("AveragePooling2D", "{\"name\":\"avg\",\"pool_size\":2}"),
                layer("GlobalMaxPooling2D", "{\"name\":\"gmp\"}"),
                layer("Dense", "{\"name\":\"probabilities\",\"units\":5,\"activation\":\"softmax\"}"));
        return randomize(new Model("functional_chain", "Functional", "image", new int[] {9, 9, 2}, layers), 13);
    }

    static Tensor input(Model m, int n, long seed) {
        Random r = new Random(seed);
        Tensor x = Tensor.zeros(Tensor.withBatch(n, m.inputShape()));
        for (int i = 0; i < x.data.length; i++) x.data[i] = r.nextFloat();
        return x;
    }

    // ------------------------------------------------------------------ helpers

    static void assertSameModel(Model a, Model b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.kerasClass(), b.kerasClass());
        assertArrayEquals(a.inputShape(), b.inputShape());
        assertEquals(a.layers().size(), b.layers().size());
        for (int i = 0; i < a.layers().size(); i++) {
            Layer x = a.layers().get(i), y = b.layers().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.className(), y.className());
            assertEquals(x.params().size(), y.params().size(), x.name());
            for (int k = 0; k < x.params().size(); k++) {
                Param p = x.params().get(k), q = y.params().get(k);
                assertEquals(p.name, q.name);
                assertEquals(p.trainable, q.trainable);
                assertArrayEquals(p.shape(), q.shape());
                assertArrayEquals(p.value.data, q.value.data, x.name() + "/" + p.name);
            }
        }
        Tensor in = input(a, 3, 99);
        assertArrayEquals(a.forward(in, false).data, b.forward(in, false).data, "identical predictions");
    }

    static List<String> tempLeftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")).toList();
        }
    }

    static String[] strings(Attribute a) {
        Object d = a.getData();
        return d instanceof String s ? new String[] {s} : (String[]) d;
    }

    // ------------------------------------------------------------------ legacy .h5

    @Test
    void h5HasKerasLegacyLayout() throws IOException {
        Model m = cnn();
        Path f = tmp.resolve("cnn.h5");
        KerasModelWriter.saveH5(m, f, null);
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(KerasModelWriter.KERAS_VERSION, h.getAttribute("keras_version").getData());
            assertEquals("tensorflow", h.getAttribute("backend").getData());
            assertNull(h.getAttribute("training_config"));
            JsonNode mc = JSON.readTree((String) h.getAttribute("model_config").getData());
            assertEquals("Sequential", mc.path("class_name").asText());
            assertFalse(mc.has("module"), "legacy serialization: no module");
            JsonNode layers = mc.path("config").path("layers");
            assertEquals(8, layers.size());
            assertEquals("InputLayer", layers.get(0).path("class_name").asText());
            assertEquals("[null,14,14,1]", layers.get(0).path("config").path("batch_shape").toString());
            JsonNode conv = layers.get(1).path("config");
            assertEquals("[3,3]", conv.path("kernel_size").toString());
            assertEquals("GlorotUniform", conv.path("kernel_initializer").path("class_name").asText());
            assertEquals("float32", conv.path("dtype").path("config").path("name").asText());
            assertEquals("[null,14,14,1]", mc.path("config").path("build_input_shape").toString());

            Group mw = (Group) h.getChild("model_weights");
            assertArrayEquals(new String[] {"conv2d", "conv2d_1", "dense"}, strings(mw.getAttribute("layer_names")),
                    "the layers with weights (weightless ones get no group: the jHDF bug)");
            assertEquals(3, mw.getChildren().size());
            Group conv2d = (Group) mw.getChild("conv2d");
            assertArrayEquals(new String[] {"small_convnet/conv2d/kernel", "small_convnet/conv2d/bias"}, strings(conv2d.getAttribute("weight_names")));
            Dataset k = (Dataset) h.getByPath("model_weights/conv2d/small_convnet/conv2d/kernel");
            assertArrayEquals(new int[] {3, 3, 1, 4}, k.getDimensions());
            assertArrayEquals(m.layers().get(0).params().get(0).value.data, (float[]) k.getDataFlat());
        }
        assertEquals(List.of(), tempLeftovers(tmp), "no temporary file left behind");
    }

    @Test
    void h5RoundTripsThroughTheLoader() throws IOException {
        for (Model m : List.of(cnn(), mlpBn(), functional())) {
            Path f = tmp.resolve(m.name() + ".h5");
            KerasModelWriter.saveH5(m, f, null);
            LoadedModel back = KerasModelLoader.load(f);
            assertEquals("legacy-h5", back.format());
            assertEquals(KerasModelWriter.KERAS_VERSION, back.kerasVersion());
            assertSameModel(m, back.model());
        }
    }

    @Test
    void functionalH5UsesLayerRelativeWeightNames() throws IOException {
        Model m = functional();
        Path f = tmp.resolve("f.h5");
        KerasModelWriter.saveH5(m, f, null);
        try (HdfFile h = new HdfFile(f)) {
            JsonNode mc = JSON.readTree((String) h.getAttribute("model_config").getData());
            assertEquals("Functional", mc.path("class_name").asText());
            assertEquals("[\"image\",0,0]", mc.path("config").path("input_layers").toString());
            assertEquals("[\"probabilities\",0,0]", mc.path("config").path("output_layers").toString());
            JsonNode conv = mc.path("config").path("layers").get(2);
            assertEquals("features", conv.path("name").asText());
            assertEquals("pad", conv.path("inbound_nodes").get(0).path("args").get(0).path("config").path("keras_history").get(0).asText());
            assertArrayEquals(new String[] {"features/kernel", "features/bias"},
                    strings(((Group) h.getByPath("model_weights/features")).getAttribute("weight_names")));
            assertNotNull(h.getByPath("model_weights/features/features/kernel"));
        }
    }

    @Test
    void trainingConfigIsStoredInKerasLegacyForm() throws IOException {
        JsonNode compile = JSON.readTree("{\"optimizer\":{\"module\":\"keras.optimizers\",\"class_name\":\"Adam\","
                + "\"config\":{\"name\":\"adam\",\"learning_rate\":0.001},\"registered_name\":null},"
                + "\"loss\":\"categorical_crossentropy\",\"metrics\":[\"accuracy\"]}");
        Path f = tmp.resolve("c.h5");
        KerasModelWriter.saveH5(cnn(), f, compile);
        LoadedModel back = KerasModelLoader.load(f);
        JsonNode tc = back.trainingConfig();
        assertEquals("Adam", tc.path("optimizer_config").path("class_name").asText());
        assertEquals(0.001, tc.path("optimizer_config").path("config").path("learning_rate").asDouble());
        assertTrue(tc.has("loss_weights"), "Keras's compile_args_from_training_config reads it unconditionally");
        assertFalse(tc.has("optimizer"));
        assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveH5(cnn(), tmp.resolve("d.h5"), JSON.readTree("{\"loss\":\"mse\"}")),
                "no optimizer: Keras could not compile it");
    }

    // ------------------------------------------------------------------ .keras

    @Test
    void kerasArchiveHasKeras3Layout() throws IOException {
        Model m = mlpBn();
        Path f = tmp.resolve("mlp.keras");
        JsonNode compile = JSON.readTree("{\"loss\":\"categorical_crossentropy\",\"metrics\":[\"accuracy\"]}");
        KerasModelWriter.saveKeras(m, f, compile);
        try (ZipFile z = new ZipFile(f.toFile())) {
            assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), z.stream().map(ZipEntry::getName).toList());
            JsonNode meta = JSON.readTree(z.getInputStream(z.getEntry("metadata.json")));
            assertEquals(KerasModelWriter.KERAS_VERSION, meta.path("keras_version").asText());
            assertTrue(meta.path("date_saved").asText().matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"));
            JsonNode c = JSON.readTree(z.getInputStream(z.getEntry("config.json")));
            assertEquals("keras", c.path("module").asText());
            assertEquals("Sequential", c.path("class_name").asText());
            assertEquals("[null,6,6,1]", c.path("build_config").path("input_shape").toString());
            assertEquals("categorical_crossentropy", c.path("compile_config").path("loss").asText());
            JsonNode dense = c.path("config").path("layers").get(2);
            assertEquals("keras.layers", dense.path("module").asText());
            assertTrue(dense.has("registered_name") && dense.get("registered_name").isNull());
            assertEquals("[null,36]", dense.path("build_config").path("input_shape").toString());
            assertFalse(c.path("config").path("layers").get(5).has("build_config"), "Dropout: Keras writes no build_config");
            JsonNode bn = c.path("config").path("layers").get(7).path("config");
            assertEquals(false, bn.path("center").asBoolean());
            assertEquals(0.99, bn.path("momentum").asDouble());
            assertEquals("Ones", bn.path("gamma_initializer").path("class_name").asText());

            byte[] h5 = z.getInputStream(z.getEntry("model.weights.h5")).readAllBytes();
            try (HdfFile h = HdfFile.fromBytes(h5)) {
                Group layers = (Group) h.getChild("layers");
                assertEquals(List.of("batch_normalization", "batch_normalization_1", "dense", "dense_1", "dense_2"),
                        layers.getChildren().keySet().stream().sorted().toList(), "only layers with weights");
                Group vars = (Group) h.getByPath("layers/batch_normalization_1/vars");
                assertEquals("batch_normalization_1", vars.getAttribute("name").getData());
                assertEquals(3, vars.getChildren().size(), "center=false: gamma, moving_mean, moving_variance");
                Dataset mv = (Dataset) vars.getChild("2");
                assertArrayEquals(m.layers().get(6).params().get(2).value.data, (float[]) mv.getDataFlat());
                assertNull(h.getChild("vars"), "the empty root vars group is left out");
                assertNull(h.getChild("optimizer"));
            }
        }
        assertEquals(List.of(), tempLeftovers(tmp));
    }

    @Test
    void kerasRoundTripsThroughTheLoader() throws IOException {
        for (Model m : List.of(cnn(), mlpBn(), functional())) {
            Path f = tmp.resolve(m.name() + ".keras");
            KerasModelWriter.saveKeras(m, f, null);
            LoadedModel back = KerasModelLoader.load(f);
            assertEquals("keras-v3", back.format());
            assertSameModel(m, back.model());
        }
    }

    @Test
    void functionalKerasKeysCountTheInputLayer() throws IOException {
        Model m = functional();
        assertEquals(List.of("zero_padding2d", "conv2d", "leaky_re_lu", "average_pooling2d", "global_max_pooling2d", "dense"),
                KerasConfigWriter.v3LayerKeys(m));
        Path f = tmp.resolve("f.keras");
        KerasModelWriter.saveKeras(m, f, null);
        try (ZipFile z = new ZipFile(f.toFile())) {
            JsonNode c = JSON.readTree(z.getInputStream(z.getEntry("config.json")));
            assertEquals("keras.src.models.functional", c.path("module").asText());
            assertEquals("Functional", c.path("registered_name").asText());
            JsonNode leaky = c.path("config").path("layers").get(3).path("config");
            assertEquals(0.2, leaky.path("negative_slope").asDouble(), "Keras 2 alpha is written as negative_slope");
            assertFalse(leaky.has("alpha"));
        }
        Model seq = cnn();
        assertEquals(List.of("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense"),
                KerasConfigWriter.v3LayerKeys(seq));
    }

    @Test
    void weightsH5MatchesTheArchiveWeights() throws IOException {
        Model m = cnn();
        Path w = tmp.resolve("cnn.weights.h5");
        KerasModelWriter.saveWeightsH5(m, w);
        Files.writeString(tmp.resolve("cnn.config.json"), KerasModelWriter.configJson(m, null));
        LoadedModel back = KerasModelLoader.load(w);
        assertEquals("weights-h5+config", back.format());
        assertSameModel(m, back.model());
    }

    // ------------------------------------------------------------------ Keras-written models, written again

    @Test
    void referenceModelsSurviveAWriteAndReload() throws IOException {
        for (String id : List.of("simple_mnist_convnet", "mlp", "edge_case_cnn", "tutorial_cnn", "functional_cnn")) {
            Path src = REF.resolve(id + ".keras");
            Assumptions.assumeTrue(Files.isRegularFile(src), "reference models present");
            Model m = KerasModelLoader.load(src).model();
            Path h5 = tmp.resolve(id + ".h5"), keras = tmp.resolve(id + ".keras");
            KerasModelWriter.saveH5(m, h5, null);
            KerasModelWriter.saveKeras(m, keras, null);
            assertSameModel(m, KerasModelLoader.load(h5).model());
            assertSameModel(m, KerasModelLoader.load(keras).model());
        }
    }

    /** The from-scratch presets carry only the key settings; written, they read back identically. */
    @Test
    void presetsWriteAndReadBack() throws IOException {
        for (String name : cnnparity.train.Presets.NAMES) {
            Model m = randomize(cnnparity.train.Presets.build(name), name.hashCode());
            Path h5 = tmp.resolve(name + ".h5"), keras = tmp.resolve(name + ".keras");
            KerasModelWriter.saveH5(m, h5, null);
            KerasModelWriter.saveKeras(m, keras, JSON.readTree("{\"loss\":\"categorical_crossentropy\",\"metrics\":[\"accuracy\"]}"));
            assertSameModel(m, KerasModelLoader.load(h5).model());
            assertSameModel(m, KerasModelLoader.load(keras).model());
        }
    }

    // ------------------------------------------------------------------ configs

    @Test
    void presetConfigsAreCompletedWithKerasDefaults() {
        ObjectNode c = KerasConfigWriter.completeLayerConfig("Conv2D", cfg("{\"name\":\"c\",\"filters\":8,\"kernel_size\":5}"));
        assertEquals(List.of("name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                "activity_regularizer", "kernel_constraint", "bias_constraint"), fieldNames(c), "Keras's get_config order");
        assertEquals("[5,5]", c.get("kernel_size").toString());
        assertEquals("linear", c.get("activation").asText());
        assertEquals("{\"module\":\"keras\",\"class_name\":\"DTypePolicy\",\"config\":{\"name\":\"float32\"},\"registered_name\":null}",
                c.get("dtype").toString());

        ObjectNode p = KerasConfigWriter.completeLayerConfig("MaxPool2D", cfg("{\"pool_size\":3}"));
        assertEquals("max_pooling2d", p.get("name").asText());
        assertEquals("[3,3]", p.get("strides").toString(), "strides default to pool_size");

        ObjectNode d = KerasConfigWriter.completeLayerConfig("Dropout", cfg("{\"name\":\"d\"}"));
        assertEquals(0.5, d.get("rate").asDouble());
        ObjectNode z = KerasConfigWriter.completeLayerConfig("ZeroPadding2D", cfg("{\"padding\":[1,2]}"));
        assertEquals("[[1,1],[2,2]]", z.get("padding").toString());

        assertThrows(IllegalArgumentException.class, () -> KerasConfigWriter.completeLayerConfig("Dense", cfg("{\"name\":\"x\"}")));
        ObjectNode orig = cfg("{\"name\":\"x\",\"units\":3,\"dtype\":{\"module\":\"keras\",\"class_name\":\"DTypePolicy\","
                + "\"config\":{\"name\":\"float32\"},\"registered_name\":null,\"shared_object_id\":123},\"quantization_config\":null,"
                + "\"batch_input_shape\":[null,4],\"kernel_initializer\":{\"class_name\":\"HeNormal\",\"config\":{\"seed\":1}}}");
        ObjectNode dense = KerasConfigWriter.completeLayerConfig("Dense", orig);
        assertFalse(dense.toString().contains("shared_object_id"));
        assertTrue(dense.has("quantization_config"), "unknown (newer) keys pass through");
        assertFalse(dense.has("batch_input_shape"), "the writer emits an explicit InputLayer");
        assertEquals("keras.initializers", dense.path("kernel_initializer").path("module").asText(), "Keras 2 initializer gets its module");
        assertTrue(orig.has("batch_input_shape"), "the layer's own config is not modified");
    }

    @Test
    void duplicateOrMissingLayerNamesGetKerasAutomaticNames() throws IOException {
        List<Layer> layers = List.of(layer("Flatten", "{}"), layer("Dense", "{\"name\":\"d\",\"units\":3}"),
                layer("Dense", "{\"name\":\"d\",\"units\":2}"));
        Model m = randomize(new Model("dups", "Sequential", "input_layer", new int[] {2, 2}, layers), 3);
        assertEquals(List.of("flatten", "d", "dense"), KerasConfigWriter.layerNames(m));
        Path f = tmp.resolve("dups.keras");
        KerasModelWriter.saveKeras(m, f, null);
        Model back = KerasModelLoader.load(f).model();
        assertEquals(List.of("flatten", "d", "dense"), back.layers().stream().map(Layer::name).toList());
        assertArrayEquals(m.layers().get(2).params().get(0).value.data, back.layers().get(2).params().get(0).value.data);
    }

    @Test
    void refusesWhatKerasCouldNotLoad() {
        Model m = cnn();
        assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveH5(m, tmp.resolve("x.keras"), null));
        assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveKeras(m, tmp.resolve("x.h5"), null));
        assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveWeightsH5(m, tmp.resolve("x.h5")));
        Model weightless = new Model("w", "Sequential", "input_layer", new int[] {2, 2}, List.of(layer("Flatten", "{}")));
        assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveKeras(weightless, tmp.resolve("w.keras"), null));
        List<Layer> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) many.add(layer("ReLU", "{\"name\":\"relu_" + i + "\"}"));
        many.add(layer("Dense", "{\"name\":\"out\",\"units\":2}"));
        Model huge = new Model("huge", "Sequential", "input_layer", new int[] {4}, many);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasModelWriter.saveH5(huge, tmp.resolve("h.h5"), null));
        assertTrue(e.getMessage().contains(".keras"), e.getMessage());
    }

    @Test
    void overwritesAnExistingFileInPlace() throws IOException {
        Path f = tmp.resolve("m.keras");
        Files.writeString(f, "old");
        KerasModelWriter.saveKeras(cnn(), f, null);
        assertSameModel(cnn(), KerasModelLoader.load(f).model());
        Path g = tmp.resolve("sub/dir/m.h5");
        KerasModelWriter.saveH5(cnn(), g, null);
        assertSameModel(cnn(), KerasModelLoader.load(g).model());
        assertEquals(List.of(), tempLeftovers(tmp));
    }

    @Test
    void noDatasetlessGroupIsEverWritten() throws IOException {
        KerasModelWriter.H5Group root = new KerasModelWriter.H5Group("/");
        root.group("a").dataset("x", Tensor.of(new float[] {1, 2}, 2));
        root.group("empty").attr("name", "e");
        assertThrows(IllegalStateException.class, () -> KerasModelWriter.writeHdf5(root, tmp.resolve("e.h5")));
        assertThrows(IllegalArgumentException.class, () -> root.group("a/b"), "no '/' in names");
        assertThrows(IllegalArgumentException.class, () -> root.stringListAttr("n", new String[0]), "no empty arrays");
    }

    @Test
    void longNameListsAreSplitAsKerasSplitsThem() {
        KerasModelWriter.H5Group g = new KerasModelWriter.H5Group("g");
        String[] names = new String[3000];
        for (int i = 0; i < names.length; i++) names[i] = "layer_with_a_long_name_" + i;
        g.stringListAttr("layer_names", names);
        assertNull(g.attrs.get("layer_names"));
        List<String> joined = new ArrayList<>();
        for (int i = 0; g.attrs.containsKey("layer_names" + i); i++) joined.addAll(Arrays.asList((String[]) g.attrs.get("layer_names" + i)));
        assertEquals(Arrays.asList(names), joined);
    }

    private static List<String> fieldNames(ObjectNode o) {
        List<String> n = new ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    // ------------------------------------------------------------------ real Keras (opt-in)

    /**
     * Opt-in: {@code -Dcnnparity.python=/work/venv/bin/python} (a Python with Keras 3). Writes the
     * models as .h5, .keras and .weights.h5, has real Keras load each one
     * (python-export/check_java_model.py) and compares Keras's predictions with the engine's.
     * {@code -Dcnnparity.writerOut=DIR} keeps the files.
     */
    @Test
    void realKerasLoadsTheFilesAndPredictsTheSame() throws Exception {
        String python = System.getProperty("cnnparity.python", "");
        Assumptions.assumeTrue(!python.isEmpty() && Files.isExecutable(Paths.get(python)), "set -Dcnnparity.python to run Keras");
        Path out = System.getProperty("cnnparity.writerOut") != null ? Paths.get(System.getProperty("cnnparity.writerOut")) : tmp;
        Files.createDirectories(out);
        JsonNode compile = JSON.readTree("{\"optimizer\":{\"module\":\"keras.optimizers\",\"class_name\":\"Adam\","
                + "\"config\":{\"name\":\"adam\",\"learning_rate\":0.001},\"registered_name\":null},"
                + "\"loss\":\"categorical_crossentropy\",\"metrics\":[\"accuracy\"]}");
        List<String> failures = new ArrayList<>();
        List<Model> models = new ArrayList<>(List.of(cnn(), mlpBn(), functional()));
        for (String name : cnnparity.train.Presets.NAMES) models.add(randomize(cnnparity.train.Presets.build(name), name.hashCode()));
        for (Model m : models) {
            Tensor x = input(m, 5, 42);
            Tensor y = m.forward(x, false);
            Path xi = out.resolve(m.name() + ".inputs.npy"), ye = out.resolve(m.name() + ".expect.npy");
            try (OutputStream o = Files.newOutputStream(xi)) {
                Npy.write(x, o);
            }
            try (OutputStream o = Files.newOutputStream(ye)) {
                Npy.write(y, o);
            }
            Path h5 = out.resolve(m.name() + ".h5"), keras = out.resolve(m.name() + ".keras"), w = out.resolve(m.name() + ".weights.h5");
            Path cfgFile = out.resolve(m.name() + ".config.json");
            KerasModelWriter.saveH5(m, h5, compile);
            KerasModelWriter.saveKeras(m, keras, compile);
            KerasModelWriter.saveWeightsH5(m, w);
            Files.writeString(cfgFile, KerasModelWriter.configJson(m, null));
            for (Path f : List.of(h5, keras, w)) {
                List<String> cmd = new ArrayList<>(List.of(python, "python-export/check_java_model.py", f.toString(),
                        "--inputs", xi.toString(), "--expect", ye.toString()));
                if (f == w) cmd.addAll(List.of("--config", cfgFile.toString()));
                else cmd.add("--compile");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                p.getInputStream().transferTo(b);
                assertTrue(p.waitFor(300, TimeUnit.SECONDS));
                String report = b.toString().trim();
                System.out.println("keras check " + f.getFileName() + ": " + report.substring(report.lastIndexOf('\n') + 1));
                if (p.exitValue() != 0) failures.add(f.getFileName() + ": " + report);
            }
        }
        assertEquals(List.of(), failures);
    }

    static Map<String, Node> children(Group g) {
        return g.getChildren();
    }
}
