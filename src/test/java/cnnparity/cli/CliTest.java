package cnnparity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void verifyPassesOnAReferenceModelAndWritesJson() throws Exception {
        Path json = tmp.resolve("report.json");
        Run r = run("verify", "reference/functional_cnn.h5", "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(r.out().contains("features") && r.out().contains("Conv2D"), r.out());
        JsonNode rep = new ObjectMapper().readTree(json.toFile());
        assertTrue(rep.path("passed").asBoolean());
        int forward = 0, backward = 0;
        for (JsonNode c : rep.path("checks")) {
            if (c.path("section").asText().equals("forward")) forward++;
            if (c.path("section").asText().equals("layer-backward")) backward++;
        }
        assertEquals(7, forward, "one forward row per layer");
        assertEquals(7, backward, "the fixture has gradients: one isolated-backward row per layer");
    }

    @Test
    void verifyExitsOneAndNamesTheFirstDivergingLayer() {
        // a tolerance of zero makes every float-rounding difference a mismatch
        Run r = run("verify", "reference/simple_mnist_convnet.keras", "--atol", "0", "--rtol", "0");
        assertEquals(1, r.code(), r.out());
        // the first layer whose row fails is the one the summary line names
        String failing = r.out().lines().filter(l -> l.contains("FAIL (")).findFirst().orElseThrow().split("\\s+")[0];
        assertTrue(r.out().contains("first divergence at forward '" + failing + "'"), r.out());
    }

    @Test
    void verifyExitsTwoWithOneLineOnABrokenFile() throws Exception {
        byte[] all = Files.readAllBytes(Path.of("reference/mlp.keras"));
        Path cut = tmp.resolve("mlp.keras");
        Files.write(cut, Arrays.copyOf(all, 2000));
        Run r = run("verify", cut.toString(), "--fixture", "fixtures/mlp");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(cut.toString()), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void verifyWithoutFixtureOrPythonPrintsTheCommand() throws Exception {
        Path copy = tmp.resolve("elsewhere.h5");
        Files.copy(Path.of("reference/mlp.h5"), copy);
        Run r = run("verify", copy.toString(), "--no-make-fixture");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("make_fixture.py") && r.err().contains(copy.toAbsolutePath().toString()), r.err());
    }

    @Test
    void summaryShowsKerasParameterCounts() {
        Run r = run("summary", "reference/tutorial_cnn.keras");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 225,034"), r.out());
    }

    @Test
    void helpShowsExamples() {
        Run r = run("verify", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:"));
    }

    @Test
    void verifyNamesNonFiniteWeightsAndTheLayersTheyReach() throws Exception {
        var m = cnnparity.keras.KerasModelLoader.load(Path.of("reference/simple_mnist_convnet.keras")).model();
        m.layer("conv2d_1").params().get(0).value.data[5] = Float.NaN;
        m.layer("dense").params().get(1).value.data[0] = Float.POSITIVE_INFINITY;
        Path bad = tmp.resolve("simple_mnist_convnet.keras");
        cnnparity.keras.KerasModelWriter.saveKeras(m, bad, null);
        Run r = run("verify", bad.toString(), "--fixture", "fixtures/simple_mnist_convnet");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("non-finite weights: layer 'conv2d_1' weight 'kernel': 1 NaN, 0 infinite"), r.out());
        assertTrue(r.out().contains("non-finite weights: layer 'dense' weight 'bias': 0 NaN, 1 infinite"), r.out());
        assertTrue(r.out().contains("first divergence at forward 'conv2d_1'"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("conv2d_1") && l.contains("non-finite: java")), r.out());
    }
}
