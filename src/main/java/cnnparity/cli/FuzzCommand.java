package cnnparity.cli;

import cnnparity.verify.LoaderFuzzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Load mutated copies of model files: each must give a model that runs or one clean error line.",
        footer = {"", "Examples:", "  cnn-parity fuzz --count 10000", "  cnn-parity fuzz --count 500 my_model.keras"})
public final class FuzzCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "seed files (default: every .h5/.keras in reference/)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--count", defaultValue = "2000")
    int count;

    @Option(names = "--seed", defaultValue = "2026")
    long seed;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "per-file time bound (default: ${DEFAULT-VALUE})")
    long timeout;

    @Override
    public Integer call() throws Exception {
        if (files.isEmpty()) {
            Path ref = cnnparity.verify.FixtureMaker.projectHome().resolve("reference");
            try (var s = Files.list(ref)) {
                s.filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras")).sorted().forEach(files::add);
            }
        }
        Path work = Files.createTempDirectory("cnn-parity-fuzz");
        long t0 = System.nanoTime();
        LoaderFuzzer.Report r = LoaderFuzzer.run(files, count, seed, timeout, work);
        System.out.printf("%s in %.0f s%n", r, (System.nanoTime() - t0) / 1e9);
        System.out.println("mutations: " + r.byMutation);
        r.problems.forEach(p -> System.out.println("  " + p));
        Files.deleteIfExists(work);
        return r.crashes + r.hangs + r.outOfMemory == 0 ? ExitCodes.OK : ExitCodes.MISMATCH;
    }
}
