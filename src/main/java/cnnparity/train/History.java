package cnnparity.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch metrics, as Keras's History callback keeps them; written as CSV and JSON. */
public final class History {
    private final List<Map<String, Double>> epochs = new ArrayList<>();

    public void add(Map<String, Double> metrics) {
        epochs.add(new LinkedHashMap<>(metrics));
    }

    public List<Map<String, Double>> epochs() {
        return epochs;
    }

    public List<Double> series(String key) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Double> e : epochs) out.add(e.getOrDefault(key, Double.NaN));
        return out;
    }

    public void writeCsv(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        if (!epochs.isEmpty()) {
            b.append(String.join(",", epochs.get(0).keySet())).append('\n');
            for (Map<String, Double> e : epochs) {
                List<String> vals = new ArrayList<>();
                for (double v : e.values()) vals.add(v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v));
                b.append(String.join(",", vals)).append('\n');
            }
        }
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void writeJson(Path file) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        ArrayNode arr = root.putArray("epochs");
        for (Map<String, Double> e : epochs) {
            ObjectNode o = arr.addObject();
            e.forEach((k, v) -> {
                if (Double.isFinite(v)) o.put(k, v);
                else o.put(k, String.valueOf(v));
            });
        }
        AtomicFiles.write(file, m.writeValueAsBytes(root));
    }

    public static History readJson(Path file) throws IOException {
        History h = new History();
        for (var e : new ObjectMapper().readTree(file.toFile()).path("epochs")) {
            Map<String, Double> m = new LinkedHashMap<>();
            e.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().isNumber() ? f.getValue().asDouble() : Double.parseDouble(f.getValue().asText())));
            h.add(m);
        }
        return h;
    }
}
