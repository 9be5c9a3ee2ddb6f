package cnnparity.nn.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads Keras layer config values the way Keras accepts them (an int or a tuple for sizes,
 * {@code null} for "use the default"). Errors name the layer and the key.
 */
public final class Configs {
    private Configs() {
    }

    public static String name(ObjectNode c) {
        return c.path("name").asText("?");
    }

    public static boolean has(ObjectNode c, String key) {
        JsonNode v = c.get(key);
        return v != null && !v.isNull();
    }

    public static String string(ObjectNode c, String key, String dflt) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw bad(c, key, "expected a string, got " + v);
        return v.asText();
    }

    public static boolean bool(ObjectNode c, String key, boolean dflt) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw bad(c, key, "expected true/false, got " + v);
        return v.asBoolean();
    }

    public static int integer(ObjectNode c, String key, int dflt) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw bad(c, key, "expected an integer, got " + v);
        return v.asInt();
    }

    public static double number(ObjectNode c, String key, double dflt) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw bad(c, key, "expected a number, got " + v);
        double d = v.asDouble();
        if (!Double.isFinite(d)) throw bad(c, key, "expected a finite number, got " + v);
        return d;
    }

    /** An int or a list of {@code n} ints (Keras's {@code standardize_tuple}). */
    public static int[] tuple(ObjectNode c, String key, int n, int[] dflt) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) throw bad(c, key, "is required");
            return dflt.clone();
        }
        int[] out = new int[n];
        if (v.isIntegralNumber()) {
            java.util.Arrays.fill(out, v.asInt());
        } else if (v.isArray() && v.size() == n) {
            for (int i = 0; i < n; i++) {
                if (!v.get(i).isIntegralNumber()) throw bad(c, key, "expected integers, got " + v);
                out[i] = v.get(i).asInt();
            }
        } else {
            throw bad(c, key, "expected an integer or a list of " + n + " integers, got " + v);
        }
        return out;
    }

    /** A list of ints of any length (Reshape's target_shape). */
    public static int[] intList(ObjectNode c, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.isArray()) throw bad(c, key, "expected a list of integers, got " + v);
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isIntegralNumber()) throw bad(c, key, "expected integers, got " + v);
            out[i] = v.get(i).asInt();
        }
        return out;
    }

    /** The initializer config under {@code key} ({@code kernel_initializer}, ...), or the Keras default by name. */
    public static JsonNode initializer(ObjectNode c, String key, String dflt) {
        JsonNode v = c.get(key);
        return v != null && !v.isNull() ? v : com.fasterxml.jackson.databind.node.TextNode.valueOf(dflt);
    }

    /** Layers here run channels_last only; channels_first files are refused by name. */
    public static void requireChannelsLast(ObjectNode c) {
        String df = string(c, "data_format", "channels_last");
        if (!"channels_last".equals(df)) throw bad(c, "data_format", "only channels_last is supported, got " + df);
    }

    public static IllegalArgumentException bad(ObjectNode c, String key, String what) {
        return new IllegalArgumentException("layer '" + name(c) + "': config key '" + key + "' " + what);
    }
}
