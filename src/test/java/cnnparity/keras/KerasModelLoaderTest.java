package cnnparity.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Model;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasModelLoaderTest {
    static final Path REF = Paths.get("reference");
    @TempDir
    Path tmp;

    @Test
    void everyFormatOfAModelLoadsTheSameWeights() {
        Model h5 = KerasModelLoader.load(REF.resolve("simple_mnist_convnet.h5")).model();
        Model keras = KerasModelLoader.load(REF.resolve("simple_mnist_convnet.keras")).model();
        LoadedModel w = KerasModelLoader.load(REF.resolve("simple_mnist_convnet.weights.h5"));
        assertEquals("weights-h5+config", w.format(), "the sibling .config.json is found automatically");
        List<Param> a = h5.params(), b = keras.params(), c = w.model().params();
        assertEquals(6, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value.data, b.get(i).value.data, "param " + i);
            assertArrayEquals(a.get(i).value.data, c.get(i).value.data, "param " + i);
        }
        assertEquals(34_826, h5.paramCount(), "the Keras example's parameter count");
    }

    @Test
    void functionalModelKeepsItsNamesAndChainOrder() {
        LoadedModel m = KerasModelLoader.load(REF.resolve("functional_cnn.keras"));
        assertEquals("Functional", m.model().kerasClass());
        assertEquals("image", m.model().inputName());
        assertEquals("features", m.model().layers().get(0).name());
        assertEquals("probabilities", m.model().layers().get(m.model().layers().size() - 1).name());
    }

    @Test
    void batchNormalizationLoadsMovingStatisticsAsNonTrainable() {
        Model m = KerasModelLoader.load(REF.resolve("mlp.h5")).model();
        List<Param> bn = m.layer(m.layers().get(2).name()).params();
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), bn.stream().map(p -> p.name).toList());
        assertFalse(bn.get(2).trainable);
        float[] mv = bn.get(3).value.data;
        assertTrue(mv[0] != 1f, "moving variance moved away from its initial 1");
    }

    @Test
    void snakeCaseMatchesKeras() {
        assertEquals("conv2d", KerasModelLoader.toSnakeCase("Conv2D"));
        assertEquals("max_pooling2d", KerasModelLoader.toSnakeCase("MaxPooling2D"));
        assertEquals("re_lu", KerasModelLoader.toSnakeCase("ReLU"));
        assertEquals("leaky_re_lu", KerasModelLoader.toSnakeCase("LeakyReLU"));
        assertEquals("global_average_pooling2d", KerasModelLoader.toSnakeCase("GlobalAveragePooling2D"));
        assertEquals("batch_normalization", KerasModelLoader.toSnakeCase("BatchNormalization"));
    }

    private String error(Path file) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> KerasModelLoader.load(file));
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedAndRandomFilesGiveOneLineErrors() throws IOException {
        for (String name : List.of("simple_mnist_convnet.h5", "simple_mnist_convnet.keras")) {
            byte[] all = Files.readAllBytes(REF.resolve(name));
            Path half = tmp.resolve("half-" + name);
            Files.write(half, Arrays.copyOf(all, all.length / 2));
            error(half);
        }
        Path junk = tmp.resolve("junk.h5");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertTrue(error(junk).contains("not a Keras model file"));
        assertTrue(error(tmp.resolve("missing.keras")).contains("no such file"));
    }

    /** Rewrites config.json of a .keras copy; the weights stay. */
    private Path withConfig(String layerToChange, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path src = REF.resolve("simple_mnist_convnet.keras");
        Path out = tmp.resolve("edited-" + System.nanoTime() + ".keras");
        ObjectMapper om = new ObjectMapper();
        try (ZipFile z = new ZipFile(src.toFile()); ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                byte[] data = z.getInputStream(e).readAllBytes();
                if (e.getName().equals("config.json")) {
                    ObjectNode root = (ObjectNode) om.readTree(data);
                    for (var l : root.path("config").path("layers")) {
                        if (l.path("config").path("name").asText().equals(layerToChange)) edit.accept((ObjectNode) l);
                    }
                    data = om.writeValueAsBytes(root);
                }
                zo.putNextEntry(new ZipEntry(e.getName()));
                zo.write(data);
                zo.closeEntry();
            }
        }
        return out;
    }

    @Test
    void lambdaLayerIsRefusedByName() throws IOException {
        Path f = withConfig("flatten", l -> {
            l.put("class_name", "Lambda");
            ((ObjectNode) l.get("config")).put("function", "__import__('os').system('touch /tmp/pwned')");
        });
        String m = error(f);
        assertTrue(m.contains("'flatten'") && m.contains("Lambda") && m.contains("never runs"), m);
    }

    @Test
    void unknownLayerListsTheSupportedOnes() throws IOException {
        String m = error(withConfig("dropout", l -> l.put("class_name", "SpatialDropout3D")));
        assertTrue(m.contains("SpatialDropout3D") && m.contains("supported:") && m.contains("Conv2D"), m);
    }

    @Test
    void wrongWeightShapeNamesLayerWeightAndShapes() throws IOException {
        String m = error(withConfig("conv2d", l -> ((ObjectNode) l.get("config")).put("filters", 31)));
        assertTrue(m.contains("layer 'conv2d' weight 'kernel'") && m.contains("(3, 3, 1, 32) in file") && m.contains("(3, 3, 1, 31)"), m);
    }

    @Test
    void missingWeightsEntryIsNamed() throws IOException {
        Path src = REF.resolve("simple_mnist_convnet.keras");
        Path out = tmp.resolve("noweights.keras");
        try (ZipFile z = new ZipFile(src.toFile()); ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                if (e.getName().equals("model.weights.h5")) continue;
                zo.putNextEntry(new ZipEntry(e.getName()));
                zo.write(z.getInputStream(e).readAllBytes());
                zo.closeEntry();
            }
        }
        assertTrue(error(out).contains("no model.weights.h5"));
    }

    @Test
    void weightsWithoutConfigAskForOne() throws IOException {
        Path w = tmp.resolve("lonely.weights.h5");
        Files.copy(REF.resolve("simple_mnist_convnet.weights.h5"), w);
        assertTrue(error(w).contains("--config"));
    }

    @Test
    void mixedPrecisionIsRefused() throws IOException {
        String m = error(withConfig("dense", l -> ((ObjectNode) l.get("config")).put("dtype", "mixed_float16")));
        assertTrue(m.contains("'dense'") && m.contains("dtype"), m);
    }

    @Test
    void aZipBombIsRefusedBeforeItFillsMemory() throws IOException {
        Path bomb = tmp.resolve("bomb.keras");
        try (ZipOutputStream zo = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zo.putNextEntry(new ZipEntry("config.json"));
            zo.write("{}".getBytes());
            zo.closeEntry();
            zo.putNextEntry(new ZipEntry("model.weights.h5"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) zo.write(zeros); // 200 MB of zeros compress to ~200 KB
            zo.closeEntry();
        }
        assertTrue(Files.size(bomb) < 1 << 20);
        String m = error(bomb);
        assertTrue(m.contains("zip bomb"), m);
    }
}
