package cnnparity.verify;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every fixture input through the Java model and compares every layer's output with Keras's.
 *
 * <p>Each layer is fed the Java output of the layer before it (not Keras's), as a user's model would
 * run; so the first failing layer is where the engines part, and later layers inherit the error.
 */
public final class ForwardParity {
    /** One layer over all fixture inputs. {@code comparison} is the worst over the inputs. */
    public record LayerResult(String name, String className, int[] outputShape, Comparison comparison,
                              Map<String, Comparison> perInput) {
        public boolean passed() {
            return comparison.passed();
        }
    }

    private ForwardParity() {
    }

    public static List<LayerResult> run(Model model, Fixture fixture, Tolerance tol) throws IOException {
        checkLayers(model, fixture);
        List<Layer> layers = model.layers();
        List<Map<String, Comparison>> per = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) per.add(new LinkedHashMap<>());
        for (Fixture.Input in : fixture.inputs()) {
            Tensor x = fixture.input(in);
            List<Tensor> outs = model.forwardAll(x, false);
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                Tensor keras = fixture.output(in, l.name());
                per.get(i).put(in.name(), Comparison.compare(l.name() + " [" + in.name() + "]", outs.get(i), keras, tol));
            }
        }
        List<LayerResult> results = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            results.add(new LayerResult(l.name(), l.className(), model.outputShapeAfter(i),
                    Comparison.worst(l.name(), per.get(i).values()), per.get(i)));
        }
        return results;
    }

    /** The model's layers and the fixture's must be the same, in the same order. */
    public static void checkLayers(Model model, Fixture fixture) {
        List<Layer> layers = model.layers();
        List<Fixture.LayerInfo> fl = fixture.layers();
        if (layers.size() != fl.size()) {
            throw new IllegalArgumentException("fixture " + fixture.dir() + " has " + fl.size() + " layers, model has "
                    + layers.size() + ": the fixture was made for another model");
        }
        for (int i = 0; i < fl.size(); i++) {
            if (!fl.get(i).name().equals(layers.get(i).name())) {
                throw new IllegalArgumentException("fixture " + fixture.dir() + " layer " + i + " is '" + fl.get(i).name()
                        + "', model has '" + layers.get(i).name() + "': the fixture was made for another model");
            }
        }
    }
}
