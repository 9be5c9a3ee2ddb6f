package cnnparity.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Optimizers by name (for the CLI) or from a serialized Keras optimizer config. */
public final class Optimizers {
    private Optimizers() {
    }

    /** {@code sgd}, {@code momentum} (SGD 0.9), {@code nesterov}, {@code adam}, {@code rmsprop}; lr null = Keras default. */
    public static Optimizer byName(String name, LearningRateSchedule lr) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SGD(lr != null ? lr : LearningRateSchedule.constant(0.01), 0, false);
            case "momentum" -> new SGD(lr != null ? lr : LearningRateSchedule.constant(0.01), 0.9, false);
            case "nesterov" -> new SGD(lr != null ? lr : LearningRateSchedule.constant(0.01), 0.9, true);
            case "adam" -> new Adam(lr != null ? lr : LearningRateSchedule.constant(1e-3), 0.9, 0.999, 1e-7, false);
            case "rmsprop" -> new RMSprop(lr != null ? lr : LearningRateSchedule.constant(1e-3), 0.9, 0, 1e-7, false);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (sgd, momentum, nesterov, adam, rmsprop)");
        };
    }

    /** {@code {"class_name": "Adam", "config": {"learning_rate": ..., ...}}} as keras.optimizers.serialize writes it. */
    public static Optimizer fromConfig(JsonNode v) {
        String cls = v.path("class_name").asText("");
        JsonNode c = v.path("config");
        for (String unsupported : new String[] {"weight_decay", "clipnorm", "clipvalue", "global_clipnorm"}) {
            if (c.hasNonNull(unsupported) && c.get(unsupported).asDouble() != 0) {
                throw new IllegalArgumentException(cls + ": config key '" + unsupported + "' is not supported");
            }
        }
        if (c.path("use_ema").asBoolean(false)) throw new IllegalArgumentException(cls + ": use_ema is not supported");
        LearningRateSchedule lr = LearningRateSchedule.fromConfig(c.get("learning_rate"));
        return switch (cls) {
            case "SGD" -> new SGD(lr != null ? lr : LearningRateSchedule.constant(0.01), c.path("momentum").asDouble(0), c.path("nesterov").asBoolean(false));
            case "Adam" -> new Adam(lr != null ? lr : LearningRateSchedule.constant(1e-3), c.path("beta_1").asDouble(0.9),
                    c.path("beta_2").asDouble(0.999), c.path("epsilon").asDouble(1e-7), c.path("amsgrad").asBoolean(false));
            case "RMSprop" -> new RMSprop(lr != null ? lr : LearningRateSchedule.constant(1e-3), c.path("rho").asDouble(0.9),
                    c.path("momentum").asDouble(0), c.path("epsilon").asDouble(1e-7), c.path("centered").asBoolean(false));
            default -> throw new IllegalArgumentException("unsupported optimizer " + (cls.isEmpty() ? v.toString() : cls) + " (SGD, Adam, RMSprop)");
        };
    }
}
