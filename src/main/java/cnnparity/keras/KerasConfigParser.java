package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.layers.InputLayer;
import cnnparity.nn.layers.LayerRegistry;
import cnnparity.nn.layers.UnsupportedLayerException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras model config JSON to a {@link Model} (layers built, weights zero).
 *
 * <p>Accepts Keras 3 ({@code {"module","class_name","config":{"layers":[...]}}}), Keras 2 and
 * tf.keras ({@code {"class_name","config":{...}}}) and Keras <= 2.2 Sequential (a bare list of
 * layers). Functional models are accepted when their graph is a chain from one input to one
 * output; layers are then ordered along the chain. Unknown config keys are ignored, as Keras does.
 */
public final class KerasConfigParser {
    private KerasConfigParser() {
    }

    /** Largest activation per sample (values) a model may declare: 64 MB of floats. */
    static final long MAX_ACTIVATION = 1L << 24;

    public static Model parse(JsonNode root, String source) {
        return parse(root, source, Long.MAX_VALUE);
    }

    /** As {@link #parse(JsonNode, String)}, refusing (before allocating) a model with more than {@code maxParams} weights. */
    public static Model parse(JsonNode root, String source, long maxParams) {
        MAX_PARAMS.set(maxParams);
        try {
            return parseUnchecked(root, source);
        } finally {
            MAX_PARAMS.remove();
        }
    }

    private static final ThreadLocal<Long> MAX_PARAMS = ThreadLocal.withInitial(() -> Long.MAX_VALUE);

    private static Model parseUnchecked(JsonNode root, String source) {
        if (root == null || root.isMissingNode() || root.isNull()) throw new ModelLoadException(source + ": empty model config");
        if (root.isArray()) return sequential("sequential", root, null, source);
        String cls = root.path("class_name").asText("");
        JsonNode cfg = root.path("config");
        if (cls.equals("Sequential")) {
            JsonNode layers = cfg.isArray() ? cfg : cfg.path("layers");
            return sequential(cfg.path("name").asText("sequential"), layers, root.path("build_config"), source);
        }
        if (cls.equals("Functional") || cls.equals("Model")) return functional(cfg, source);
        if (cls.isEmpty()) throw new ModelLoadException(source + ": model config has no class_name");
        throw new ModelLoadException(source + ": model class " + cls + " is not supported (Sequential or Functional models only)");
    }

    private static Model sequential(String name, JsonNode layers, JsonNode buildConfig, String source) {
        if (!layers.isArray() || layers.isEmpty()) throw new ModelLoadException(source + ": model '" + name + "' has no layers");
        int[] inputShape = null;
        String inputName = "input_layer";
        List<Layer> built = new ArrayList<>();
        for (JsonNode spec : layers) {
            String cls = spec.path("class_name").asText("");
            ObjectNode cfg = layerConfig(spec, source);
            checkDtype(cfg, source);
            if (cls.equals("InputLayer")) {
                inputShape = InputLayer.shapeFromConfig(cfg);
                inputName = cfg.path("name").asText(inputName);
                continue;
            }
            if (inputShape == null && built.isEmpty()) {
                inputShape = InputLayer.shapeFromConfig(cfg); // Keras 2: batch_input_shape on the first layer
            }
            built.add(create(cls, cfg, source));
        }
        if (inputShape == null && buildConfig != null && buildConfig.path("input_shape").isArray()) {
            JsonNode s = buildConfig.path("input_shape");
            inputShape = new int[s.size() - 1];
            for (int i = 0; i < inputShape.length; i++) inputShape[i] = s.get(i + 1).isNull() ? -1 : s.get(i + 1).asInt();
        }
        return build(name, "Sequential", inputName, inputShape, built, source);
    }

    private static Model functional(JsonNode cfg, String source) {
        String name = cfg.path("name").asText("model");
        JsonNode layers = cfg.path("layers");
        if (!layers.isArray() || layers.isEmpty()) throw new ModelLoadException(source + ": model '" + name + "' has no layers");
        String input = singleEndpoint(cfg.path("input_layers"), "input", name, source);
        String output = singleEndpoint(cfg.path("output_layers"), "output", name, source);
        Map<String, JsonNode> byName = new HashMap<>();
        Map<String, String> next = new HashMap<>();
        for (JsonNode spec : layers) {
            String lname = spec.path("config").path("name").asText(spec.path("name").asText(""));
            byName.put(lname, spec);
            List<String> inbound = inboundLayers(spec.path("inbound_nodes"), lname, source);
            if (spec.path("class_name").asText().equals("InputLayer")) continue;
            if (inbound.size() != 1) {
                throw new ModelLoadException(source + ": layer '" + lname + "' (" + spec.path("class_name").asText() + ") has "
                        + inbound.size() + " inputs; only Functional models that are a single chain are supported");
            }
            if (next.put(inbound.get(0), lname) != null) {
                throw new ModelLoadException(source + ": layer '" + inbound.get(0) + "' feeds several layers; only Functional models that are a single chain are supported");
            }
        }
        JsonNode inSpec = byName.get(input);
        if (inSpec == null) throw new ModelLoadException(source + ": input layer '" + input + "' is not among the layers");
        ObjectNode inCfg = layerConfig(inSpec, source);
        int[] inputShape = InputLayer.shapeFromConfig(inCfg);
        List<Layer> built = new ArrayList<>();
        String cur = input;
        while (!cur.equals(output)) {
            String n = next.get(cur);
            if (n == null) throw new ModelLoadException(source + ": no path from input '" + input + "' to output '" + output + "'");
            JsonNode spec = byName.get(n);
            ObjectNode lc = layerConfig(spec, source);
            checkDtype(lc, source);
            built.add(create(spec.path("class_name").asText(), lc, source));
            cur = n;
            if (built.size() > byName.size()) throw new ModelLoadException(source + ": the layer graph has a cycle");
        }
        if (built.size() + 1 != byName.size()) {
            throw new ModelLoadException(source + ": model has layers outside the input-to-output chain; only single-chain Functional models are supported");
        }
        return build(name, "Functional", input, inputShape, built, source);
    }

