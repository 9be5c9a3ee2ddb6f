package cnnparity.train;

import java.io.PrintStream;

/**
 * Keras's per-epoch progress line ({@code keras/src/utils/progbar.py}):
 * {@code 37/63 ━━━━━━━━━━━━━━━━━━━━ 3s 52ms/step - accuracy: 0.9312 - loss: 0.2345}, redrawn in
 * place on a terminal, printed once per epoch otherwise (logs, CI).
 */
public final class ProgressBar {
    private final PrintStream out;
    private final int total;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long lastDraw;

    public ProgressBar(PrintStream out, int total, boolean interactive) {
        this.out = out;
        this.total = total;
        this.interactive = interactive;
    }

    public void update(int step, String metrics) {
        if (!interactive) return;
        long now = System.nanoTime();
        if (step < total && now - lastDraw < 100_000_000L) return; // at most 10 redraws a second
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double eta = step > 0 ? elapsed / step * (total - step) : 0;
        out.print("\r" + line(step, step < total ? String.format("ETA: %s", time(eta)) : time(elapsed), metrics) + "\u001b[K");
        out.flush();
    }

    /** The final line of the epoch (always printed). */
    public void finish(String metrics) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        String per = String.format("%s %.0fms/step", time(elapsed), 1000 * elapsed / Math.max(1, total));
        out.print((interactive ? "\r" : "") + line(total, per, metrics) + (interactive ? "\u001b[K" : "") + "\n");
        out.flush();
    }

    private String line(int step, String timing, String metrics) {
        int width = 20;
        int done = total == 0 ? width : (int) ((long) step * width / total);
        String w = String.valueOf(total);
        return String.format("%" + w.length() + "d/%s %s%s %s - %s", step, w, "━".repeat(done), " ".repeat(width - done), timing, metrics);
    }

    static String time(double s) {
        if (s < 60) return String.format("%.0fs", s);
        return String.format("%dm%02ds", (int) s / 60, (int) s % 60);
    }
}
