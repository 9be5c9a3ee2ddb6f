package cnnparity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.nn.Layer;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The parity harness: for every fixture in {@code fixtures/}, every reference file of that model (each
 * Keras format) and every layer, one named test comparing the Java output with Keras's.
 *
 * <p>Tolerance: {@code -Dparity.atol=... -Dparity.rtol=...} (defaults 1e-5 and 1e-4).
 */
class ForwardParityTest {
    static final Path ROOT = Paths.get(System.getProperty("cnnparity.home", ".")).toAbsolutePath().normalize();
    static final Path FIXTURES = ROOT.resolve("fixtures");

    static List<Fixture> fixtures() throws IOException {
        List<Fixture> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(FIXTURES)) {
            for (Path d : s.sorted().toList()) {
                if (Files.isRegularFile(d.resolve("manifest.json"))) out.add(Fixture.open(d));
            }
        }
        assertFalse(out.isEmpty(), "no fixtures under " + FIXTURES + ": the harness would test nothing");
        return out;
    }

    /** The model files a fixture covers; a config JSON goes with the weights file it describes. */
    static List<Path[]> modelFiles(Fixture f) {
        List<Path[]> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode n : f.manifest().path("reference_files")) names.add(n.asText());
        for (String n : names) {
            if (n.endsWith(".json")) continue;
            Path p = ROOT.resolve(n);
            Path config = null;
            if (n.endsWith(".weights.h5")) {
                String stem = n.substring(0, n.length() - ".weights.h5".length());
                for (String c : names) if (c.endsWith(".json") && c.startsWith(stem)) config = ROOT.resolve(c);
            }
            files.add(new Path[] {p, config});
        }
        return files;
    }

    static LoadedModel load(Path[] file) {
        return file[1] == null ? KerasModelLoader.load(file[0]) : KerasModelLoader.load(file[0], file[1]);
    }

    @TestFactory
    Stream<DynamicNode> everyModelEveryFormatEveryLayer() throws IOException {
        Tolerance tol = Tolerance.fromSystemProperties();
        List<DynamicNode> models = new ArrayList<>();
        for (Fixture f : fixtures()) {
            List<DynamicNode> formats = new ArrayList<>();
            List<Path[]> files = modelFiles(f);
            assertFalse(files.isEmpty(), f.dir() + ": manifest lists no reference files");
            for (Path[] file : files) {
                // Load and run once per file; each layer's test then reads its own row.
                List<ForwardParity.LayerResult> results;
                String loadError = null;
                try {
                    results = ForwardParity.run(load(file).model(), f, tol);
                } catch (Exception e) {
                    results = List.of();
                    loadError = file[0] + ": " + e.getMessage();
                }
                List<DynamicNode> layers = new ArrayList<>();
                final String err = loadError;
                if (err != null) {
                    layers.add(DynamicTest.dynamicTest("loads", () -> {
                        throw new AssertionError(err);
                    }));
                }
                for (ForwardParity.LayerResult r : results) {
                    layers.add(DynamicTest.dynamicTest(r.name() + " (" + r.className() + ")", () -> {
                        assertTrue(r.passed(), f.modelId() + " " + file[0].getFileName() + ": " + r.comparison().describe());
                        System.out.printf("%-24s %-28s %-24s max abs %.2e  max rel %.2e%n", f.modelId(),
                                file[0].getFileName(), r.name(), r.comparison().maxAbs(), r.comparison().maxRel());
                    }));
                }
                formats.add(DynamicContainer.dynamicContainer(file[0].getFileName().toString(), layers));
            }
            models.add(DynamicContainer.dynamicContainer(f.modelId(), formats));
        }
        return models.stream();
    }

    /**
     * The harness must localize a fault: corrupting the weights of one layer makes that layer the
     * first to fail, with every layer before it still passing.
     */
    @TestFactory
    Stream<DynamicNode> aCorruptedWeightFailsAtExactlyThatLayer() throws IOException {
        Tolerance tol = Tolerance.fromSystemProperties();
        List<DynamicNode> out = new ArrayList<>();
        for (Fixture f : fixtures()) {
            Path[] file = modelFiles(f).get(0);
            int nLayers = load(file).model().layers().size();
            for (int i = 0; i < nLayers; i++) {
                final int target = i;
                LoadedModel probe = load(file);
                Layer layer = probe.model().layers().get(i);
                if (layer.params().isEmpty()) continue;
                Param p = layer.params().get(0);
                out.add(DynamicTest.dynamicTest(f.modelId() + ": corrupt " + layer.name() + "." + p.name, () -> {
                    LoadedModel m = load(file);
                    Layer l = m.model().layers().get(target);
                    float[] w = l.params().get(0).value.data;
                    for (int k = 0; k < w.length; k++) w[k] += 0.05f * (1 + Math.abs(w[k]));
                    List<ForwardParity.LayerResult> rs = ForwardParity.run(m.model(), f, tol);
                    ForwardParity.LayerResult first = rs.stream().filter(r -> !r.passed()).findFirst().orElse(null);
                    assertNotNull(first, "corrupting " + l.name() + " went unnoticed");
                    assertEquals(l.name(), first.name(), "the first failing layer must be the corrupted one");
                }));
            }
        }
        return out.stream();
    }
}
