package cnnparity.verify;

import cnnparity.nn.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code verify} found: one row per layer (and per gradient when the fixture has them), the first
 * row that diverges, printed as a table or written as JSON.
 */
public final class VerifyReport {
    /** A row: a layer output, a weight gradient or an optimizer step. */
    public record Row(String section, String name, String className, String shape, Comparison comparison) {
    }

    private final String model;
    private final String format;
    private final String fixture;
    private final String generator;
    private final Tolerance tolerance;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public VerifyReport(String model, String format, String fixture, String generator, Tolerance tolerance) {
        this.model = model;
        this.format = format;
        this.fixture = fixture;
        this.generator = generator;
        this.tolerance = tolerance;
    }

    public void addForward(List<ForwardParity.LayerResult> results) {
        for (ForwardParity.LayerResult r : results) {
            rows.add(new Row("forward", r.name(), r.className(), Tensor.kerasShapeString(r.outputShape()), r.comparison()));
        }
    }

    public void add(Row row) {
        rows.add(row);
    }

    public void note(String line) {
        notes.add(line);
    }

    public List<Row> rows() {
        return rows;
    }

    public boolean passed() {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.comparison().passed());
    }

    public Row firstFailure() {
        return rows.stream().filter(r -> !r.comparison().passed()).findFirst().orElse(null);
    }

    public Row largestRelative() {
        Row best = null;
        for (Row r : rows) {
            if (best == null || r.comparison().maxRel() > best.comparison().maxRel()) best = r;
        }
        return best;
    }

    public void print(PrintWriter out) {
        out.println("model:     " + model + " (" + format + ")");
        out.println("fixture:   " + fixture);
        out.println("keras:     " + generator);
        out.println("tolerance: |java - keras| <= " + tolerance.atol() + " + " + tolerance.rtol() + " * |keras|");
        for (String n : notes) out.println("note:      " + n);
        String section = null;
        String fmt = "%-30s %-22s %-20s %12s %12s  %s%n";
        for (Row r : rows) {
            if (!r.section().equals(section)) {
                section = r.section();
                out.println();
                out.printf(fmt, header(section), "class", "shape", "max abs err", "max rel err", "result");
                out.println("-".repeat(110));
            }
            Comparison c = r.comparison();
            String result = c.passed() ? "ok" : (c.shapeMatches() ? "FAIL (" + c.mismatches() + " elements)" : "FAIL (shape)");
            if (c.nonFiniteJava() + c.nonFiniteKeras() > 0) {
                result += String.format(" non-finite: java %d, keras %d", c.nonFiniteJava(), c.nonFiniteKeras());
            }
            out.printf(fmt, clip(r.name(), 30), clip(r.className(), 22), clip(r.shape(), 20), num(c.maxAbs()), num(c.maxRel()), result);
        }
        out.println();
        Row first = firstFailure();
        if (first == null) {
            Row big = largestRelative();
            out.printf("PASS: all %d checks match Keras (largest relative error %.3g at %s '%s')%n", rows.size(),
                    big == null ? 0 : big.comparison().maxRel(), big == null ? "-" : big.section(), big == null ? "-" : big.name());
        } else {
            long failed = rows.stream().filter(r -> !r.comparison().passed()).count();
            out.printf("FAIL: %d of %d checks differ; first divergence at %s '%s' (%s)%n", failed, rows.size(),
                    first.section(), first.name(), first.className());
            out.println("  " + first.comparison().describe());
        }
    }

    private static String header(String section) {
        return switch (section) {
            case "forward" -> "layer (forward output)";
            case "loss" -> "loss";
            case "train-forward" -> "layer (training forward)";
            case "output-grad" -> "d loss / d layer output";
            case "weight-grad" -> "d loss / d weight";
            case "bn-update" -> "moving statistics after";
            case "input-grad" -> "d loss / d input";
            case "layer-backward" -> "each backward alone";
            default -> section;
        };
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3e", v);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    public ObjectNode toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("model", model);
        root.put("format", format);
        root.put("fixture", fixture);
        root.put("keras", generator);
        root.put("atol", tolerance.atol());
        root.put("rtol", tolerance.rtol());
        root.put("passed", passed());
        Row first = firstFailure();
        if (first != null) {
            root.put("first_divergence", first.name());
            root.put("first_divergence_section", first.section());
        } else {
            root.putNull("first_divergence");
        }
        ArrayNode ns = root.putArray("notes");
        notes.forEach(ns::add);
        ArrayNode arr = root.putArray("checks");
        for (Row r : rows) {
            Comparison c = r.comparison();
            ObjectNode o = arr.addObject();
            o.put("section", r.section());
            o.put("name", r.name());
            o.put("class_name", r.className());
            o.put("shape", r.shape());
            o.put("passed", c.passed());
            putNum(o, "max_abs_error", c.maxAbs());
            putNum(o, "max_rel_error", c.maxRel());
            o.put("mismatches", c.mismatches());
            o.put("worst_index", c.worstIndexString());
            putNum(o, "worst_java", c.javaValue());
            putNum(o, "worst_keras", c.kerasValue());
            o.put("non_finite_java", c.nonFiniteJava());
            o.put("non_finite_keras", c.nonFiniteKeras());
        }
        return root;
    }

    private static void putNum(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) o.put(k, v);
        else o.put(k, String.valueOf(v));
    }

    /** Writes the JSON report atomically: a temp file beside the target, then a rename. */
    public void writeJson(Path file) throws IOException {
        cnnparity.train.AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(toJson()));
    }
}
