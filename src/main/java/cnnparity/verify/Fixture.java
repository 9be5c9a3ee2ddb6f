package cnnparity.verify;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixture directory written by python-export (layout: fixtures/README.md):
 * {@code manifest.json}, {@code inputs/<input>.npy}, {@code outputs/<input>/<layer>.npy}.
 * Every array in it was computed by Keras; nothing here is produced by the Java side.
 */
public final class Fixture {
    public record Input(String name, String file, String description) {
    }

    public record LayerInfo(String name, String className, int[] outputShape) {
    }

    private final Path dir;
    private final JsonNode manifest;
    private final List<Input> inputs = new ArrayList<>();
    private final List<LayerInfo> layers = new ArrayList<>();

    private Fixture(Path dir, JsonNode manifest) {
        this.dir = dir;
        this.manifest = manifest;
        for (JsonNode in : manifest.path("inputs")) {
            inputs.add(new Input(in.path("name").asText(), in.path("file").asText(), in.path("description").asText("")));
        }
        for (JsonNode l : manifest.path("layers")) {
            int[] shape = new int[l.path("output_shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = l.path("output_shape").get(i).asInt();
            layers.add(new LayerInfo(l.path("name").asText(), l.path("class_name").asText(), shape));
        }
    }

    public static Fixture open(Path dir) throws IOException {
        Path m = dir.resolve("manifest.json");
        if (!Files.isRegularFile(m)) throw new IOException(dir + ": no manifest.json (not a fixture directory)");
        JsonNode manifest;
        try {
            manifest = new ObjectMapper().readTree(m.toFile());
        } catch (IOException e) {
            throw new IOException(m + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (manifest == null || !manifest.path("inputs").isArray() || !manifest.path("layers").isArray()) {
            throw new IOException(m + ": missing 'inputs' or 'layers'");
        }
        return new Fixture(dir, manifest);
    }

    /**
     * The fixture directory for a model file: {@code <fixturesRoot>/<id>} where {@code id} is the file
     * name without its Keras extension ({@code .h5}, {@code .keras}, {@code .weights.h5}, {@code .hdf5}).
     */
    public static Path defaultDirFor(Path modelFile, Path fixturesRoot) {
        return fixturesRoot.resolve(modelId(modelFile));
    }

    public static String modelId(Path modelFile) {
        String n = modelFile.getFileName().toString();
        for (String ext : new String[] {".weights.h5", ".keras", ".hdf5", ".h5", ".config.json", ".json"}) {
            if (n.endsWith(ext)) return n.substring(0, n.length() - ext.length());
        }
        return n;
    }

    public Path dir() {
        return dir;
    }

    public JsonNode manifest() {
        return manifest;
    }

    public String modelId() {
        return manifest.path("model_id").asText(dir.getFileName().toString());
    }

    public List<Input> inputs() {
        return inputs;
    }

    public List<LayerInfo> layers() {
        return layers;
    }

    /** "keras 3.15.1, tensorflow 2.21.0, numpy 2.x" from the manifest's generator block. */
    public String generatorSummary() {
        JsonNode g = manifest.path("generator");
        return String.format("keras %s, tensorflow %s, numpy %s (%s)", g.path("keras").asText("?"),
                g.path("tensorflow").asText("?"), g.path("numpy").asText("?"), g.path("script").asText("?"));
    }

    public Tensor input(Input in) throws IOException {
        return Npy.read(dir.resolve(in.file()));
    }

    public Tensor output(Input in, String layerName) throws IOException {
        return Npy.read(dir.resolve("outputs").resolve(in.name()).resolve(layerName + ".npy"));
    }

    public Tensor array(String relativePath) throws IOException {
        return Npy.read(dir.resolve(relativePath));
    }

    public boolean has(String relativePath) {
        return Files.exists(dir.resolve(relativePath));
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
