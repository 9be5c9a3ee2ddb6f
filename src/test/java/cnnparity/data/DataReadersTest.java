package cnnparity.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReadersTest {
    @TempDir
    Path tmp;

    static byte[] idxImages(int n, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w);
        b.putInt(0x803).putInt(n).putInt(h).putInt(w);
        for (int i = 0; i < n * h * w; i++) b.put((byte) (i * 7));
        return b.array();
    }

    static byte[] idxLabels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) b.put((byte) (i % 10));
        return b.array();
    }

    static void gz(Path p, byte[] data) throws Exception {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(data);
        }
    }

    @Test
    void idxDirectoryGzAndPlainReadTheSame() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        gz(a.resolve("train-images-idx3-ubyte.gz"), idxImages(12, 28, 28));
        gz(a.resolve("train-labels-idx1-ubyte.gz"), idxLabels(12));
        Files.write(b.resolve("train-images-idx3-ubyte"), idxImages(12, 28, 28));
        Files.write(b.resolve("train-labels-idx1-ubyte"), idxLabels(12));
        Dataset da = DataSets.load(a).train(), db = DataSets.load(b).train();
        assertEquals(12, da.size());
        assertArrayEquals(da.x().data, db.x().data);
        assertArrayEquals(new int[] {28, 28, 1}, da.sampleShape());
        assertEquals((byte) 7 & 0xff, Math.round(da.x().data[1] * 255));
        assertEquals(3, da.labels()[3]);
    }

    @Test
    void corruptIdxFilesGiveOneLineErrorsNamingTheFile() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("bad"));
        byte[] img = idxImages(5, 28, 28);
        Files.write(d.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(img, img.length - 10));
        Files.write(d.resolve("train-labels-idx1-ubyte"), idxLabels(5));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataSets.load(d));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("declares"), e.getMessage());
        // a header declaring a billion images in a small file is refused before allocating
        ByteBuffer huge = ByteBuffer.allocate(16).putInt(0x803).putInt(1_000_000_000).putInt(28).putInt(28);
        Files.write(d.resolve("train-images-idx3-ubyte"), huge.array());
        e = assertThrows(DataFormatException.class, () -> DataSets.load(d));
        assertTrue(e.getMessage().contains("over the limit") || e.getMessage().contains("declares"), e.getMessage());
        Files.write(d.resolve("train-images-idx3-ubyte"), idxImages(6, 28, 28));
        e = assertThrows(DataFormatException.class, () -> DataSets.load(d));
        assertTrue(e.getMessage().contains("6 images but 5 labels"), e.getMessage());
    }

    @Test
    void embeddedDigitsHaveTheRecordedClassCounts() {
        DataSets.Split s = DataSets.embeddedMnist();
        assertEquals(8000, s.train().size());
        assertEquals(2000, s.test().size());
        int[] all = new int[10];
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            int[] c = d.classCounts();
            for (int i = 0; i < 10; i++) all[i] += c[i];
        }
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, all, "PROVENANCE.md counts");
    }

    @Test
    void npzAndImageFoldersLoad() throws Exception {
        Path npz = tmp.resolve("mnist.npz");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
            for (String name : new String[] {"x_train", "y_train"}) {
                z.putNextEntry(new java.util.zip.ZipEntry(name + ".npy"));
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                cnnparity.verify.Npy.write(name.startsWith("x") ? cnnparity.nn.Tensor.zeros(3, 28, 28) : cnnparity.nn.Tensor.of(new float[] {1, 2, 3}, 3), b);
                z.write(b.toByteArray());
                z.closeEntry();
            }
        }
        Dataset d = DataSets.load(npz).train();
        assertEquals(3, d.size());
        assertEquals(2, d.labels()[1]);
        Path folders = tmp.resolve("folders");
        for (String label : new String[] {"cat", "dog"}) {
            Path dir = Files.createDirectories(folders.resolve(label));
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("a.png").toFile());
        }
        Dataset f = DataSets.load(folders).train();
        assertEquals(2, f.numClasses());
        assertArrayEquals(new int[] {8, 8, 1}, f.sampleShape());
    }

    @Test
    void mnistPreprocessingInvertsCropsAndCentresByMass() {
        // a dark stroke on white paper, off-centre, in a 100x60 picture
        BufferedImage img = new BufferedImage(60, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 60, 100);
        g.setColor(Color.BLACK);
        g.fillRect(5, 10, 12, 50);
        g.dispose();
        float[] f = ImagePreprocessor.mnistStyle(img);
        double mass = 0, cy = 0, cx = 0;
        int top = 28, bottom = -1, left = 28, right = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double v = f[y * 28 + x];
                mass += v;
                cy += v * (y + 0.5);
                cx += v * (x + 0.5);
                if (v > 0.1) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        assertTrue(f[0] < 0.01f, "background is black after inversion");
        assertTrue(Math.abs(cy / mass - 14) <= 1 && Math.abs(cx / mass - 14) <= 1, "centre of mass near (14, 14): " + cy / mass + ", " + cx / mass);
        assertTrue(bottom - top + 1 <= 21 && right - left + 1 <= 21, "ink fits 20x20");
        assertTrue(bottom - top + 1 >= 19, "the longer side is scaled to 20");
    }
}
