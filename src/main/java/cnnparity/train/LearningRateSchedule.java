package cnnparity.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * A learning rate as a function of the optimizer step: Keras's schedules
 * (keras/src/optimizers/schedules/learning_rate_schedule.py), computed in float32 as Keras does
 * (the schedule's dtype is that of {@code initial_learning_rate}, float32). The optimizer evaluates
 * it at {@code step = optimizer.iterations} before that step's update
 * (base_optimizer.py {@code _get_current_learning_rate}), so the first step sees step 0.
 */
public interface LearningRateSchedule {
    /** The learning rate at this optimizer step (the iteration count before the update). */
    float at(long step);

    /** A short human-readable description. */
    String describe();

    /**
     * The Keras form of this learning rate: a number for a constant (the float32 value, as
     * Keras's {@code get_config} writes {@code float(variable.numpy())}), otherwise
     * {@code {"module": "keras.optimizers.schedules", "class_name", "config", "registered_name"}}.
     */
    JsonNode toConfig();

    /** A constant learning rate (Keras keeps it in a float32 variable). */
    static LearningRateSchedule constant(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + lr);
        float v = (float) lr;
        return new LearningRateSchedule() {
            public float at(long step) {
                return v;
            }

            public String describe() {
                return Float.toString(v);
            }

            public JsonNode toConfig() {
                return DoubleNode.valueOf(v);
            }
        };
    }

    /**
     * ExponentialDecay: {@code p = step / decay_steps} (floored when staircase),
     * {@code initial_learning_rate * decay_rate ^ p}.
     */
    static LearningRateSchedule exponentialDecay(double initial, long decaySteps, double decayRate, boolean staircase) {
        positive("ExponentialDecay", decaySteps);
        float init = (float) initial, rate = (float) decayRate, steps = (float) decaySteps;
        return new LearningRateSchedule() {
            public float at(long step) {
                float p = (float) step / steps;
                if (staircase) p = (float) Math.floor(p);
                return init * (float) Math.pow(rate, p);
            }

            public String describe() {
                return "ExponentialDecay(" + initial + ", decay_steps=" + decaySteps + ", decay_rate=" + decayRate + ", staircase=" + staircase + ")";
            }

            public JsonNode toConfig() {
                ObjectNode c = Schedules.node("ExponentialDecay");
                ObjectNode k = (ObjectNode) c.get("config");
                k.put("initial_learning_rate", initial).put("decay_steps", decaySteps).put("decay_rate", decayRate)
                        .put("staircase", staircase).put("name", "ExponentialDecay");
                return c;
            }
        };
    }

    /** InverseTimeDecay: {@code p = step / decay_steps} (floored when staircase), {@code initial / (1 + decay_rate * p)}. */
    static LearningRateSchedule inverseTimeDecay(double initial, long decaySteps, double decayRate, boolean staircase) {
        positive("InverseTimeDecay", decaySteps);
        float init = (float) initial, rate = (float) decayRate, steps = (float) decaySteps;
        return new LearningRateSchedule() {
            public float at(long step) {
                float p = (float) step / steps;
                if (staircase) p = (float) Math.floor(p);
                return init / (1f + rate * p);
            }

            public String describe() {
                return "InverseTimeDecay(" + initial + ", decay_steps=" + decaySteps + ", decay_rate=" + decayRate + ", staircase=" + staircase + ")";
            }

            public JsonNode toConfig() {
                ObjectNode c = Schedules.node("InverseTimeDecay");
                ObjectNode k = (ObjectNode) c.get("config");
                k.put("initial_learning_rate", initial).put("decay_steps", decaySteps).put("decay_rate", decayRate)
                        .put("staircase", staircase).put("name", "InverseTimeDecay");
                return c;
            }
        };
    }

    /**
     * PiecewiseConstantDecay: {@code values[0]} while {@code step <= boundaries[0]},
     * {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]}, the last value after
     * the last boundary. Boundaries are cast to the step's integer type, as Keras does.
     */
    static LearningRateSchedule piecewiseConstant(long[] boundaries, double[] values) {
        if (values.length != boundaries.length + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay: the length of boundaries should be 1 less than the length of values (got "
                    + boundaries.length + " and " + values.length + ")");
        }
        long[] b = boundaries.clone();
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) v[i] = (float) values[i];
        return new LearningRateSchedule() {
            public float at(long step) {
                for (int i = 0; i < b.length; i++) if (step <= b[i]) return v[i];
                return v[v.length - 1];
            }

            public String describe() {
                return "PiecewiseConstantDecay(" + Arrays.toString(b) + ", " + Arrays.toString(values) + ")";
            }

            public JsonNode toConfig() {
                ObjectNode c = Schedules.node("PiecewiseConstantDecay");
                ObjectNode k = (ObjectNode) c.get("config");
                var ba = k.putArray("boundaries");
                for (long x : b) ba.add(x);
                var va = k.putArray("values");
                for (double x : values) va.add(x);
                k.put("name", "PiecewiseConstant");
                return c;
            }
        };
    }

    /**
     * PolynomialDecay: {@code (initial - end) * (1 - step/decay_steps)^power + end}, the step
     * capped at decay_steps; with cycle, decay_steps times {@code ceil(step / decay_steps)} (1 at step 0).
     */
    static LearningRateSchedule polynomialDecay(double initial, long decaySteps, double end, double power, boolean cycle) {
        positive("PolynomialDecay", decaySteps);
        float init = (float) initial, endF = (float) end, pow = (float) power, steps = (float) decaySteps;
        return new LearningRateSchedule() {
            public float at(long step) {
                float s = (float) step, ds = steps;
                if (cycle) {
                    float mult = s == 0 ? 1f : (float) Math.ceil(s / steps);
                    ds = ds * mult;
                } else {
                    s = Math.min(s, ds);
                }
                float p = s / ds;
                return (init - endF) * (float) Math.pow(1f - p, pow) + endF;
            }

            public String describe() {
                return "PolynomialDecay(" + initial + ", decay_steps=" + decaySteps + ", end_learning_rate=" + end + ", power=" + power + ", cycle=" + cycle + ")";
            }

            public JsonNode toConfig() {
                ObjectNode c = Schedules.node("PolynomialDecay");
                ObjectNode k = (ObjectNode) c.get("config");
                k.put("initial_learning_rate", initial).put("decay_steps", decaySteps).put("end_learning_rate", end)
                        .put("power", power).put("cycle", cycle).put("name", "PolynomialDecay");
                return c;
            }
        };
    }

    /** CosineDecay without warmup: from {@code initial} to {@code alpha * initial} over decay_steps. */
    static LearningRateSchedule cosineDecay(double initial, long decaySteps, double alpha) {
        return cosineDecay(initial, decaySteps, alpha, null, 0);
    }

    /**
     * CosineDecay: with {@code warmupTarget} null, {@code s = min(step, decay_steps)} and
     * {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)}. With a warmup
     * target, {@code s = min(step, decay_steps + warmup_steps)}; while {@code s < warmup_steps} a
     * linear ramp {@code (target - initial) * s / warmup_steps + initial}, then the cosine decay from
     * the target at {@code s - warmup_steps}.
     */
    static LearningRateSchedule cosineDecay(double initial, long decaySteps, double alpha, Double warmupTarget, long warmupSteps) {
        positive("CosineDecay", decaySteps);
        float init = (float) initial, ds = (float) decaySteps, ws = (float) warmupSteps;
        float oneMinusAlpha = (float) (1 - alpha), alphaF = (float) alpha, pi = (float) Math.PI;
        Float target = warmupTarget == null ? null : (float) (double) warmupTarget;
        return new LearningRateSchedule() {
            private float decay(float s, float from) {
                float completed = s / ds;
                float cos = 0.5f * (1f + (float) Math.cos(pi * completed));
                float decayed = oneMinusAlpha * cos + alphaF;
                return from * decayed;
            }

            public float at(long step) {
                float s = (float) step;
                if (target == null) return decay(Math.min(s, ds), init);
                s = Math.min(s, ds + ws);
                if (s < ws) return (target - init) * (s / ws) + init;
                return decay(s - ws, target);
            }

            public String describe() {
                return "CosineDecay(" + initial + ", decay_steps=" + decaySteps + ", alpha=" + alpha
                        + (warmupTarget != null ? ", warmup_target=" + warmupTarget + ", warmup_steps=" + warmupSteps : "") + ")";
            }

            public JsonNode toConfig() {
                ObjectNode c = Schedules.node("CosineDecay");
                ObjectNode k = (ObjectNode) c.get("config");
                k.put("initial_learning_rate", initial).put("decay_steps", decaySteps).put("alpha", alpha).put("name", "CosineDecay");
                if (warmupTarget == null) k.putNull("warmup_target");
                else k.put("warmup_target", warmupTarget);
                k.put("warmup_steps", warmupSteps);
                return c;
            }
        };
    }

    /**
     * A learning rate from Keras JSON: a number, or a serialized schedule
     * {@code {"class_name": "ExponentialDecay", "config": {...}}} (ExponentialDecay,
     * InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay). Null or missing: null.
     */
    static LearningRateSchedule fromConfig(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        if (v.isNumber()) return constant(v.asDouble());
        if (!v.isObject()) throw new IllegalArgumentException("unsupported learning rate " + v);
        String cls = v.path("class_name").asText("");
        JsonNode c = v.path("config");
        return switch (cls) {
            case "ExponentialDecay" -> exponentialDecay(Schedules.num(c, "initial_learning_rate", cls), Schedules.steps(c, "decay_steps", cls),
                    Schedules.num(c, "decay_rate", cls), c.path("staircase").asBoolean(false));
            case "InverseTimeDecay" -> inverseTimeDecay(Schedules.num(c, "initial_learning_rate", cls), Schedules.steps(c, "decay_steps", cls),
                    Schedules.num(c, "decay_rate", cls), c.path("staircase").asBoolean(false));
            case "PiecewiseConstantDecay" -> {
                JsonNode bs = c.path("boundaries"), vs = c.path("values");
                if (!bs.isArray() || !vs.isArray()) throw new IllegalArgumentException(cls + ": boundaries and values must be lists");
                long[] b = new long[bs.size()];
                for (int i = 0; i < b.length; i++) b[i] = bs.get(i).asLong();
                double[] vals = new double[vs.size()];
                for (int i = 0; i < vals.length; i++) vals[i] = vs.get(i).asDouble();
                yield piecewiseConstant(b, vals);
            }
            case "PolynomialDecay" -> polynomialDecay(Schedules.num(c, "initial_learning_rate", cls), Schedules.steps(c, "decay_steps", cls),
                    c.path("end_learning_rate").asDouble(1e-4), c.path("power").asDouble(1.0), c.path("cycle").asBoolean(false));
            case "CosineDecay" -> cosineDecay(Schedules.num(c, "initial_learning_rate", cls), Schedules.steps(c, "decay_steps", cls),
                    c.path("alpha").asDouble(0), c.hasNonNull("warmup_target") ? c.get("warmup_target").asDouble() : null,
                    c.path("warmup_steps").asLong(0));
            default -> throw new IllegalArgumentException("unsupported learning-rate schedule " + (cls.isEmpty() ? v.toString() : cls)
                    + " (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay)");
        };
    }

    private static void positive(String cls, long decaySteps) {
        if (decaySteps <= 0) throw new IllegalArgumentException(cls + ": decay_steps must be > 0, got " + decaySteps);
    }

    /** JSON helpers for the schedules. */
    final class Schedules {
        private Schedules() {
        }

        static ObjectNode node(String cls) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("module", "keras.optimizers.schedules");
            o.put("class_name", cls);
            o.putObject("config");
            o.putNull("registered_name");
            return o;
        }

        static double num(JsonNode c, String key, String cls) {
            JsonNode n = c.get(key);
            if (n == null || !n.isNumber()) throw new IllegalArgumentException(cls + ": config key '" + key + "' must be a number, got " + n);
            return n.asDouble();
        }

        static long steps(JsonNode c, String key, String cls) {
            return (long) num(c, key, cls);
        }
    }
}
