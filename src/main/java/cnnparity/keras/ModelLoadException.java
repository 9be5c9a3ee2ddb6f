package cnnparity.keras;

/**
 * A model file that cannot be used. The message is one line that names the file and, where it
 * applies, the layer and the weight or config field: what {@code verify} prints before exiting 2.
 */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message.replace('\n', ' '));
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message.replace('\n', ' '), cause);
    }
}
