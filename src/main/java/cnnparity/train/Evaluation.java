package cnnparity.train;

import cnnparity.data.Dataset;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import java.io.PrintStream;

/** Loss, accuracy, per-class precision/recall/F1 and the confusion matrix of a model on a data set. */
public final class Evaluation {
    public final double loss;
    public final double accuracy;
    public final int[][] confusion; // [true][predicted]
    public final int numClasses;

    private Evaluation(double loss, double accuracy, int[][] confusion) {
        this.loss = loss;
        this.accuracy = accuracy;
        this.confusion = confusion;
        this.numClasses = confusion.length;
    }

    public static Evaluation of(Model model, Dataset data, Loss loss, int batchSize) {
        int k = data.numClasses();
        int[] out = model.outputShape();
        if (out.length != 1 || out[0] != k) {
            throw new IllegalArgumentException("model " + model.name() + " outputs " + Tensor.kerasShapeString(out) + " but the data has " + k + " classes");
        }
        int[][] cm = new int[k][k];
        double lossSum = 0;
        int correct = 0;
        int[] idx = new int[data.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Tensor x = data.images(idx, from, to), y = data.oneHot(idx, from, to);
            Tensor p = model.forward(x, false);
            lossSum += Backprop.lossValue(model, loss, p, y) * (to - from); // as Keras: from the logits after a softmax
            for (int r = 0; r < to - from; r++) {
                int best = argmax(p.data, r * k, k);
                int truth = data.labels()[from + r];
                cm[truth][best]++;
                if (best == truth) correct++;
            }
        }
        return new Evaluation(lossSum / data.size(), (double) correct / data.size(), cm);
    }

    static int argmax(float[] v, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) if (v[off + j] > v[off + best]) best = j;
        return best;
    }

    public double precision(int c) {
        int tp = confusion[c][c], col = 0;
        for (int[] row : confusion) col += row[c];
        return col == 0 ? 0 : (double) tp / col;
    }

    public double recall(int c) {
        int row = 0;
        for (int v : confusion[c]) row += v;
        return row == 0 ? 0 : (double) confusion[c][c] / row;
    }

    public double f1(int c) {
        double p = precision(c), r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public void print(PrintStream out) {
        out.printf("loss: %.4f - accuracy: %.4f%n%n", loss, accuracy);
        out.printf("%-6s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support");
        for (int c = 0; c < numClasses; c++) {
            int support = 0;
            for (int v : confusion[c]) support += v;
            out.printf("%-6d %9.4f %9.4f %9.4f %8d%n", c, precision(c), recall(c), f1(c), support);
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted)");
        StringBuilder h = new StringBuilder("      ");
        for (int c = 0; c < numClasses; c++) h.append(String.format("%6d", c));
        out.println(h);
        for (int r = 0; r < numClasses; r++) {
            StringBuilder b = new StringBuilder(String.format("%6d", r));
            for (int c = 0; c < numClasses; c++) b.append(String.format("%6d", confusion[r][c]));
            out.println(b);
        }
    }
}
