package cnnparity.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code cnn-parity <command>}. Errors are one line on stderr; exit 2 when input can't be used. */
@Command(name = "cnn-parity", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"A hand-written CNN engine in Java, proven layer by layer and gradient by gradient against Keras.", ""},
        subcommands = {VerifyCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class, BenchCommand.class, FuzzCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  cnn-parity verify reference/simple_mnist_convnet.keras",
                "  cnn-parity summary my_model.h5",
                "  cnn-parity train"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("cnn-parity " + cmd.getCommandName() + ": error: " + oneLine(ex));
            if (System.getenv("CNN_PARITY_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return ExitCodes.CANNOT_LOAD;
        });
        return cl;
    }

    /** The message of an exception as one line, with its class when it has no message. */
    public static String oneLine(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) m = ex.getClass().getSimpleName();
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cnn-parity " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
