package cnnparity.train;

import cnnparity.keras.KerasConfigParser;
import cnnparity.nn.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Architectures to train from scratch, as Keras config JSON (src/main/resources/cnnparity/presets/). */
public final class Presets {
    public static final List<String> NAMES = List.of("simple_mnist_convnet", "tutorial_cnn", "lenet5", "mlp_128", "mlp_256_128");

    private Presets() {
    }

    public static JsonNode config(String name) {
        try (InputStream in = Presets.class.getResourceAsStream("/cnnparity/presets/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("unknown preset '" + name + "' (presets: " + String.join(", ", NAMES) + ")");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " unreadable", e);
        }
    }

    public static String description(String name) {
        return config(name).path("description").asText("");
    }

    public static Model build(String name) {
        return KerasConfigParser.parse(config(name), "preset " + name);
    }
}
