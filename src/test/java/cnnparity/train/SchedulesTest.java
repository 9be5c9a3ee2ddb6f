package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py) at chosen steps. */
class SchedulesTest {
    static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    static void at(LearningRateSchedule s, long step, double want) {
        assertEquals(want, s.at(step), 2e-6 * Math.abs(want) + 1e-10, s.describe() + " at step " + step);
    }

    @Test
    void exponentialDecay() {
        LearningRateSchedule stair = LearningRateSchedule.exponentialDecay(1e-3, 5, 0.5, true);
        at(stair, 0, 1e-3);
        at(stair, 4, 1e-3); // floor(4/5) = 0
        at(stair, 5, 5e-4); // the boundary itself is the next stair
        at(stair, 9, 5e-4);
        at(stair, 10, 2.5e-4);
        LearningRateSchedule smooth = LearningRateSchedule.exponentialDecay(1e-3, 5, 0.5, false);
        at(smooth, 2, 1e-3 * Math.pow(0.5, 0.4));
        at(smooth, 5, 5e-4);
        at(smooth, 12, 1e-3 * Math.pow(0.5, 2.4));
    }

    @Test
    void inverseTimeDecay() {
        LearningRateSchedule s = LearningRateSchedule.inverseTimeDecay(0.1, 10, 0.5, false);
        at(s, 0, 0.1);
        at(s, 5, 0.1 / 1.25);
        at(s, 20, 0.05);
        LearningRateSchedule stair = LearningRateSchedule.inverseTimeDecay(0.1, 10, 0.5, true);
        at(stair, 9, 0.1);
        at(stair, 19, 0.1 / 1.5);
        at(stair, 20, 0.05);
    }

    /** values[0] while step <= b0, values[1] while b0 < step <= b1, values[2] after. */
    @Test
    void piecewiseConstantDecay() throws Exception {
        LearningRateSchedule s = LearningRateSchedule.piecewiseConstant(new long[] {3, 6}, new double[] {1, 0.5, 0.1});
        at(s, 0, 1);
        at(s, 3, 1);
        at(s, 4, 0.5);
        at(s, 6, 0.5);
        at(s, 7, 0.1);
        at(s, 1_000_000, 0.1);
        // float boundaries are cast to the step's integer type (6.7 -> 6)
        LearningRateSchedule c = LearningRateSchedule.fromConfig(json(
                "{\"class_name\":\"PiecewiseConstantDecay\",\"config\":{\"boundaries\":[3.0,6.7],\"values\":[1.0,0.5,0.1],\"name\":\"PiecewiseConstant\"}}"));
        at(c, 6, 0.5);
        at(c, 7, 0.1);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.piecewiseConstant(new long[] {1}, new double[] {1}));
    }

    @Test
    void polynomialDecay() {
        LearningRateSchedule s = LearningRateSchedule.polynomialDecay(0.1, 10, 0.01, 0.5, false);
        at(s, 0, 0.1);
        at(s, 5, 0.09 * Math.sqrt(0.5) + 0.01);
        at(s, 10, 0.01);
        at(s, 25, 0.01); // capped at decay_steps
        LearningRateSchedule cyc = LearningRateSchedule.polynomialDecay(0.1, 10, 0.01, 0.5, true);
        at(cyc, 0, 0.1);
        at(cyc, 10, 0.01); // ceil(10/10) = 1
        at(cyc, 15, 0.09 * Math.sqrt(0.25) + 0.01); // decay_steps 20
        at(cyc, 11, 0.09 * Math.sqrt(1 - 11 / 20.0) + 0.01);
    }

    @Test
    void cosineDecay() {
        LearningRateSchedule s = LearningRateSchedule.cosineDecay(0.1, 100, 0.1);
        at(s, 0, 0.1);
        at(s, 50, 0.1 * (0.9 * 0.5 + 0.1));
        at(s, 25, 0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)) + 0.1));
        at(s, 100, 0.01);
        at(s, 150, 0.01); // capped at decay_steps (uncapped, cos(1.5 pi) would give 0.055)
        at(s, 500, 0.01);
        // warmup from 0 to 0.1 over 10 steps, then the cosine from 0.1 to 0 over 100
        LearningRateSchedule w = LearningRateSchedule.cosineDecay(0, 100, 0, 0.1, 10);
        at(w, 0, 0);
        at(w, 5, 0.05);
        at(w, 10, 0.1);
        at(w, 60, 0.05);
        at(w, 110, 0);
        at(w, 1000, 0);
        // warmup from 0.01: (target - initial) * s / warmup_steps + initial
        LearningRateSchedule w2 = LearningRateSchedule.cosineDecay(0.01, 100, 0, 0.1, 10);
        at(w2, 0, 0.01);
        at(w2, 5, 0.055);
    }

    @Test
    void fromConfigAndBack() throws Exception {
        String[] configs = {
            "{\"module\":\"keras.optimizers.schedules\",\"class_name\":\"ExponentialDecay\",\"config\":{\"initial_learning_rate\":0.1,"
                + "\"decay_steps\":7,\"decay_rate\":0.9,\"staircase\":true,\"name\":\"ExponentialDecay\"},\"registered_name\":null}",
            "{\"class_name\":\"InverseTimeDecay\",\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":3,\"decay_rate\":0.5}}",
            "{\"class_name\":\"PiecewiseConstantDecay\",\"config\":{\"boundaries\":[2,5],\"values\":[0.1,0.01,0.001]}}",
            "{\"class_name\":\"PolynomialDecay\",\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":8,\"end_learning_rate\":0.001,\"power\":2.0,\"cycle\":true}}",
            "{\"class_name\":\"CosineDecay\",\"config\":{\"initial_learning_rate\":0.0,\"decay_steps\":9,\"alpha\":0.05,\"warmup_target\":0.2,\"warmup_steps\":4}}",
        };
        for (String c : configs) {
            LearningRateSchedule s = LearningRateSchedule.fromConfig(json(c));
            LearningRateSchedule back = LearningRateSchedule.fromConfig(s.toConfig());
            for (long step = 0; step < 30; step++) assertEquals(s.at(step), back.at(step), 0f, c + " at " + step);
        }
        // ExponentialDecay from config, checked by hand at step 7 (one stair)
        at(LearningRateSchedule.fromConfig(json(configs[0])), 7, 0.09);
        at(LearningRateSchedule.fromConfig(json(configs[0])), 6, 0.1);

        LearningRateSchedule constant = LearningRateSchedule.fromConfig(json("0.001"));
        assertEquals(1e-3f, constant.at(123));
        assertTrue(constant.toConfig().isNumber());
        assertNull(LearningRateSchedule.fromConfig(null));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.fromConfig(json(
                "{\"class_name\":\"ExponentialDecay\",\"config\":{\"initial_learning_rate\":0.1,\"decay_steps\":0,\"decay_rate\":0.9}}")));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.fromConfig(json(
                "{\"class_name\":\"ExponentialDecay\",\"config\":{\"initial_learning_rate\":0.1,\"decay_rate\":0.9}}")));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.fromConfig(json(
                "{\"class_name\":\"CosineDecayRestarts\",\"config\":{\"initial_learning_rate\":0.1,\"first_decay_steps\":10}}")));
    }
}
