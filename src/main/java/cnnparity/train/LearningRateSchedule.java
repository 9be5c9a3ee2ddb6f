package cnnparity.train;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keras learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py),
 * evaluated in float32 at {@code step = optimizer.iterations} before the step's update.
 */
public interface LearningRateSchedule {
    float at(long step);

    /** The Keras config ({@code {"class_name", "config"}}) of this schedule. */
    String describe();

    static LearningRateSchedule constant(double lr) {
        float v = (float) lr;
        return new LearningRateSchedule() {
            public float at(long step) {
                return v;
            }

            public String describe() {
                return Float.toString(v);
            }
        };
    }

    /** {@code initial * decay_rate ^ (step / decay_steps)}, the exponent floored when staircase. */
    static LearningRateSchedule exponentialDecay(double initial, long decaySteps, double decayRate, boolean staircase) {
        if (decaySteps <= 0) throw new IllegalArgumentException("ExponentialDecay: decay_steps must be > 0");
        float init = (float) initial, rate = (float) decayRate, steps = decaySteps;
        return new LearningRateSchedule() {
            public float at(long step) {
                float p = (float) step / steps;
                if (staircase) p = (float) Math.floor(p);
                return init * (float) Math.pow(rate, p);
            }

            public String describe() {
                return "ExponentialDecay(" + initial + ", decay_steps=" + decaySteps + ", decay_rate=" + decayRate + ", staircase=" + staircase + ")";
            }
        };
    }

    /** {@code initial / (1 + decay_rate * step / decay_steps)}, floored when staircase. */
    static LearningRateSchedule inverseTimeDecay(double initial, long decaySteps, double decayRate, boolean staircase) {
        float init = (float) initial, rate = (float) decayRate, steps = decaySteps;
        return new LearningRateSchedule() {
            public float at(long step) {
                float p = (float) step / steps;
                if (staircase) p = (float) Math.floor(p);
                return init / (1f + rate * p);
            }

            public String describe() {
                return "InverseTimeDecay(" + initial + ", decay_steps=" + decaySteps + ", decay_rate=" + decayRate + ")";
            }
        };
    }

    /** values[i] while step <= boundaries[i] (keras PiecewiseConstantDecay), the last value after. */
    static LearningRateSchedule piecewiseConstant(long[] boundaries, double[] values) {
        if (values.length != boundaries.length + 1) throw new IllegalArgumentException("PiecewiseConstantDecay: needs one more value than boundaries");
        return new LearningRateSchedule() {
            public float at(long step) {
                for (int i = 0; i < boundaries.length; i++) if (step <= boundaries[i]) return (float) values[i];
                return (float) values[values.length - 1];
            }

            public String describe() {
                return "PiecewiseConstantDecay(" + java.util.Arrays.toString(boundaries) + ", " + java.util.Arrays.toString(values) + ")";
            }
        };
    }

    /** Cosine decay to {@code alpha * initial} over decay_steps (no warmup). */
    static LearningRateSchedule cosineDecay(double initial, long decaySteps, double alpha) {
        return new LearningRateSchedule() {
            public float at(long step) {
                float s = Math.min(step, decaySteps);
                float cos = (float) (0.5 * (1 + Math.cos(Math.PI * s / decaySteps)));
                return (float) initial * ((1 - (float) alpha) * cos + (float) alpha);
            }

            public String describe() {
                return "CosineDecay(" + initial + ", decay_steps=" + decaySteps + ", alpha=" + alpha + ")";
            }
        };
    }

    /** A number, or a serialized schedule {@code {"class_name": "ExponentialDecay", "config": {...}}}. */
    static LearningRateSchedule fromConfig(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return constant(v.asDouble());
        String cls = v.path("class_name").asText("");
        JsonNode c = v.path("config");
        return switch (cls) {
            case "ExponentialDecay" -> exponentialDecay(c.path("initial_learning_rate").asDouble(), c.path("decay_steps").asLong(),
                    c.path("decay_rate").asDouble(), c.path("staircase").asBoolean(false));
            case "InverseTimeDecay" -> inverseTimeDecay(c.path("initial_learning_rate").asDouble(), c.path("decay_steps").asLong(),
                    c.path("decay_rate").asDouble(), c.path("staircase").asBoolean(false));
            case "PiecewiseConstantDecay" -> {
                long[] b = new long[c.path("boundaries").size()];
                for (int i = 0; i < b.length; i++) b[i] = c.path("boundaries").get(i).asLong();
                double[] vals = new double[c.path("values").size()];
                for (int i = 0; i < vals.length; i++) vals[i] = c.path("values").get(i).asDouble();
                yield piecewiseConstant(b, vals);
            }
            case "CosineDecay" -> {
                if (c.path("warmup_steps").asLong(0) != 0) throw new IllegalArgumentException("CosineDecay with warmup is not supported");
                yield cosineDecay(c.path("initial_learning_rate").asDouble(), c.path("decay_steps").asLong(), c.path("alpha").asDouble(0));
            }
            default -> throw new IllegalArgumentException("unsupported learning-rate schedule " + (cls.isEmpty() ? v.toString() : cls));
        };
    }
}
