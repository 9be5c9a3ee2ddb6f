package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Optimizer steps against (a) numbers worked out by hand, (b) the Keras 3 update rules written out
 * again here, independently, in float32 and in Keras's operation order (keras/src/optimizers/sgd.py,
 * adam.py, rmsprop.py, base_optimizer.py), which the implementation must match bit for bit, and
 * (c) the options of base_optimizer.py (weight decay, clipping) and the config parsing.
 */
class OptimizersTest {
    static Param param(String name, float... w) {
        return new Param(name, Tensor.of(w.clone(), w.length), true, null);
    }

    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    /** Steps one scalar param through these gradients; returns w after each step. */
    static double[] trajectory(Optimizer opt, double w0, double... grads) {
        Param p = param("kernel", (float) w0);
        double[] out = new double[grads.length];
        for (int i = 0; i < grads.length; i++) {
            p.grad.data[0] = (float) grads[i];
            opt.step(List.of(p));
            out[i] = p.value.data[0];
        }
        return out;
    }

    static LearningRateSchedule lr(double v) {
        return LearningRateSchedule.constant(v);
    }

    // ---- (a) by hand -------------------------------------------------------------------------

    /** w = 1, lr = 0.1, g = 0.5 then -0.2. */
    @Test
    void sgdByHand() {
        // plain: 1 - 0.05 = 0.95; 0.95 + 0.02 = 0.97
        assertArrayEquals(new double[] {0.95, 0.97}, trajectory(new SGD(lr(0.1), 0, false), 1, 0.5, -0.2), 1e-7);
        // momentum 0.9: m1 = -0.05, w1 = 0.95; m2 = -0.045 + 0.02 = -0.025, w2 = 0.925
        assertArrayEquals(new double[] {0.95, 0.925}, trajectory(new SGD(lr(0.1), 0.9, false), 1, 0.5, -0.2), 1e-7);
        // nesterov: w1 = 1 + 0.9*(-0.05) - 0.05 = 0.905; m2 = -0.025, w2 = 0.905 - 0.0225 + 0.02 = 0.9025
        assertArrayEquals(new double[] {0.905, 0.9025}, trajectory(new SGD(lr(0.1), 0.9, true), 1, 0.5, -0.2), 1e-7);
    }

    /** keras/src/optimizers/rmsprop.py docstring: lr 0.1, var 10, loss var^2/2 -> 9.683772 after one minimize. */
    @Test
    void rmspropDocstringExample() {
        RMSprop opt = new RMSprop(lr(0.1), 0.9, 0, 1e-7, false);
        Param p = param("kernel", 10f);
        p.grad.data[0] = p.value.data[0];
        opt.step(List.of(p));
        assertEquals(9.683772, p.value.data[0], 1e-6);
        // second step by hand: v = 0.9*10 + 0.1*9.683772^2 = 18.377544, w -= 0.1*9.683772/sqrt(v)
        p.grad.data[0] = p.value.data[0];
        opt.step(List.of(p));
        assertEquals(9.457880, p.value.data[0], 2e-6);
    }

    /**
     * Adam, lr 0.01, g = 0.5: m = 0.05, v = 0.00025, alpha = 0.01 sqrt(0.001)/0.1 = 0.00316228,
     * step = alpha m / (sqrt v + 1e-7) = 0.0099999368: w1 = 0.9900000632. Then g = -0.2, 0.3.
     */
    @Test
    void adamByHand() {
        double[] w = trajectory(new Adam(lr(0.01), 0.9, 0.999, 1e-7, false), 1, 0.5, -0.2, 0.3);
        assertArrayEquals(new double[] {0.9900000632, 0.9865440251, 0.9810996494}, w, 2e-7);
    }

    // ---- (b) the Keras rules, written out again in float32 ------------------------------------

    static final int N = 7;
    static final int STEPS = 4;

