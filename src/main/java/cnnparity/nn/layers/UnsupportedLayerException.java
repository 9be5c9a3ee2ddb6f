package cnnparity.nn.layers;

/** A Keras layer class the engine does not implement (or refuses, like Lambda). */
public final class UnsupportedLayerException extends RuntimeException {
    public final String className;
    public final String layerName;

    public UnsupportedLayerException(String className, String layerName) {
        super(message(className, layerName));
        this.className = className;
        this.layerName = layerName;
    }

    private static String message(String className, String layerName) {
        if ("Lambda".equals(className)) {
            return "layer '" + layerName + "' is a Lambda layer: it holds serialized Python code, which cnn-parity"
                    + " never runs; replace it with a built-in layer";
        }
        return "layer '" + layerName + "' has unsupported class " + className + "; supported: "
                + LayerRegistry.supportedList();
    }
}
