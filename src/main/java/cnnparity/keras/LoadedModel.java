package cnnparity.keras;

import cnnparity.nn.Layer;
import cnnparity.nn.Model;
import cnnparity.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model read from a Keras file, with where it came from.
 *
 * @param format         {@code legacy-h5}, {@code keras-v3}, {@code weights-h5+config} or {@code legacy-weights-h5+config}
 * @param trainingConfig the compile settings stored in the file (legacy {@code training_config} or
 *                       {@code compile_config}), or null
 */
public record LoadedModel(Model model, Path file, String format, String kerasVersion, String backend, JsonNode trainingConfig) {
    /** "layer 'dense' weight 'kernel': 3 NaN, 1 infinite" for every weight holding non-finite values. */
    public List<String> nonFiniteWeights() {
        List<String> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            for (Param p : l.params()) {
                int nan = 0, inf = 0;
                for (float v : p.value.data) {
                    if (Float.isNaN(v)) nan++;
                    else if (Float.isInfinite(v)) inf++;
                }
                if (nan + inf > 0) out.add("layer '" + l.name() + "' weight '" + p.name + "': " + nan + " NaN, " + inf + " infinite");
            }
        }
        return out;
    }
}
