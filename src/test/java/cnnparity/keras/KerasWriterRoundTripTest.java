package cnnparity.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import cnnparity.verify.Fixture;
import cnnparity.verify.Npy;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writing models: every reference model written as .h5 and .keras reads back with the same weights
 * and the same predictions. That Keras itself loads these files is checked by
 * python-export/check_java_model.py via scripts/check-java-written-models, which sets
 * -Dcnnparity.writerOut=DIR to keep the files and Java's predictions.
 */
class KerasWriterRoundTripTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"simple_mnist_convnet", "tutorial_cnn", "edge_case_cnn", "mlp", "functional_cnn"})
    void writtenModelsReadBackIdentically(String id) throws Exception {
        Path out = System.getProperty("cnnparity.writerOut") != null ? Path.of(System.getProperty("cnnparity.writerOut")) : tmp;
        Files.createDirectories(out);
        Model m = KerasModelLoader.load(Path.of("reference", id + ".keras")).model();
        Fixture f = Fixture.open(Path.of("fixtures", id));
        Tensor x = f.input(f.inputs().get(0));
        Tensor y = m.forward(x, false);
        for (String ext : List.of(".h5", ".keras")) {
            Path file = out.resolve("java_" + id + ext);
            if (ext.equals(".h5")) KerasModelWriter.saveH5(m, file, null);
            else KerasModelWriter.saveKeras(m, file, null);
            LoadedModel back = KerasModelLoader.load(file);
            assertEquals(m.layers().size(), back.model().layers().size());
            assertEquals(m.kerasClass(), back.model().kerasClass());
            for (int i = 0; i < m.params().size(); i++) {
                assertArrayEquals(m.params().get(i).value.data, back.model().params().get(i).value.data, id + ext + " param " + i);
            }
            assertArrayEquals(y.data, back.model().forward(x, false).data, id + ext + ": same predictions");
            try (var s = Files.list(out)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
            }
        }
        try (OutputStream os = Files.newOutputStream(out.resolve("java_" + id + ".inputs.npy"))) {
            Npy.write(x, os);
        }
        try (OutputStream os = Files.newOutputStream(out.resolve("java_" + id + ".expect.npy"))) {
            Npy.write(y, os);
        }
    }
}
