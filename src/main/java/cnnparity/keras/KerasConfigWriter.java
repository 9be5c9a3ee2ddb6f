package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON side of writing a model for Keras: layer configs completed with Keras's defaults, the
 * model config in the two shapes Keras 3 writes (legacy HDF5 {@code model_config} and the
 * {@code .keras} {@code config.json}), and the training/compile configs.
 *
 * <p>What Keras 3.15.1 writes was read from files it saved (reference/*.h5, *.keras) and from
 * keras/src/saving/serialization_lib.py, keras/src/models/sequential.py, functional.py and
 * keras/src/legacy/saving/saving_utils.py:
 * <ul>
 *   <li>legacy HDF5: layers are {@code {"class_name","config"}} only (legacy serialization, no
 *       {@code module}/{@code registered_name}/{@code build_config}); Functional layers add
 *       {@code name} and {@code inbound_nodes}.</li>
 *   <li>{@code .keras}: every layer is {@code {"module":"keras.layers","class_name","config",
 *       "registered_name":null}} plus {@code build_config} for layers Keras tracks a build shape for;
 *       the model adds {@code build_config} and {@code compile_config}.</li>
 * </ul>
 * Layer configs written by Keras pass through untouched except for {@code shared_object_id}
 * (an in-process object id) and Keras 2 leftovers Keras 3 refuses ({@code batch_input_shape} on a
 * non-input layer, {@code alpha} of LeakyReLU, a string dtype).
 */
public final class KerasConfigWriter {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private KerasConfigWriter() {
    }

    // ------------------------------------------------------------------ layer configs

    /** {@code {"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null}}. */
    public static ObjectNode dtypePolicy() {
        ObjectNode d = F.objectNode();
        d.put("module", "keras");
        d.put("class_name", "DTypePolicy");
        d.set("config", F.objectNode().put("name", "float32"));
        d.set("registered_name", NullNode.getInstance());
        return d;
    }

    /** A built-in Keras initializer, serialized as Keras 3 does ({@code GlorotUniform}, {@code Zeros}, {@code Ones}). */
    static ObjectNode initializer(String className) {
        ObjectNode i = F.objectNode();
        i.put("module", "keras.initializers");
        i.put("class_name", className);
        ObjectNode c = F.objectNode();
        if (className.equals("GlorotUniform")) c.set("seed", NullNode.getInstance());
        i.set("config", c);
        i.set("registered_name", NullNode.getInstance());
        return i;
    }

    private static ArrayNode ints(int... v) {
        ArrayNode a = F.arrayNode();
        for (int x : v) a.add(x);
        return a;
    }

    private static final NullNode NULL = NullNode.getInstance();

    /**
     * Keras 3 defaults per class, in the order Keras's get_config writes the keys. Only keys that
     * every Keras 3 release accepts: newer optional keys (Dense quantization_config,
     * BatchNormalization renorm*, initializer input_axes) are left to their Keras defaults.
     * A null default marks a key Keras requires (no default exists).
     */
    private static Map<String, JsonNode> defaults(String cls) {
        Map<String, JsonNode> d = new LinkedHashMap<>();
        switch (cls) {
            case "Conv2D" -> {
                d.put("filters", null);
                d.put("kernel_size", null);
                d.put("strides", ints(1, 1));
                d.put("padding", F.textNode("valid"));
                d.put("data_format", F.textNode("channels_last"));
                d.put("dilation_rate", ints(1, 1));
                d.put("groups", F.numberNode(1));
                d.put("activation", F.textNode("linear"));
                d.put("use_bias", F.booleanNode(true));
                d.put("kernel_initializer", initializer("GlorotUniform"));
                d.put("bias_initializer", initializer("Zeros"));
                d.put("kernel_regularizer", NULL);
                d.put("bias_regularizer", NULL);
                d.put("activity_regularizer", NULL);
                d.put("kernel_constraint", NULL);
                d.put("bias_constraint", NULL);
            }
            case "Dense" -> {
                d.put("units", null);
                d.put("activation", F.textNode("linear"));
                d.put("use_bias", F.booleanNode(true));
                d.put("kernel_initializer", initializer("GlorotUniform"));
                d.put("bias_initializer", initializer("Zeros"));
                d.put("kernel_regularizer", NULL);
                d.put("bias_regularizer", NULL);
                d.put("kernel_constraint", NULL);
                d.put("bias_constraint", NULL);
            }
            case "MaxPooling2D", "AveragePooling2D" -> {
                d.put("pool_size", ints(2, 2));
                d.put("padding", F.textNode("valid"));
                d.put("strides", NULL); // filled from pool_size below, as Keras's get_config does
                d.put("data_format", F.textNode("channels_last"));
            }
            case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> {
                d.put("data_format", F.textNode("channels_last"));
                d.put("keepdims", F.booleanNode(false));
            }
            case "ZeroPadding2D" -> {
                ArrayNode p = F.arrayNode();
                p.add(ints(1, 1));
                p.add(ints(1, 1));
                d.put("padding", p);
                d.put("data_format", F.textNode("channels_last"));
            }
            case "Flatten" -> d.put("data_format", F.textNode("channels_last"));
            case "Reshape" -> d.put("target_shape", null);
            case "Dropout" -> {
                d.put("rate", F.numberNode(0.5)); // Keras requires rate; 0.5 is what the engine's Dropout assumes
                d.put("seed", NULL);
                d.put("noise_shape", NULL);
            }
            case "BatchNormalization" -> {
                d.put("axis", F.numberNode(-1));
                d.put("momentum", F.numberNode(0.99));
                d.put("epsilon", F.numberNode(0.001));
                d.put("center", F.booleanNode(true));
                d.put("scale", F.booleanNode(true));
                d.put("beta_initializer", initializer("Zeros"));
                d.put("gamma_initializer", initializer("Ones"));
                d.put("moving_mean_initializer", initializer("Zeros"));
                d.put("moving_variance_initializer", initializer("Ones"));
                d.put("beta_regularizer", NULL);
                d.put("gamma_regularizer", NULL);
                d.put("beta_constraint", NULL);
                d.put("gamma_constraint", NULL);
            }
            case "Activation" -> d.put("activation", F.textNode("linear"));
            case "ReLU" -> {
                d.put("max_value", NULL);
                d.put("negative_slope", F.numberNode(0.0));
                d.put("threshold", F.numberNode(0.0));
            }
            case "LeakyReLU" -> d.put("negative_slope", F.numberNode(0.3));
            case "Softmax" -> d.put("axis", F.numberNode(-1));
            case "ELU" -> d.put("alpha", F.numberNode(1.0));
            default -> {
                // a class added later: base keys plus whatever its config holds
            }
        }
        return d;
    }

    /** Keras 3 class names for the Keras 2 aliases the engine reads. */
    public static String canonicalClassName(String cls) {
        return switch (cls) {
            case "MaxPool2D" -> "MaxPooling2D";
            case "AvgPool2D" -> "AveragePooling2D";
            case "GlobalAvgPool2D" -> "GlobalAveragePooling2D";
            case "GlobalMaxPool2D" -> "GlobalMaxPooling2D";
            default -> cls;
        };
    }

    private static final Set<String> TUPLE2_KEYS = Set.of("kernel_size", "strides", "dilation_rate", "pool_size");
    /** Keras 2 keys on the first layer of a Sequential; the writer always emits an explicit InputLayer. */
    private static final Set<String> INPUT_SHAPE_KEYS = Set.of("batch_input_shape", "input_shape", "input_dim", "batch_size");

    /**
     * A layer config Keras 3.15.1 deserializes: {@code name}, {@code trainable}, {@code dtype}
     * (a DTypePolicy), then the class's keys in Keras's order, each taken from {@code config} when
     * present and from Keras's defaults otherwise, then any other keys of {@code config}
     * (newer Keras keys pass through). The argument is not modified.
     *
     * @throws IllegalArgumentException when a key Keras requires (filters, units, kernel_size,
     *                                  target_shape) is missing
     */
    public static ObjectNode completeLayerConfig(String className, ObjectNode config) {
        String cls = canonicalClassName(className);
        ObjectNode src = config == null ? F.objectNode() : stripSharedIds(config.deepCopy());
        String name = src.path("name").asText("");
        if (name.isEmpty()) name = KerasModelLoader.toSnakeCase(cls);

        ObjectNode out = F.objectNode();
        out.put("name", name);
        out.set("trainable", src.has("trainable") && src.get("trainable").isBoolean() ? src.get("trainable") : F.booleanNode(true));
        out.set("dtype", dtype(src.get("dtype")));

        if (cls.equals("LeakyReLU") && !src.has("negative_slope") && src.has("alpha")) {
            src.set("negative_slope", src.get("alpha"));
        }
        if (cls.equals("LeakyReLU")) src.remove("alpha");

        for (Map.Entry<String, JsonNode> e : defaults(cls).entrySet()) {
            String key = e.getKey();
            JsonNode v = src.get(key);
            if (v == null || (v.isNull() && e.getValue() != null && !e.getValue().isNull())) {
                if (e.getValue() == null) {
                    if (key.equals("strides")) continue;
                    throw new IllegalArgumentException("layer '" + name + "' (" + cls + "): config key '" + key + "' is required by Keras");
                }
                v = e.getValue().deepCopy();
            }
            out.set(key, normalize(cls, key, v));
        }
        if ((cls.equals("MaxPooling2D") || cls.equals("AveragePooling2D")) && out.path("strides").isNull()) {
            out.set("strides", out.get("pool_size").deepCopy()); // Keras: strides default to pool_size
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = src.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (out.has(key) || INPUT_SHAPE_KEYS.contains(key)) continue;
            out.set(key, normalize(cls, key, e.getValue()));
        }
        return out;
    }

    /** Values Keras accepts in several forms, written in the form Keras's get_config gives. */
    private static JsonNode normalize(String cls, String key, JsonNode v) {
        if (TUPLE2_KEYS.contains(key) && v.isIntegralNumber()) return ints(v.asInt(), v.asInt());
        if (cls.equals("ZeroPadding2D") && key.equals("padding")) {
            if (v.isIntegralNumber()) {
                ArrayNode p = F.arrayNode();
                p.add(ints(v.asInt(), v.asInt()));
                p.add(ints(v.asInt(), v.asInt()));
                return p;
            }
            if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber()) {
                ArrayNode p = F.arrayNode();
                p.add(ints(v.get(0).asInt(), v.get(0).asInt()));
                p.add(ints(v.get(1).asInt(), v.get(1).asInt()));
                return p;
            }
        }
        if (cls.equals("BatchNormalization") && key.equals("axis") && v.isArray() && v.size() == 1) return v.get(0);
        if (key.equals("activation") && v.isNull()) return F.textNode("linear");
        if (v.isObject() && !v.has("module") && v.has("class_name")) {
            String module = key.endsWith("_initializer") ? "keras.initializers"
                    : key.endsWith("_regularizer") ? "keras.regularizers"
                    : key.endsWith("_constraint") ? "keras.constraints" : null;
            if (module != null) { // Keras 2 form {"class_name","config"}: add what Keras 3 writes
                ObjectNode o = F.objectNode();
                o.put("module", module);
                o.set("class_name", v.get("class_name"));
                o.set("config", v.has("config") ? v.get("config") : F.objectNode());
                o.set("registered_name", NULL);
                return o;
            }
        }
        return v;
    }

    /** Only float32 runs in the engine: any dtype (string, DTypePolicy, tf.keras Policy) becomes the float32 policy. */
    private static JsonNode dtype(JsonNode d) {
        if (d != null && d.isObject() && "DTypePolicy".equals(d.path("class_name").asText())
                && "float32".equals(d.path("config").path("name").asText())) {
            ObjectNode p = dtypePolicy();
            if (d.has("module")) p.set("module", d.get("module"));
            return p;
        }
        return dtypePolicy();
    }

    /** Removes {@code shared_object_id} (an in-process object id Keras adds to .keras configs) everywhere. */
    static <T extends JsonNode> T stripSharedIds(T node) {
        if (node instanceof ObjectNode o) {
            o.remove("shared_object_id");
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) stripSharedIds(it.next());
        } else if (node instanceof ArrayNode a) {
            for (JsonNode e : a) stripSharedIds(e);
        }
        return node;
    }

    // ------------------------------------------------------------------ names

    /**
     * The names written for the model's layers (same order as {@link Model#layers()}): each
     * layer's own name, or Keras's automatic name (snake_case class name, then {@code _1},
     * {@code _2}, ...) when its config has none or the name is already taken. Keras refuses
     * duplicate names, and the weights are stored by these names.
     */
    public static List<String> layerNames(Model model) {
        Set<String> used = new HashSet<>();
        used.add(inputName(model));
        List<String> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            String n = l.config() == null ? "" : l.config().path("name").asText("");
            if (n.isEmpty() || used.contains(n)) {
                String base = KerasModelLoader.toSnakeCase(canonicalClassName(l.className()));
                n = base;
                for (int k = 1; used.contains(n); k++) n = base + "_" + k;
            }
            checkName(n, "layer");
            used.add(n);
            out.add(n);
        }
        return out;
    }

    static String inputName(Model model) {
        String n = model.inputName();
        return n == null || n.isEmpty() ? "input_layer" : n;
    }

    static void checkName(String n, String what) {
        if (n.contains("/")) throw new IllegalArgumentException(what + " name '" + n + "' contains '/', which Keras does not allow");
    }

    /**
     * The group keys of {@code model.weights.h5}: {@code layers/<key>}, the snake_case class name
     * with a per-class counter over {@code model.layers} (keras/src/saving/saving_lib.py
     * _save_container_state). A Functional model lists its InputLayer first, which takes
     * {@code input_layer}.
     */
    public static List<String> v3LayerKeys(Model model) {
        Map<String, Integer> used = new HashMap<>();
        if (isFunctional(model)) used.put("input_layer", 0);
        List<String> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            String base = KerasModelLoader.toSnakeCase(canonicalClassName(l.className()));
            Integer k = used.get(base);
            if (k == null) {
                used.put(base, 0);
                out.add(base);
            } else {
                used.put(base, k + 1);
                out.add(base + "_" + (k + 1));
            }
        }
        return out;
    }

    static boolean isFunctional(Model model) {
        return "Functional".equals(model.kerasClass()) || "Model".equals(model.kerasClass());
    }

    // ------------------------------------------------------------------ model configs

    private static ArrayNode batchShape(int[] sampleShape) {
        ArrayNode a = F.arrayNode();
        a.addNull();
        for (int d : sampleShape) {
            if (d > 0) a.add(d);
            else a.addNull();
        }
        return a;
    }

    /** Keras 3 InputLayer config; only the keys every Keras 3 release accepts. */
    private static ObjectNode inputLayerConfig(Model model) {
        ObjectNode c = F.objectNode();
        c.set("batch_shape", batchShape(model.inputShape()));
        c.put("dtype", "float32");
        c.put("sparse", false);
        c.put("name", inputName(model));
        return c;
    }

    /**
     * Classes whose serialized form carries {@code build_config} in a Keras 3.15.1 {@code .keras}
     * file (the layers that build from a shape); other layers get none, as Keras writes them.
     */
    private static boolean hasBuildConfig(Layer l) {
        if (!l.params().isEmpty()) return true;
        String c = canonicalClassName(l.className());
        return c.equals("Flatten") || c.equals("ZeroPadding2D");
    }

    /**
     * The model config. {@code legacyH5}: the {@code model_config} attribute of a legacy HDF5 file
     * ({@code {"class_name","config"}}); otherwise the {@code config.json} of a {@code .keras}
     * archive (what {@code keras.saving.serialize_keras_object(model)} gives), with
     * {@code compile_config} when {@code compileConfig} is not null.
     */
    public static ObjectNode modelConfig(Model model, boolean legacyH5, JsonNode compileConfig) {
        checkName(model.name(), "model");
        boolean functional = isFunctional(model);
        List<String> names = layerNames(model);
        String inName = inputName(model);
        List<Layer> layers = model.layers();

        ArrayNode specs = F.arrayNode();
        ObjectNode input = F.objectNode();
        if (!legacyH5) input.put("module", "keras.layers");
        input.put("class_name", "InputLayer");
        input.set("config", inputLayerConfig(model));
        if (!legacyH5) input.set("registered_name", NULL);
        if (functional) {
            input.put("name", inName);
            input.set("inbound_nodes", F.arrayNode());
        }
        specs.add(input);

        int[] shape = model.inputShape();
        String prev = inName;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String cls = canonicalClassName(l.className());
            ObjectNode cfg = completeLayerConfig(cls, l.config());
            cfg.put("name", names.get(i));
            ObjectNode spec = F.objectNode();
            if (!legacyH5) spec.put("module", "keras.layers");
            spec.put("class_name", cls);
            spec.set("config", cfg);
            if (!legacyH5) {
                spec.set("registered_name", NULL);
                if (hasBuildConfig(l)) spec.set("build_config", F.objectNode().set("input_shape", batchShape(shape)));
            }
            if (functional) {
                spec.put("name", names.get(i));
                ObjectNode history = F.objectNode();
                history.put("class_name", "__keras_tensor__");
                ObjectNode hc = F.objectNode();
                hc.set("shape", batchShape(shape));
                hc.put("dtype", "float32");
                ArrayNode kh = F.arrayNode();
                kh.add(prev).add(0).add(0);
                hc.set("keras_history", kh);
                history.set("config", hc);
                ObjectNode node = F.objectNode();
                node.set("args", F.arrayNode().add(history));
                node.set("kwargs", F.objectNode());
                spec.set("inbound_nodes", F.arrayNode().add(node));
            }
            specs.add(spec);
            shape = l.outputShape(shape);
            prev = names.get(i);
        }

        ObjectNode mc = F.objectNode();
        mc.put("name", model.name());
        mc.put("trainable", true);
        if (!functional) mc.set("dtype", dtypePolicy());
        mc.set("layers", specs);
        if (functional) {
            mc.set("input_layers", F.arrayNode().add(inName).add(0).add(0));
            mc.set("output_layers", F.arrayNode().add(prev).add(0).add(0));
        } else {
            mc.set("build_input_shape", batchShape(model.inputShape()));
        }

        ObjectNode root = F.objectNode();
        if (!legacyH5) root.put("module", functional ? "keras.src.models.functional" : "keras");
        root.put("class_name", functional ? "Functional" : "Sequential");
        root.set("config", mc);
        if (!legacyH5) {
            root.set("registered_name", functional ? F.textNode("Functional") : NULL);
            root.set("build_config", F.objectNode().set("input_shape", functional ? NULL : batchShape(model.inputShape())));
            if (compileConfig != null && !compileConfig.isNull()) root.set("compile_config", compileConfigForKeras(compileConfig));
        }
        return root;
    }

    // ------------------------------------------------------------------ training configs

    private static ObjectNode requireObject(JsonNode n, String what) {
        if (!(n instanceof ObjectNode o)) throw new IllegalArgumentException(what + " must be a JSON object, got " + n);
        return o.deepCopy();
    }

    /**
     * The {@code training_config} attribute of a legacy HDF5 file. Keras's loader
     * (compile_args_from_training_config) needs {@code optimizer_config} ({@code {"class_name",
     * "config"}}) and {@code loss_weights}; a Keras 3 compile_config (with {@code optimizer})
     * is converted.
     */
    public static ObjectNode trainingConfigForH5(JsonNode trainingConfig) {
        ObjectNode t = stripSharedIds(requireObject(trainingConfig, "training config"));
        if (!t.has("optimizer_config")) {
            JsonNode opt = t.get("optimizer");
            if (opt == null || opt.isNull()) {
                throw new IllegalArgumentException("training config has no 'optimizer_config' (or 'optimizer'): Keras cannot compile the model from it");
            }
            ObjectNode oc = F.objectNode();
            if (opt.isTextual()) {
                oc.put("class_name", opt.asText());
                oc.set("config", F.objectNode());
            } else {
                oc.set("class_name", opt.path("class_name"));
                oc.set("config", opt.has("config") ? opt.get("config") : F.objectNode());
            }
            t.set("optimizer_config", oc);
        }
        t.remove("optimizer");
        if (!t.has("loss_weights")) t.set("loss_weights", NULL);
        return t;
    }

    /**
     * The {@code compile_config} of a {@code .keras} file: the keyword arguments of
     * {@code model.compile}. A legacy training_config (with {@code optimizer_config}) is converted.
     */
    public static ObjectNode compileConfigForKeras(JsonNode compileConfig) {
        ObjectNode c = stripSharedIds(requireObject(compileConfig, "compile config"));
        JsonNode oc = c.remove("optimizer_config");
        if (oc != null && oc.isObject() && !c.has("optimizer")) {
            ObjectNode opt = F.objectNode();
            opt.put("module", "keras.optimizers");
            opt.set("class_name", oc.path("class_name"));
            opt.set("config", oc.has("config") ? oc.get("config") : F.objectNode());
            opt.set("registered_name", NULL);
            c.set("optimizer", opt);
        }
        return c;
    }
}
