package cnnparity.cli;

/** Exit codes shared by all commands, so a CI job can gate on them. */
public final class ExitCodes {
    /** Everything matched / the job finished. */
    public static final int OK = 0;
    /** verify: at least one layer or gradient differs from Keras beyond the tolerance. */
    public static final int MISMATCH = 1;
    /** The input could not be used: unreadable, corrupt or unsupported file, bad option value. */
    public static final int CANNOT_LOAD = 2;
    /** Wrong command-line usage (picocli's own code for invalid input). */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