    static float[][] grads(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] g = new float[STEPS][N];
        for (float[] s : g) for (int i = 0; i < N; i++) s[i] = (float) r.nextDouble(-2, 2) * (i == 3 ? 1e-4f : 1f);
        // a large gradient then small ones, so AMSGrad's max(v_hat, v) matters
        g[0][5] = 30f;
        return g;
    }

    static float[] w0() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) w[i] = 0.1f * i - 0.3f;
        return w;
    }

    /** Runs the optimizer on one N-vector param; returns the weights after every step. */
    static float[][] run(Optimizer opt, float[][] g) {
        Param p = param("kernel", w0());
        float[][] out = new float[g.length][];
        for (int s = 0; s < g.length; s++) {
            System.arraycopy(g[s], 0, p.grad.data, 0, N);
            opt.step(List.of(p));
            out[s] = p.value.data.clone();
        }
        return out;
    }

    /** sgd.py update_step. */
    static float[][] sgdReference(float lr, float momentum, boolean nesterov, float[][] g) {
        float[] w = w0(), m = new float[N];
        float[][] out = new float[g.length][];
        for (int s = 0; s < g.length; s++) {
            for (int i = 0; i < N; i++) {
                if (momentum == 0) {
                    w[i] = w[i] - g[s][i] * lr;
                } else {
                    m[i] = m[i] * momentum - g[s][i] * lr;
                    w[i] = nesterov ? w[i] + (m[i] * momentum - g[s][i] * lr) : w[i] + m[i];
                }
            }
            out[s] = w.clone();
        }
        return out;
    }

    /** adam.py update_step; local_step = iterations + 1, powers in float32. */
    static float[][] adamReference(float lr, double b1, double b2, double eps, boolean amsgrad, float[][] g) {
        float[] w = w0(), m = new float[N], v = new float[N], vh = new float[N];
        float beta1 = (float) b1, beta2 = (float) b2, e = (float) eps, omb1 = (float) (1 - b1), omb2 = (float) (1 - b2);
        float[][] out = new float[g.length][];
        for (int s = 0; s < g.length; s++) {
            float step = s + 1;
            float p1 = (float) Math.pow(beta1, step), p2 = (float) Math.pow(beta2, step);
            float alpha = (float) (lr * (float) Math.sqrt(1f - p2)) / (1f - p1);
            for (int i = 0; i < N; i++) {
                float gi = g[s][i];
                m[i] = m[i] + (gi - m[i]) * omb1;
                v[i] = v[i] + (gi * gi - v[i]) * omb2;
                float vv = v[i];
                if (amsgrad) {
                    vh[i] = Math.max(vh[i], v[i]);
                    vv = vh[i];
                }
                w[i] = w[i] - (m[i] * alpha) / ((float) Math.sqrt(vv) + e);
            }
            out[s] = w.clone();
        }
        return out;
    }

    /** rmsprop.py update_step. */
    static float[][] rmspropReference(float lr, double rho, double momentum, double eps, boolean centered, float[][] g) {
        float[] w = w0(), vel = new float[N], mom = new float[N], avg = new float[N];
        float r = (float) rho, omr = (float) (1 - rho), mu = (float) momentum, e = (float) eps;
        float[][] out = new float[g.length][];
        for (int s = 0; s < g.length; s++) {
            for (int i = 0; i < N; i++) {
                float gi = g[s][i];
                vel[i] = r * vel[i] + omr * (gi * gi);
                float den;
                if (centered) {
                    avg[i] = r * avg[i] + omr * gi;
                    den = (vel[i] - avg[i] * avg[i]) + e;
                } else {
                    den = vel[i] + e;
                }
                float inc = (lr * gi) / (float) Math.sqrt(den);
                if (momentum > 0) {
                    mom[i] = mu * mom[i] + inc;
                    w[i] = w[i] - mom[i];
                } else {
                    w[i] = w[i] - inc;
                }
            }
            out[s] = w.clone();
        }
        return out;
    }

    static void assertSameTrajectory(float[][] want, float[][] got, String what) {
        for (int s = 0; s < want.length; s++) assertArrayEquals(want[s], got[s], 0f, what + " after step " + (s + 1));
    }

    @Test
    void sgdMatchesKerasRuleExactly() {
        float[][] g = grads(1);
        assertSameTrajectory(sgdReference(0.01f, 0, false, g), run(new SGD(lr(0.01), 0, false), g), "SGD");
        assertSameTrajectory(sgdReference(0.01f, 0.9f, false, g), run(new SGD(lr(0.01), 0.9, false), g), "SGD momentum");
        assertSameTrajectory(sgdReference(0.05f, 0.5f, true, g), run(new SGD(lr(0.05), 0.5, true), g), "SGD nesterov");
    }

    @Test
    void adamMatchesKerasRuleExactly() {
        float[][] g = grads(2);
        assertSameTrajectory(adamReference(1e-3f, 0.9, 0.999, 1e-7, false, g), run(new Adam(lr(1e-3), 0.9, 0.999, 1e-7, false), g), "Adam");
        assertSameTrajectory(adamReference(0.02f, 0.8, 0.99, 1e-4, false, g), run(new Adam(lr(0.02), 0.8, 0.99, 1e-4, false), g), "Adam custom");
        float[][] ams = adamReference(0.02f, 0.9, 0.999, 1e-7, true, g);
        assertSameTrajectory(ams, run(new Adam(lr(0.02), 0.9, 0.999, 1e-7, true), g), "AMSGrad");
        // AMSGrad differs from Adam here (v shrinks after the large first gradient)
        float[][] plain = adamReference(0.02f, 0.9, 0.999, 1e-7, false, g);
        assertTrue(plain[STEPS - 1][5] != ams[STEPS - 1][5]);
    }

    @Test
    void rmspropMatchesKerasRuleExactly() {
        float[][] g = grads(3);
        assertSameTrajectory(rmspropReference(1e-3f, 0.9, 0, 1e-7, false, g), run(new RMSprop(lr(1e-3), 0.9, 0, 1e-7, false), g), "RMSprop");
        assertSameTrajectory(rmspropReference(1e-2f, 0.8, 0.5, 1e-7, false, g), run(new RMSprop(lr(1e-2), 0.8, 0.5, 1e-7, false), g), "RMSprop momentum");
        assertSameTrajectory(rmspropReference(1e-2f, 0.9, 0, 1e-6, true, g), run(new RMSprop(lr(1e-2), 0.9, 0, 1e-6, true), g), "RMSprop centered");
        assertSameTrajectory(rmspropReference(1e-2f, 0.9, 0.9, 1e-7, true, g), run(new RMSprop(lr(1e-2), 0.9, 0.9, 1e-7, true), g), "RMSprop centered momentum");
    }

    // ---- schedules inside the optimizer ------------------------------------------------------

    /** The schedule is evaluated at iterations before the increment: the first step uses step 0. */
    @Test
    void scheduleIsEvaluatedAtIterationsBeforeTheUpdate() {
        SGD opt = new SGD(LearningRateSchedule.piecewiseConstant(new long[] {0, 1}, new double[] {1, 0.5, 0.25}), 0, false);
        assertEquals(1f, opt.currentLearningRate());
        double[] w = trajectory(opt, 0, 1, 1, 1, 1);
        // lr at steps 0, 1, 2, 3 = 1, 0.5, 0.25, 0.25
        assertArrayEquals(new double[] {-1, -1.5, -1.75, -2}, w, 0);
        assertEquals(4, opt.iterations());
        assertEquals(0.25f, opt.currentLearningRate());
    }

    // ---- (c) base_optimizer options ----------------------------------------------------------

    /** w -= w * wd * lr before the update, with the step's learning rate. */
    @Test
    void weightDecay() {
        SGD opt = new SGD(lr(0.1), 0, false);
        opt.setWeightDecay(0.5);
        // w = 1: decay to 1 - 1*0.5*0.1 = 0.95, then - 0.1*0.5 = 0.9
        assertArrayEquals(new double[] {0.9}, trajectory(opt, 1, 0.5), 1e-7);
        // Adam: decay, then the usual Adam step of the decayed weight
        Adam a = new Adam(lr(0.01), 0.9, 0.999, 1e-7, false);
        a.setWeightDecay(0.1);
        double[] adam = trajectory(new Adam(lr(0.01), 0.9, 0.999, 1e-7, false), 1 - 1 * 0.1 * 0.01, 0.5);
        assertArrayEquals(adam, trajectory(a, 1, 0.5), 1e-7);
        // AdamW = Adam + weight_decay 0.004 by default
        Optimizer w = Optimizers.byName("adamw");
        assertEquals("AdamW", w.name());
        assertEquals(0.004, w.weightDecay());
        // exclude_from_weight_decay(var_names=["bias"]) keeps biases
        SGD ex = new SGD(lr(0.1), 0, false);
        ex.setWeightDecay(0.5).excludeFromWeightDecay(List.of("bias"));
        Param k = param("kernel", 1f), b = param("bias", 1f);
        ex.step(List.of(k, b));
        assertEquals(0.95f, k.value.data[0], 1e-7f);
        assertEquals(1f, b.value.data[0]);
    }

    @Test
    void clipnormClipsEachVariable() {
        SGD opt = new SGD(lr(1), 0, false);
        opt.setClipnorm(1.0);
        Param a = param("kernel", 0f, 0f), b = param("bias", 0f, 0f);
        a.grad.data[0] = 3;
        a.grad.data[1] = 4;
        b.grad.data[0] = 0.3f;
        b.grad.data[1] = 0.4f;
        opt.step(List.of(a, b));
        assertArrayEquals(new float[] {-0.6f, -0.8f}, a.value.data, 1e-7f); // norm 5 -> 1
        assertArrayEquals(new float[] {-0.3f, -0.4f}, b.value.data, 0f); // norm 0.5 <= 1: unchanged
        assertArrayEquals(new float[] {3f, 4f}, a.grad.data, 0f); // the param's grad is not modified
        // an all-zero gradient stays zero (no NaN from 0/0)
        a.grad.fill(0);
        opt.step(List.of(a));
        assertArrayEquals(new float[] {-0.6f, -0.8f}, a.value.data, 1e-7f);
    }

    @Test
    void globalClipnormScalesAllTogether() {
        SGD opt = new SGD(lr(1), 0, false);
        opt.setGlobalClipnorm(2.0);
        Param a = param("kernel", 0f), b = param("bias", 0f);
        a.grad.data[0] = 6;
        b.grad.data[0] = 8;
        opt.step(List.of(a, b));
        // global norm 10 -> scale 2 * min(1/10, 1/2) = 0.2
        assertEquals(-1.2f, a.value.data[0], 1e-6f);
        assertEquals(-1.6f, b.value.data[0], 1e-6f);
        // a global norm under the limit leaves the gradients alone
        a.grad.data[0] = 0.3f;
        b.grad.data[0] = 0.4f;
        opt.step(List.of(a, b));
        assertEquals(-1.5f, a.value.data[0], 1e-6f);
        // an infinite gradient anywhere makes every update NaN: scale = c * min(1/inf, 1/c) + (inf - inf)
        b.grad.data[0] = Float.POSITIVE_INFINITY;
        opt.step(List.of(a, b));
        assertTrue(Float.isNaN(a.value.data[0]));
        Param c = param("kernel", 0f), d = param("bias", 0f);
        c.grad.data[0] = 1;
        d.grad.data[0] = Float.NaN;
        opt.step(List.of(c, d));
        assertTrue(Float.isNaN(c.value.data[0]));
    }

    @Test
    void clipvalueClipsElements() {
        SGD opt = new SGD(lr(1), 0, false);
        opt.setClipvalue(0.5);
        Param a = param("kernel", 0f, 0f, 0f);
        a.grad.data[0] = -2;
        a.grad.data[1] = 0.1f;
        a.grad.data[2] = 3;
        opt.step(List.of(a));
        assertArrayEquals(new float[] {0.5f, -0.1f, -0.5f}, a.value.data, 0f);
        assertThrows(IllegalArgumentException.class, () -> new SGD(lr(1), 0, false).setClipvalue(1.0).setClipnorm(1.0));
    }

    @Test
    void nonTrainableParamsAreSkipped() {
        Param moving = new Param("moving_mean", Tensor.of(new float[] {5f}, 1), false, null);
        Param k = param("kernel", 1f);
        k.grad.data[0] = 1;
        Adam opt = new Adam(lr(0.1), 0.9, 0.999, 1e-7, false);
        opt.step(List.of(k, moving));
        assertEquals(5f, moving.value.data[0]);
        assertNull(opt.slot(moving, 0));
        assertEquals(2, opt.state().size());
    }

    // ---- state ---------------------------------------------------------------------------------

    @Test
    void stateRoundTripContinuesIdenticallyForEveryOptimizer() {
        Optimizer[][] pairs = {
            {new SGD(lr(0.1), 0.9, true), new SGD(lr(0.1), 0.9, true)},
            {new Adam(lr(0.01), 0.9, 0.999, 1e-7, true), new Adam(lr(0.01), 0.9, 0.999, 1e-7, true)},
            {new RMSprop(lr(0.01), 0.9, 0.5, 1e-7, true), new RMSprop(lr(0.01), 0.9, 0.5, 1e-7, true)},
        };
        float[][] g = grads(7);
        for (Optimizer[] pair : pairs) {
            Optimizer a = pair[0], b = pair[1];
            Param p = param("kernel", w0());
            Param bias = param("bias", 1f, 2f);
            for (int s = 0; s < 2; s++) {
                System.arraycopy(g[s], 0, p.grad.data, 0, N);
                bias.grad.data[0] = g[s][0];
                a.step(List.of(p, bias));
            }
            Map<String, float[]> st = a.state();
            assertEquals(2 * a.slotNames().size(), st.size(), a.name());
            Param q = param("kernel", p.value.data), qb = param("bias", bias.value.data);
            b.loadState(List.of(q, qb), st, a.iterations());
            for (int s = 2; s < STEPS; s++) {
                System.arraycopy(g[s], 0, p.grad.data, 0, N);
                System.arraycopy(g[s], 0, q.grad.data, 0, N);
                bias.grad.data[0] = qb.grad.data[0] = g[s][1];
                a.step(List.of(p, bias));
                b.step(List.of(q, qb));
            }
            assertArrayEquals(p.value.data, q.value.data, 0f, a.name());
            assertArrayEquals(bias.value.data, qb.value.data, 0f, a.name());
            assertEquals(a.iterations(), b.iterations());
            // a state for another model is refused
            assertThrows(IllegalArgumentException.class, () -> b.loadState(List.of(q), st, 2));
            assertThrows(IllegalArgumentException.class, () -> b.loadState(List.of(qb, q), st, 2));
        }
        assertEquals(List.of("momentum", "velocity"), new Adam(lr(1), 0.9, 0.999, 1e-7, false).slotNames());
        assertEquals(List.of("velocity", "momentum", "average_gradient"), new RMSprop(lr(1), 0.9, 0.1, 1e-7, true).slotNames());
        assertEquals(List.of(), new SGD(lr(1), 0, false).slotNames());
    }

    // ---- configs -------------------------------------------------------------------------------

    /** Keras 3.x Adam.get_config() as compile_config holds it. */
    static final String KERAS3_ADAM = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adam\", \"config\": {\"name\": \"adam\","
            + " \"learning_rate\": 0.0020000000949949026, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null,"
            + " \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null,"
            + " \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"beta_1\": 0.8, \"beta_2\": 0.99,"
            + " \"epsilon\": 1e-06, \"amsgrad\": false}, \"registered_name\": null}";

    @Test
    void fromKerasConfig() throws Exception {
        float[][] g = grads(4);
        Optimizer adam = Optimizers.fromConfig(json(KERAS3_ADAM));
        assertInstanceOf(Adam.class, adam);
        assertSameTrajectory(adamReference(0.002f, 0.8, 0.99, 1e-6, false, g), run(adam, g), "Adam from config");

        // tf.keras 2.11+ "Custom>Adam", Keras 2.2 "lr", a schedule as learning rate
        Optimizer custom = Optimizers.fromConfig(json("{\"class_name\":\"Custom>Adam\",\"config\":{\"learning_rate\":0.002,\"beta_1\":0.8,"
                + "\"beta_2\":0.99,\"epsilon\":1e-6,\"amsgrad\":false,\"is_legacy_optimizer\":false,\"jit_compile\":true}}"));
        assertSameTrajectory(adamReference(0.002f, 0.8, 0.99, 1e-6, false, g), run(custom, g), "Custom>Adam");
        Optimizer legacy = Optimizers.fromConfig(json("{\"class_name\":\"SGD\",\"config\":{\"lr\":0.05,\"momentum\":0.5,\"decay\":0.0,\"nesterov\":true}}"));
        assertSameTrajectory(sgdReference(0.05f, 0.5f, true, g), run(legacy, g), "legacy SGD");
        Optimizer sched = Optimizers.fromConfig(json("{\"class_name\":\"RMSprop\",\"config\":{\"learning_rate\":{\"module\":\"keras.optimizers.schedules\","
                + "\"class_name\":\"ExponentialDecay\",\"config\":{\"initial_learning_rate\":0.01,\"decay_steps\":2,\"decay_rate\":0.5,\"staircase\":true},"
                + "\"registered_name\":null},\"rho\":0.9,\"momentum\":0.0,\"epsilon\":1e-07,\"centered\":false}}"));
        assertEquals(0.01f, sched.currentLearningRate());
        run(sched, g);
        assertEquals(0.0025f, sched.currentLearningRate()); // step 4: 0.01 * 0.5^2

        Optimizer clipped = Optimizers.fromConfig(json("{\"class_name\":\"SGD\",\"config\":{\"learning_rate\":1.0,\"clipvalue\":0.5,\"weight_decay\":null}}"));
        assertEquals(0.5, clipped.clipvalue());
        assertEquals(0.004, Optimizers.fromConfig(json("{\"class_name\":\"AdamW\",\"config\":{}}")).weightDecay());
        assertInstanceOf(Adam.class, Optimizers.fromConfig(json("\"adam\"")));

        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(json("{\"class_name\":\"Adam\",\"config\":{\"use_ema\":true}}")));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(json("{\"class_name\":\"Adam\",\"config\":{\"decay\":0.01}}")));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(json("{\"class_name\":\"Adagrad\",\"config\":{}}")));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(json("{\"class_name\":\"SGD\",\"config\":{\"momentum\":1.5}}")));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromConfig(json("{\"class_name\":\"SGD\",\"config\":{\"clipnorm\":1,\"clipvalue\":1}}")));
    }

    /** toConfig then fromConfig gives an optimizer that steps identically. */
    @Test
    void configRoundTrip() {
        float[][] g = grads(5);
        Optimizer[] opts = {
            new SGD(lr(0.03), 0.7, true).setClipnorm(1.5),
            Adam.adamW(LearningRateSchedule.cosineDecay(0.01, 3, 0.1), 0.01, 0.85, 0.995, 1e-6, true),
            new RMSprop(LearningRateSchedule.exponentialDecay(0.01, 2, 0.7, false), 0.8, 0.3, 1e-7, true).setGlobalClipnorm(2.0),
        };
        for (Optimizer o : opts) {
            Optimizer back = Optimizers.fromConfig(o.toConfig());
            assertEquals(o.name(), back.name());
            assertSameTrajectory(run(o, g), run(back, g), o.name() + " round trip");
        }
        assertEquals("keras.optimizers", opts[0].toConfig().path("module").asText());
        assertEquals(0.03f, (float) opts[0].toConfig().path("config").path("learning_rate").asDouble());
    }

    @Test
    void byName() {
        assertEquals(0.01f, Optimizers.byName("sgd").currentLearningRate());
        assertEquals(1e-3f, Optimizers.byName("Adam").currentLearningRate());
        assertEquals(0.5f, Optimizers.byName("rmsprop", 0.5).currentLearningRate());
        assertEquals(0.9f, ((SGD) Optimizers.byName("nesterov")).momentum);
        assertTrue(((SGD) Optimizers.byName("nesterov")).nesterov);
        assertThrows(IllegalArgumentException.class, () -> Optimizers.byName("lion"));
    }
}
