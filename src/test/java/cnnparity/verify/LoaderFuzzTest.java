package cnnparity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 mutated model files derived from the reference files (seed 2026): each must load into a
 * model that runs, or fail with one clean line naming the file, within 10 s. No crash, no hang, no
 * out-of-memory. scripts/fuzz-loaders runs any number.
 */
class LoaderFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void twoThousandMutatedFilesEndCleanly() throws Exception {
        List<Path> seeds = List.of(Path.of("reference/simple_mnist_convnet.h5"), Path.of("reference/simple_mnist_convnet.keras"),
                Path.of("reference/simple_mnist_convnet.weights.h5"), Path.of("reference/edge_case_cnn.h5"),
                Path.of("reference/edge_case_cnn.keras"), Path.of("reference/functional_cnn.h5"), Path.of("reference/functional_cnn.keras"));
        LoaderFuzzer.Report r = LoaderFuzzer.run(seeds, 2000, 2026, 10_000, tmp);
        System.out.println("loader fuzz: " + r + " " + r.byMutation);
        r.problems.stream().limit(20).forEach(p -> System.out.println("  " + p));
        assertEquals(2000, r.tried);
        assertEquals(0, r.crashes, "crashes: " + r.problems);
        assertEquals(0, r.hangs, "hangs: " + r.problems);
        assertEquals(0, r.outOfMemory, "out of memory: " + r.problems);
        assertEquals(r.tried, r.cleanErrors + r.successes, "every file ends in a model that runs or a clean error");
        assertTrue(r.cleanErrors > 500, "structural damage must be detected, not loaded: " + r);
    }
}
