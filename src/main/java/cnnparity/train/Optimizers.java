package cnnparity.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Optimizers by name (for the CLI) or from a serialized Keras optimizer config. */
public final class Optimizers {
    private Optimizers() {
    }

    /**
     * {@code sgd}, {@code momentum} (SGD momentum 0.9), {@code nesterov} (SGD 0.9 Nesterov),
     * {@code adam}, {@code adamw}, {@code rmsprop} (case-insensitive, so Keras class names work);
     * {@code lr} null = the Keras default learning rate (0.01 for SGD, 1e-3 for the others).
     */
    public static Optimizer byName(String name, LearningRateSchedule lr) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SGD(orDefault(lr, 0.01), 0, false);
            case "momentum" -> new SGD(orDefault(lr, 0.01), 0.9, false);
            case "nesterov" -> new SGD(orDefault(lr, 0.01), 0.9, true);
            case "adam" -> new Adam(orDefault(lr, 1e-3), 0.9, 0.999, 1e-7, false);
            case "adamw" -> Adam.adamW(orDefault(lr, 1e-3), 0.004, 0.9, 0.999, 1e-7, false);
            case "rmsprop" -> new RMSprop(orDefault(lr, 1e-3), 0.9, 0, 1e-7, false);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (sgd, momentum, nesterov, adam, adamw, rmsprop)");
        };
    }

    /** As {@link #byName(String, LearningRateSchedule)} with a constant learning rate. */
    public static Optimizer byName(String name, double lr) {
        return byName(name, LearningRateSchedule.constant(lr));
    }

    /** As {@link #byName(String, LearningRateSchedule)} with Keras's default learning rate. */
    public static Optimizer byName(String name) {
        return byName(name, (LearningRateSchedule) null);
    }

    private static LearningRateSchedule orDefault(LearningRateSchedule lr, double dflt) {
        return lr != null ? lr : LearningRateSchedule.constant(dflt);
    }

    /**
     * An optimizer from Keras JSON: a name ({@code "adam"}, as compile_config may hold it), or
     * {@code {"class_name": "Adam", "config": {"learning_rate": ..., ...}}} as
     * {@code keras.optimizers.serialize} writes it (Keras 3 compile_config, legacy training_config's
     * optimizer_config, tf.keras 2's {@code "Custom>Adam"}, Keras 2.2's {@code lr}). The learning rate
     * may be a number or a serialized schedule. weight_decay, clipnorm, clipvalue and global_clipnorm
     * are supported; use_ema, loss_scale_factor, gradient_accumulation_steps and the legacy
     * {@code decay} are refused with a message.
     */
    public static Optimizer fromConfig(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) throw new IllegalArgumentException("no optimizer given");
        if (v.isTextual()) return byName(v.asText(), (LearningRateSchedule) null);
        String cls = v.path("class_name").asText("");
        if (cls.startsWith("Custom>")) cls = cls.substring("Custom>".length());
        JsonNode c = v.path("config");
        if (c.path("use_ema").asBoolean(false)) throw new IllegalArgumentException(cls + ": use_ema is not supported");
        if (c.hasNonNull("loss_scale_factor")) throw new IllegalArgumentException(cls + ": loss_scale_factor is not supported");
        if (c.hasNonNull("gradient_accumulation_steps")) throw new IllegalArgumentException(cls + ": gradient_accumulation_steps is not supported");
        if (c.hasNonNull("decay") && c.get("decay").asDouble() != 0) {
            throw new IllegalArgumentException(cls + ": the legacy 'decay' argument is not supported (Keras 3 ignores it; use a learning-rate schedule)");
        }
        JsonNode lrNode = c.has("learning_rate") ? c.get("learning_rate") : c.get("lr");
        LearningRateSchedule lr = LearningRateSchedule.fromConfig(lrNode);
        Optimizer opt = switch (cls) {
            case "SGD" -> new SGD(orDefault(lr, 0.01), c.path("momentum").asDouble(0), c.path("nesterov").asBoolean(false));
            case "Adam" -> new Adam(orDefault(lr, 1e-3), c.path("beta_1").asDouble(0.9), c.path("beta_2").asDouble(0.999),
                    epsilon(c), c.path("amsgrad").asBoolean(false));
            case "AdamW" -> {
                if (c.has("weight_decay") && c.get("weight_decay").isNull()) throw new IllegalArgumentException("AdamW: weight_decay must be a float, got null");
                yield Adam.adamW(orDefault(lr, 1e-3), c.path("weight_decay").asDouble(0.004), c.path("beta_1").asDouble(0.9),
                        c.path("beta_2").asDouble(0.999), epsilon(c), c.path("amsgrad").asBoolean(false));
            }
            case "RMSprop" -> new RMSprop(orDefault(lr, 1e-3), c.path("rho").asDouble(0.9), c.path("momentum").asDouble(0), epsilon(c),
                    c.path("centered").asBoolean(false));
            default -> throw new IllegalArgumentException("unsupported optimizer " + (cls.isEmpty() ? v.toString() : cls) + " (SGD, Adam, AdamW, RMSprop)");
        };
        if (!cls.equals("AdamW")) opt.setWeightDecay(number(c, "weight_decay"));
        opt.setClipnorm(number(c, "clipnorm"));
        opt.setClipvalue(number(c, "clipvalue"));
        opt.setGlobalClipnorm(number(c, "global_clipnorm"));
        return opt;
    }

    /** Keras 2 wrote epsilon null for "use keras.backend.epsilon()" (1e-7). */
    private static double epsilon(JsonNode c) {
        return c.hasNonNull("epsilon") ? c.get("epsilon").asDouble() : 1e-7;
    }

    private static Double number(JsonNode c, String key) {
        JsonNode n = c.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw new IllegalArgumentException("optimizer config key '" + key + "' must be a number, got " + n);
        return n.asDouble();
    }

    /** The names {@link #byName} accepts. */
    public static List<String> names() {
        return new ArrayList<>(List.of("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"));
    }
}
