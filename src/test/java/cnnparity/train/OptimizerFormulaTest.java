package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnparity.nn.Param;
import cnnparity.nn.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimizer steps against the Keras 3 formulas written out independently (in double) here; the
 * Keras fixtures (GradientParityTest) check the same optimizers against real Keras trajectories.
 */
class OptimizerFormulaTest {
    static Param param(float w) {
        Param p = new Param("kernel", Tensor.of(new float[] {w}, 1), true, null);
        return p;
    }

    static double run(Optimizer opt, double w0, double[] grads) {
        Param p = param((float) w0);
        for (double g : grads) {
            p.grad.data[0] = (float) g;
            opt.step(List.of(p));
        }
        return p.value.data[0];
    }

    static final double[] G = {0.5, -0.2, 0.3};

    @Test
    void sgdPlainMomentumNesterov() {
        double w = 1, m = 0;
        for (double g : G) w -= 0.1 * g;
        assertEquals(w, run(new SGD(LearningRateSchedule.constant(0.1), 0, false), 1, G), 1e-6);
        w = 1;
        for (double g : G) {
            m = 0.9 * m - 0.1 * g;
            w += m;
        }
        assertEquals(w, run(new SGD(LearningRateSchedule.constant(0.1), 0.9, false), 1, G), 1e-6);
        w = 1;
        m = 0;
        for (double g : G) {
            m = 0.9 * m - 0.1 * g;
            w += 0.9 * m - 0.1 * g;
        }
        assertEquals(w, run(new SGD(LearningRateSchedule.constant(0.1), 0.9, true), 1, G), 1e-6);
    }

    @Test
    void adamWithEpsilonOnUncorrectedSqrtV() {
        double w = 1, m = 0, v = 0, lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        for (int t = 1; t <= G.length; t++) {
            double g = G[t - 1];
            double a = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            m += (g - m) * (1 - b1);
            v += (g * g - v) * (1 - b2);
            w -= a * m / (Math.sqrt(v) + eps);
        }
        assertEquals(w, run(new Adam(LearningRateSchedule.constant(0.01), b1, b2, eps, false), 1, G), 1e-6);
    }

    @Test
    void rmspropPlainAndCenteredWithMomentum() {
        double w = 1, v = 0, lr = 0.01, rho = 0.9, eps = 1e-7;
        for (double g : G) {
            v = rho * v + (1 - rho) * g * g;
            w -= lr * g / Math.sqrt(v + eps);
        }
        assertEquals(w, run(new RMSprop(LearningRateSchedule.constant(lr), rho, 0, eps, false), 1, G), 1e-6);
        w = 1;
        v = 0;
        double a = 0, mom = 0;
        for (double g : G) {
            v = rho * v + (1 - rho) * g * g;
            a = rho * a + (1 - rho) * g;
            mom = 0.5 * mom + lr * g / Math.sqrt(v - a * a + eps);
            w -= mom;
        }
        assertEquals(w, run(new RMSprop(LearningRateSchedule.constant(lr), rho, 0.5, eps, true), 1, G), 1e-5);
    }

    @Test
    void schedules() {
        LearningRateSchedule s = LearningRateSchedule.exponentialDecay(1e-3, 5, 0.5, true);
        assertEquals(1e-3, s.at(0), 1e-9);
        assertEquals(1e-3, s.at(4), 1e-9);
        assertEquals(5e-4, s.at(5), 1e-9);
        assertEquals(2.5e-4, s.at(10), 1e-9);
        LearningRateSchedule smooth = LearningRateSchedule.exponentialDecay(1e-3, 5, 0.5, false);
        assertEquals(1e-3 * Math.pow(0.5, 0.4), smooth.at(2), 1e-9);
        LearningRateSchedule pw = LearningRateSchedule.piecewiseConstant(new long[] {3, 6}, new double[] {1, 0.5, 0.1});
        assertEquals(1, pw.at(3), 0);
        assertEquals(0.5, pw.at(4), 0);
        assertEquals(0.1f, pw.at(7), 0);
        assertEquals(1e-3 / (1 + 0.5 * 2), LearningRateSchedule.inverseTimeDecay(1e-3, 10, 0.5, false).at(20), 1e-9);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Adam a = new Adam(LearningRateSchedule.constant(0.01), 0.9, 0.999, 1e-7, false);
        Param p = param(1f);
        p.grad.data[0] = 0.5f;
        a.step(List.of(p));
        Adam b = new Adam(LearningRateSchedule.constant(0.01), 0.9, 0.999, 1e-7, false);
        Param q = param(p.value.data[0]);
        b.loadState(List.of(q), a.state(), a.iterations());
        p.grad.data[0] = -0.3f;
        q.grad.data[0] = -0.3f;
        a.step(List.of(p));
        b.step(List.of(q));
        assertEquals(p.value.data[0], q.value.data[0], 0f);
    }
}
