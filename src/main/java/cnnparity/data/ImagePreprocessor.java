package cnnparity.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns a photo or a drawing of a digit into what an MNIST model expects, the way the MNIST set
 * itself was made (yann.lecun.com/exdb/mnist): grayscale, white ink on black (inverted when the
 * picture is dark on light), cropped to the ink, scaled so the larger side is 20 pixels (aspect
 * kept, anti-aliased), placed in a 28x28 frame with its centre of mass at the centre, values in [0, 1].
 */
public final class ImagePreprocessor {
    private ImagePreprocessor() {
    }

    public static BufferedImage readImage(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) throw new DataFormatException(file + ": not a readable PNG/JPEG/BMP/GIF image");
            return img;
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read image (" + e.getMessage() + ")");
        }
    }

    /** Luminance in [0, 1] (Rec. 601 weights, alpha composited on white), resized to h x w, row-major. */
    public static float[] grayscaleResized(BufferedImage img, int h, int w) {
        BufferedImage src = img;
        if (img.getWidth() != w || img.getHeight() != h) {
            src = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            Graphics2D g = src.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
            g.dispose();
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = src.getRGB(x, y);
                float a = ((argb >>> 24) & 0xff) / 255f;
                float lum = (0.299f * ((argb >> 16) & 0xff) + 0.587f * ((argb >> 8) & 0xff) + 0.114f * (argb & 0xff)) / 255f;
                out[y * w + x] = a * lum + (1 - a); // transparent = white paper
            }
        }
        return out;
    }

    /** The MNIST preprocessing, for a 28x28x1 model. */
    public static float[] mnistStyle(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        float[] g = grayscaleResized(img, h, w);
        // ink is white in MNIST: invert when the border (the background) is light
        double border = 0;
        int count = 0;
        for (int x = 0; x < w; x++) {
            border += g[x] + g[(h - 1) * w + x];
            count += 2;
        }
        for (int y = 0; y < h; y++) {
            border += g[y * w] + g[y * w + w - 1];
            count += 2;
        }
        if (border / count > 0.5) for (int i = 0; i < g.length; i++) g[i] = 1 - g[i];
        // crop to the ink (values above a small threshold)
        int top = h, bottom = -1, left = w, right = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (g[y * w + x] > 0.1f) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        float[] frame = new float[28 * 28];
        if (bottom < 0) return frame; // blank image
        int ch = bottom - top + 1, cw = right - left + 1;
        double scale = 20.0 / Math.max(ch, cw);
        int nh = Math.max(1, (int) Math.round(ch * scale)), nw = Math.max(1, (int) Math.round(cw * scale));
        BufferedImage crop = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int v = Math.round(g[(top + y) * w + left + x] * 255);
                crop.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        float[] small = grayscaleResized(crop, nh, nw);
        // centre of mass of the scaled digit, moved to (14, 14) of the 28x28 frame
        double mass = 0, cy = 0, cx = 0;
        for (int y = 0; y < nh; y++) {
            for (int x = 0; x < nw; x++) {
                double v = small[y * nw + x];
                mass += v;
                cy += v * y;
                cx += v * x;
            }
        }
        int oy = (int) Math.round(14 - (mass > 0 ? cy / mass : nh / 2.0) - 0.5);
        int ox = (int) Math.round(14 - (mass > 0 ? cx / mass : nw / 2.0) - 0.5);
        for (int y = 0; y < nh; y++) {
            for (int x = 0; x < nw; x++) {
                int fy = y + oy, fx = x + ox;
                if (fy >= 0 && fy < 28 && fx >= 0 && fx < 28) frame[fy * 28 + fx] = small[y * nw + x];
            }
        }
        return frame;
    }
}
