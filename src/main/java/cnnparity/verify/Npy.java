package cnnparity.verify;

import cnnparity.nn.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy {@code .npy} files (format 1.0/2.0/3.0), the format python-export dumps
 * every fixture array in, so a learner can open the same file with {@code np.load}.
 *
 * <p>Supported dtypes: {@code <f4}, {@code <f8} (read as float), {@code |u1}, {@code <i4},
 * {@code <i8} (read as float). C order only.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 64) throw new IOException(file + ": .npy file too large");
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    public static Tensor read(InputStream in, String what) throws IOException {
        try {
            return parse(in.readAllBytes());
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": " + e.getMessage());
        }
    }

    public static Tensor parse(byte[] bytes) {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U'
                || bytes[3] != 'M' || bytes[4] != 'P' || bytes[5] != 'Y') {
            throw new IllegalArgumentException("not a .npy file (bad magic)");
        }
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new IllegalArgumentException("truncated .npy header");
            headerLen = bb.getInt(8);
            offset = 12;
        } else {
            throw new IllegalArgumentException("unsupported .npy version " + major);
        }
        if (headerLen < 0 || offset + headerLen > bytes.length) throw new IllegalArgumentException("truncated .npy header");
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException("malformed .npy header: " + header.trim());
        if (f.group(1).equals("True")) throw new IllegalArgumentException("fortran_order arrays are not supported");
        String[] parts = s.group(1).split(",");
        int rank = 0;
        for (String p : parts) if (!p.isBlank()) rank++;
        int[] shape = new int[rank];
        int k = 0;
        for (String p : parts) {
            if (p.isBlank()) continue;
            shape[k++] = Integer.parseInt(p.trim());
        }
        long n = Tensor.numel(shape);
        String descr = d.group(1);
        int itemSize = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "|u1", "<u1", "|i1" -> 1;
            default -> throw new IllegalArgumentException("unsupported dtype " + descr);
        };
        int data = offset + headerLen;
        if ((long) bytes.length - data != n * itemSize) {
            throw new IllegalArgumentException("expected " + n * itemSize + " data bytes for shape "
                    + Tensor.shapeString(shape) + " " + descr + ", found " + (bytes.length - data));
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            int p = data + i * itemSize;
            out[i] = switch (descr) {
                case "<f4" -> bb.getFloat(p);
                case "<f8" -> (float) bb.getDouble(p);
                case "<i4" -> bb.getInt(p);
                case "<i8" -> bb.getLong(p);
                case "|i1" -> bytes[p];
                default -> bytes[p] & 0xff;
            };
        }
        return new Tensor(shape, out);
    }

    /** Writes a float32 C-order array with a version 1.0 header, as {@code np.save} does. */
    public static void write(Tensor t, OutputStream out) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.shape.length; i++) {
            shape.append(t.shape[i]);
            if (i < t.shape.length - 1 || t.shape.length == 1) shape.append(',');
            if (i < t.shape.length - 1) shape.append(' ');
        }
        shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.write(header.length() & 0xff);
        b.write((header.length() >> 8) & 0xff);
        b.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer bb = ByteBuffer.allocate(t.data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(t.data);
        b.write(bb.array());
        b.writeTo(out);
    }
}
