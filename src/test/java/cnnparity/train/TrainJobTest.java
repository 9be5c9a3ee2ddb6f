package cnnparity.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnparity.cli.Main;
import cnnparity.keras.KerasModelLoader;
import cnnparity.nn.Model;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train job end to end, on a slice of the embedded digits: determinism, resume, failures. */
class TrainJobTest {
    @TempDir
    Path tmp;

    static final String[] QUICK = {"--preset", "mlp_256_128", "--limit", "600", "--batch-size", "64", "--validation-split", "0.2"};

    static int train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--output", out.toString()));
        args.addAll(List.of(QUICK));
        args.addAll(List.of(extra));
        PrintStream old = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        try {
            return Main.run(args.toArray(new String[0]));
        } finally {
            System.setOut(old);
        }
    }

    static float[] weights(Path modelFile) {
        Model m = KerasModelLoader.load(modelFile).model();
        int n = 0;
        for (var p : m.params()) n += p.value.size();
        float[] all = new float[n];
        int o = 0;
        for (var p : m.params()) {
            System.arraycopy(p.value.data, 0, all, o, p.value.size());
            o += p.value.size();
        }
        return all;
    }

    @Test
    void sameSeedSameWeightsAndOtherSeedOtherWeights() {
        assertEquals(0, train(tmp.resolve("a"), "--epochs", "2"));
        assertEquals(0, train(tmp.resolve("b"), "--epochs", "2"));
        assertEquals(0, train(tmp.resolve("c"), "--epochs", "2", "--seed", "99"));
        float[] a = weights(tmp.resolve("a/model.keras"));
        assertArrayEquals(a, weights(tmp.resolve("b/model.keras")), "same seed, same final weights");
        assertFalse(java.util.Arrays.equals(a, weights(tmp.resolve("c/model.keras"))), "another seed trains differently");
        assertArrayEquals(a, weights(tmp.resolve("a/model.h5")), ".h5 and .keras hold the same weights");
        for (String f : new String[] {"history.csv", "history.json", "history.png", "checkpoint.zip"}) {
            assertTrue(Files.isRegularFile(tmp.resolve("a").resolve(f)), f);
        }
    }

    @Test
    void resumeEndsWithTheWeightsOfAnUninterruptedRun() {
        assertEquals(0, train(tmp.resolve("full"), "--epochs", "3"));
        assertEquals(0, train(tmp.resolve("split"), "--epochs", "1"));
        assertEquals(0, train(tmp.resolve("split"), "--epochs", "3", "--resume"));
        assertArrayEquals(weights(tmp.resolve("full/model.keras")), weights(tmp.resolve("split/model.keras")));
    }

    @Test
    void aNanLossStopsWithExitThreeAndKeepsTheLastGoodCheckpoint() throws Exception {
        assertEquals(0, train(tmp.resolve("run"), "--epochs", "1"));
        byte[] good = Files.readAllBytes(tmp.resolve("run/checkpoint.zip"));
        PrintStream oldErr = System.err;
        int code = train(tmp.resolve("run"), "--epochs", "3", "--resume", "--lr", "1e30");
        assertEquals(3, code, "diverged");
        assertArrayEquals(good, Files.readAllBytes(tmp.resolve("run/checkpoint.zip")), "the last good checkpoint is untouched");
        assertEquals(1, Checkpoint.read(tmp.resolve("run/checkpoint.zip")).epochsDone());
        System.setErr(oldErr);
    }

    @Test
    void anUnwritableOutputIsRefusedBeforeTraining() throws Exception {
        Path file = tmp.resolve("not-a-dir");
        Files.writeString(file, "x");
        assertEquals(2, train(file.resolve("out"), "--epochs", "1"));
    }

    /** Kills a training process (Runtime.halt) halfway through writing a checkpoint, then resumes. */
    @Test
    void aKillDuringACheckpointWriteLosesNothing() throws Exception {
        Path out = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dcnnparity.test.crashInCheckpoint=2",
                "-cp", System.getProperty("java.class.path"), "cnnparity.cli.Main", "train", "--output", out.toString(), "--epochs", "3"));
        cmd.addAll(List.of(QUICK));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the training process ended");
        assertEquals(137, p.exitValue(), "it died during the second checkpoint: " + Files.readString(tmp.resolve("log.txt")));
        try (var s = Files.list(out)) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "a half-written temp file was left");
        }
        assertEquals(1, Checkpoint.read(out.resolve("checkpoint.zip")).epochsDone(), "the epoch-1 checkpoint still loads");
        assertEquals(0, train(out, "--epochs", "3", "--resume"));
        assertEquals(0, train(tmp.resolve("clean"), "--epochs", "3"));
        assertArrayEquals(weights(tmp.resolve("clean/model.keras")), weights(out.resolve("model.keras")), "resumed = uninterrupted");
    }
}
