package cnnparity.nn.layers;

import cnnparity.nn.Layer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Keras class name to layer constructor. A new layer is one new file plus one line here.
 */
public final class LayerRegistry {
    private static final Map<String, Function<ObjectNode, Layer>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("InputLayer", InputLayer::new);
        FACTORIES.put("Conv2D", Conv2D::new);
        FACTORIES.put("Dense", Dense::new);
        FACTORIES.put("MaxPooling2D", MaxPooling2D::new);
        FACTORIES.put("AveragePooling2D", AveragePooling2D::new);
        FACTORIES.put("GlobalAveragePooling2D", GlobalAveragePooling2D::new);
        FACTORIES.put("GlobalMaxPooling2D", GlobalMaxPooling2D::new);
        FACTORIES.put("ZeroPadding2D", ZeroPadding2D::new);
        FACTORIES.put("Flatten", Flatten::new);
        FACTORIES.put("Reshape", Reshape::new);
        FACTORIES.put("Dropout", Dropout::new);
        FACTORIES.put("BatchNormalization", BatchNormalization::new);
        FACTORIES.put("Activation", Activation::new);
        FACTORIES.put("ReLU", ReLU::new);
        FACTORIES.put("LeakyReLU", LeakyReLU::new);
        FACTORIES.put("Softmax", Softmax::new);
        FACTORIES.put("ELU", ELU::new);
        // Keras 2 / tf.keras aliases of the same classes
        FACTORIES.put("MaxPool2D", MaxPooling2D::new);
        FACTORIES.put("AvgPool2D", AveragePooling2D::new);
        FACTORIES.put("GlobalAvgPool2D", GlobalAveragePooling2D::new);
        FACTORIES.put("GlobalMaxPool2D", GlobalMaxPooling2D::new);
    }

    private LayerRegistry() {
    }

    public static boolean isSupported(String className) {
        return FACTORIES.containsKey(className);
    }

    /** Sorted names of the supported Keras layer classes. */
    public static String supportedList() {
        return String.join(", ", new TreeSet<>(FACTORIES.keySet()));
    }

    /**
     * Builds a layer from its Keras class name and config.
     *
     * @throws UnsupportedLayerException for a class the engine does not implement
     * @throws IllegalArgumentException  for a config value the layer cannot honour (message names the key)
     */
    public static Layer create(String className, ObjectNode config) {
        Function<ObjectNode, Layer> f = FACTORIES.get(className);
        if (f == null) throw new UnsupportedLayerException(className, config.path("name").asText("?"));
        return f.apply(config);
    }
}
