package cnnparity.cli;

import cnnparity.keras.KerasModelLoader;
import cnnparity.keras.LoadedModel;
import cnnparity.verify.Fixture;
import cnnparity.verify.FixtureMaker;
import cnnparity.verify.ForwardParity;
import cnnparity.verify.Tolerance;
import cnnparity.verify.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Run a Keras model file in the Java engine and compare every layer with what Keras computed.",
                "Exit code: 0 all layers match, 1 a layer differs, 2 the model or fixture cannot be loaded."},
        footer = {"", "Examples:",
                "  cnn-parity verify reference/simple_mnist_convnet.keras",
                "  cnn-parity verify reference/edge_case_cnn.h5 --atol 1e-6 --rtol 1e-5 --json report.json",
                "  cnn-parity verify my_model.h5 --python ~/venvs/keras/bin/python   # makes the fixture with Keras",
                "  cnn-parity verify weights.weights.h5 --config model.json --fixture fixtures/my_model",
                "",
                "Fixture lookup: --fixture, else fixtures/<name> (project, model dir, its parent), else the cache",
                "~/.cache/cnn-parity/fixtures. Without one, python-export/make_fixture.py makes it when a Python",
                "with Keras is found (--python, CNN_PARITY_PYTHON, python3 on the PATH)."})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a .h5, .keras or .weights.h5 file")
    Path modelFile;

    @Option(names = "--config", paramLabel = "JSON", description = "architecture JSON for a weights-only file")
    Path config;

    @Option(names = "--fixture", paramLabel = "DIR", description = "fixture directory (manifest.json + .npy files)")
    Path fixtureDir;

    @Option(names = "--atol", defaultValue = "1e-5", description = "absolute tolerance (default: ${DEFAULT-VALUE})")
    double atol;

    @Option(names = "--rtol", defaultValue = "1e-4", description = "relative tolerance (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--json", paramLabel = "REPORT", description = "also write the report as JSON")
    Path json;

    @Option(names = "--python", paramLabel = "PY", description = "Python with Keras to make a missing fixture")
    String python;

    @Option(names = "--no-make-fixture", description = "never run Python; fail with the command to run instead")
    boolean noMake;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Tolerance tol = new Tolerance(atol, rtol);
        LoadedModel loaded = config == null ? KerasModelLoader.load(modelFile) : KerasModelLoader.load(modelFile, config);

        Path dir = fixtureDir;
        if (dir == null) dir = locateOrMakeFixture(loaded, out, err);
        if (dir == null) return ExitCodes.CANNOT_LOAD;
        Fixture fixture = Fixture.open(dir);

        VerifyReport report = new VerifyReport(modelFile.toString(), loaded.format(), dir.toString(),
                fixture.generatorSummary(), tol);
        for (String nf : loaded.nonFiniteWeights()) report.note("non-finite weights: " + nf);
        report.addForward(ForwardParity.run(loaded.model(), fixture, tol));
        // the gradient pass changes BatchNormalization statistics: run it on a fresh copy of the model
        if (cnnparity.verify.GradientParity.present(fixture)) {
            LoadedModel again = config == null ? KerasModelLoader.load(modelFile) : KerasModelLoader.load(modelFile, config);
            cnnparity.verify.GradientParity.addIfPresent(again.model(), fixture, tol, report);
        }
        report.print(out);
        out.flush();
        if (json != null) report.writeJson(json);
        return report.passed() ? ExitCodes.OK : ExitCodes.MISMATCH;
    }

    private Path locateOrMakeFixture(LoadedModel loaded, PrintWriter out, PrintWriter err) throws Exception {
        FixtureMaker maker = new FixtureMaker(FixtureMaker.projectHome());
        Path found = maker.find(modelFile);
        if (found != null) return found;
        Path target = FixtureMaker.cacheDirFor(modelFile);
        FixtureMaker.PythonChoice py = noMake ? null : FixtureMaker.choosePython(python);
        if (py == null || !Files.isRegularFile(maker.script())) {
            String cmd = String.join(" ", maker.command(python != null ? python : "python3", modelFile, config, target));
            err.println("cnn-parity verify: error: no fixture for " + modelFile + " and no Python with Keras"
                    + (noMake ? " (--no-make-fixture)" : "") + "; make one with: " + cmd);
            return null;
        }
        out.println("no fixture for " + modelFile + ": making one with Keras via " + py.executable() + " (" + py.source() + ")");
        out.flush();
        maker.make(py, modelFile, config, target);
        return target;
    }
}
