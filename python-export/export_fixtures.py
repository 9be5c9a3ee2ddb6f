"""Exports forward fixtures for the reference models: inputs and every layer's output, by Keras.

Usage: python export_fixtures.py --models reference/ --data ../shared/data/mnist --out fixtures/

Layout (fixtures/README.md): fixtures/<id>/manifest.json, inputs/<input>.npy,
outputs/<input>/<layer>.npy. Outputs are computed at inference (training=False) by a sub-model
keras.Model(model.inputs, [layer.output for layer in layers]).
"""
import argparse
import os
import sys

from common import (MODEL_IDS, PREPROCESSING, deterministic, keras, load_mnist, np, preprocess, save_json,
                    save_npy, versions, weight_short_name)

TEST_INDICES = [0, 1, 2, 3, 4, 7, 11, 18]  # fixed MNIST test images (labels 7 2 1 0 4 9 6 3)


def model_layers(model):
    """model.layers without the InputLayer (Functional models list it, Sequential ones do not)."""
    return [l for l in model.layers if not isinstance(l, keras.layers.InputLayer)]


def make_inputs(shape, data_dir, seed=7):
    """The fixture inputs: real test digits (when the shape allows), zeros, large values, noise."""
    rng = np.random.default_rng(seed)
    inputs = []
    if data_dir and tuple(shape) in PREPROCESSING:
        x, _ = load_mnist(data_dir, "test")
        images = preprocess(x[TEST_INDICES], shape)
        inputs.append(("test_images", images, "MNIST test images %s, %s" % (TEST_INDICES, PREPROCESSING[tuple(shape)])))
        inputs.append(("large", (images[:2] * 100.0).astype("float32"), "the first two test images scaled by 100"))
    else:
        inputs.append(("large", rng.uniform(0, 10, (2,) + tuple(shape)).astype("float32"), "uniform noise in [0, 10)"))
    inputs.append(("zeros", np.zeros((2,) + tuple(shape), "float32"), "all zeros"))
    inputs.append(("noise", rng.uniform(0, 1, (3,) + tuple(shape)).astype("float32"), "seeded uniform noise in [0, 1)"))
    return inputs


def export(model, out_dir, data_dir, model_id, reference_files, script, extra=None):
    layers = model_layers(model)
    shape = tuple(model.input_shape[1:])
    probe = keras.Model(model.inputs, [l.output for l in layers])
    manifest = {
        "format": 1, "model_id": model_id, "model_name": model.name,
        "model_class": model.__class__.__name__ if model.__class__.__name__ == "Sequential" else "Functional",
        "generator": versions(script), "reference_files": reference_files,
        "input_shape": list(shape), "preprocessing": PREPROCESSING.get(shape, "none (synthetic inputs)"),
        "inputs": [], "layers": [], "outputs": "outputs/<input>/<layer>.npy",
    }
    for l in layers:
        manifest["layers"].append({
            "name": l.name, "class_name": l.__class__.__name__,
            "output_shape": [int(d) for d in l.output.shape[1:]],
            "weights": [{"name": weight_short_name(w), "shape": [int(d) for d in w.shape]} for w in l.weights],
        })
    for name, x, desc in make_inputs(shape, data_dir):
        save_npy(os.path.join(out_dir, "inputs", name + ".npy"), x)
        manifest["inputs"].append({"name": name, "file": "inputs/%s.npy" % name, "shape": list(x.shape), "description": desc})
        outs = probe(x, training=False)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        for l, y in zip(layers, outs):
            save_npy(os.path.join(out_dir, "outputs", name, l.name + ".npy"), np.asarray(y))
    if extra:
        manifest.update(extra)
    save_json(os.path.join(out_dir, "manifest.json"), manifest)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", required=True, help="reference/ directory")
    p.add_argument("--data", required=True, help="MNIST IDX directory")
    p.add_argument("--out", required=True, help="fixtures/ directory")
    p.add_argument("--ids", default=",".join(MODEL_IDS))
    a = p.parse_args()
    import json
    training = {}
    tj = os.path.join(a.models, "training.json")
    if os.path.exists(tj):
        training = json.load(open(tj))["models"]
    ref_rel = os.path.basename(os.path.normpath(a.models))
    for model_id in a.ids.split(","):
        deterministic(1234)
        model = keras.saving.load_model(os.path.join(a.models, model_id + ".keras"))
        files = sorted(f for f in os.listdir(a.models) if f.startswith(model_id + "."))
        export(model, os.path.join(a.out, model_id), a.data, model_id, ["%s/%s" % (ref_rel, f) for f in files],
               "python-export/export_fixtures.py", {"training": training.get(model_id)})
        print("exported", model_id, flush=True)


if __name__ == "__main__":
    sys.exit(main())