    /** The names of the layers feeding this one: Keras 3 keras_history or Keras 2 [[name, 0, 0, {}]]. */
    private static List<String> inboundLayers(JsonNode nodes, String lname, String source) {
        List<String> out = new ArrayList<>();
        if (!nodes.isArray()) return out;
        if (nodes.size() > 1) throw new ModelLoadException(source + ": layer '" + lname + "' is called more than once (shared layers are not supported)");
        for (JsonNode node : nodes) {
            if (node.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
                collectHistory(node.path("args"), out);
            } else if (node.isArray()) { // Keras 2: [["input_1", 0, 0, {}], ...]
                for (JsonNode t : node) if (t.isArray() && t.size() >= 1) out.add(t.get(0).asText());
            }
        }
        return out;
    }

    private static void collectHistory(JsonNode n, List<String> out) {
        if (n.isObject()) {
            if ("__keras_tensor__".equals(n.path("class_name").asText()) && n.path("config").path("keras_history").isArray()) {
                out.add(n.path("config").path("keras_history").get(0).asText());
                return;
            }
            n.elements().forEachRemaining(e -> collectHistory(e, out));
        } else if (n.isArray()) {
            for (JsonNode e : n) collectHistory(e, out);
        }
    }

    private static String singleEndpoint(JsonNode v, String what, String model, String source) {
        // a flat triple ["name", 0, 0] or a list of triples [["name", 0, 0]]
        if (v.isArray() && v.size() == 3 && v.get(0).isTextual()) return v.get(0).asText();
        if (v.isArray() && v.size() == 1 && v.get(0).isArray() && v.get(0).size() >= 1) return v.get(0).get(0).asText();
        throw new ModelLoadException(source + ": model '" + model + "' must have exactly one " + what + " (" + what + "_layers = " + v + ")");
    }

    private static ObjectNode layerConfig(JsonNode spec, String source) {
        JsonNode c = spec.path("config");
        if (!c.isObject()) throw new ModelLoadException(source + ": a layer of class " + spec.path("class_name").asText("?") + " has no config");
        ObjectNode copy = ((ObjectNode) c).deepCopy();
        if (!copy.has("name") && spec.has("name")) copy.set("name", spec.get("name"));
        return copy;
    }

    private static void checkDtype(ObjectNode cfg, String source) {
        JsonNode d = cfg.get("dtype");
        if (d == null || d.isNull()) return;
        String name = d.isTextual() ? d.asText() : d.path("config").path("name").asText("float32");
        if (!name.equals("float32")) {
            throw new ModelLoadException(source + ": layer '" + cfg.path("name").asText("?") + "': config key 'dtype' is " + name + "; only float32 is supported");
        }
    }

    private static Layer create(String cls, ObjectNode cfg, String source) {
        if (cls.equals("Sequential") || cls.equals("Functional") || cls.equals("Model")) {
            throw new ModelLoadException(source + ": layer '" + cfg.path("name").asText("?") + "' is a nested " + cls + " model; nested models are not supported");
        }
        try {
            return LayerRegistry.create(cls, cfg);
        } catch (UnsupportedLayerException | IllegalArgumentException e) {
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static Model build(String name, String cls, String inputName, int[] inputShape, List<Layer> layers, String source) {
        if (inputShape == null) throw new ModelLoadException(source + ": model '" + name + "' declares no input shape");
        for (int d : inputShape) {
            if (d <= 0) throw new ModelLoadException(source + ": model '" + name + "' has a free input dimension " + java.util.Arrays.toString(inputShape) + "; only fixed input shapes are supported");
        }
        if (layers.isEmpty()) throw new ModelLoadException(source + ": model '" + name + "' has no layers besides its input");
        // sizes first, without allocating anything
        long params = 0;
        int[] shape = inputShape;
        if (cnnparity.nn.Tensor.numel(shape) > MAX_ACTIVATION) throw new ModelLoadException(source + ": input shape " + java.util.Arrays.toString(shape) + " is too large");
        for (Layer l : layers) {
            try {
                params += l.paramCountFor(shape);
                shape = l.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(source + ": " + e.getMessage(), e);
            }
            for (int d : shape) if (d <= 0) throw new ModelLoadException(source + ": layer '" + l.name() + "' has output shape " + java.util.Arrays.toString(shape));
            if (cnnparity.nn.Tensor.numel(shape) > MAX_ACTIVATION) {
                throw new ModelLoadException(source + ": layer '" + l.name() + "' output " + java.util.Arrays.toString(shape) + " exceeds " + MAX_ACTIVATION + " values per sample");
            }
            if (params > MAX_PARAMS.get()) {
                throw new ModelLoadException(source + ": layer '" + l.name() + "' brings the model to " + params
                        + " weights, more than the file can hold (" + MAX_PARAMS.get() + ")");
            }
        }
        try {
            return new Model(name, cls, inputName, inputShape, layers);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }
}
