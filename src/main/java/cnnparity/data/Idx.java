package cnnparity.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a big-endian header
 * (magic 0x00000801 labels, 0x00000803 images), the dimensions, then unsigned bytes; plain or gzip.
 */
public final class Idx {
    /** Largest payload accepted (bytes), so a forged header cannot make us allocate gigabytes. */
    static final long MAX_BYTES = 1L << 30;

    private Idx() {
    }

    /** The dimensions and the bytes of an IDX file of unsigned bytes. */
    public record Array(int[] dims, byte[] data) {
    }

    public static Array read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(in, file.toString(), (b0 == 0x1f && b1 == 0x8b) ? -1 : Files.size(file));
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** @param fileSize the file's size when not compressed (checked against the header), or -1 */
    public static Array read(InputStream in, String what, long fileSize) throws IOException {
        byte[] head = in.readNBytes(4);
        if (head.length < 4 || head[0] != 0 || head[1] != 0) throw new DataFormatException(what + ": not an IDX file (bad magic)");
        if (head[2] != 0x08) throw new DataFormatException(what + ": IDX data type 0x" + Integer.toHexString(head[2] & 0xff) + " is not unsigned byte");
        int rank = head[3] & 0xff;
        if (rank < 1 || rank > 4) throw new DataFormatException(what + ": IDX rank " + rank + " not supported");
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) throw new DataFormatException(what + ": truncated IDX header");
        ByteBuffer bb = ByteBuffer.wrap(dimBytes);
        int[] dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = bb.getInt();
            if (dims[i] < 0) throw new DataFormatException(what + ": negative dimension in the IDX header");
            n *= dims[i];
            if (n > MAX_BYTES) throw new DataFormatException(what + ": IDX header declares " + n + "+ values, over the limit of " + MAX_BYTES);
        }
        if (fileSize >= 0 && fileSize != 4 + 4L * rank + n) {
            throw new DataFormatException(what + ": header declares " + n + " values but the file holds " + (fileSize - 4 - 4L * rank));
        }
        byte[] data = in.readNBytes((int) n);
        if (data.length != n) throw new DataFormatException(what + ": truncated: " + data.length + " of " + n + " values");
        if (in.read() != -1) throw new DataFormatException(what + ": data after the declared " + n + " values");
        return new Array(dims, data);
    }
}
