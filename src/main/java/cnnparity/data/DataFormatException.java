package cnnparity.data;

/** A data file or directory that cannot be read; the message is one line naming it. */
public final class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message.replace('\n', ' '));
    }
}
