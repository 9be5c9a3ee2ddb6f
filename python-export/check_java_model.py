"""Loads a model file written by cnn-parity (Java) in real Keras and checks that Keras predicts what
Java predicted.

Usage: python check_java_model.py MODEL_FILE [--inputs X.npy] [--expect Y.npy] [--atol 1e-5] [--rtol 1e-4]
       python check_java_model.py MODEL_FILE --data MNIST_DIR [--expect-accuracy ACC]
       options: [--config JSON] (needed for a .weights.h5) [--compile]

MODEL_FILE: a .keras or legacy .h5 written by cnnparity.keras.KerasModelWriter; a .weights.h5 is
loaded into the model its --config JSON (a config.json) describes. Loading uses safe_mode=True;
with --compile the stored training_config/compile_config is used too (it must be usable).

--inputs: float32 (N, ...) fed to model.predict; without it a seeded uniform batch of 4 is used.
--expect: the Java engine's predictions for those inputs; they pass when
          |keras - java| <= atol + rtol * |java| everywhere.
--data:   MNIST IDX directory: Keras's test accuracy (preprocessed as python-export/common.py does),
          compared with --expect-accuracy to 1e-4.

Prints one JSON line (model, keras version, class, layers, params, max_abs_diff, passed, ...).
Exit 0 when Keras loaded the model and every check passed, 1 when a check failed, 2 when Keras
cannot load or run the file.
"""
import argparse
import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def load(keras, path, config, compile_model):
    if path.endswith(".weights.h5"):
        if not config:
            raise ValueError("a .weights.h5 file needs --config JSON (the model's config.json)")
        with open(config) as f:
            model = keras.saving.deserialize_keras_object(json.load(f), safe_mode=True)
        model.load_weights(path)
        return model
    return keras.saving.load_model(path, compile=compile_model, safe_mode=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--inputs")
    p.add_argument("--expect")
    p.add_argument("--config")
    p.add_argument("--data")
    p.add_argument("--expect-accuracy", type=float)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--compile", action="store_true", help="compile from the stored training/compile config")
    a = p.parse_args()

    import numpy as np
    import keras

    report = {"model": a.model, "keras": keras.__version__}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = load(keras, a.model, a.config, a.compile)
        msgs = sorted({str(w.message).splitlines()[0][:160] for w in caught if str(w.message)})
        if msgs:
            report["warnings"] = msgs
        report["class"] = model.__class__.__name__
        report["layers"] = [l.name for l in model.layers]
        report["params"] = int(model.count_params())
        if a.compile:
            report["compiled"] = bool(getattr(model, "compiled", False))
            opt = getattr(model, "optimizer", None)
            report["optimizer"] = None if opt is None else opt.__class__.__name__
        if a.inputs:
            x = np.load(a.inputs).astype("float32")
        else:
            shape = (4,) + tuple(int(d) for d in model.inputs[0].shape[1:])
            x = np.random.default_rng(1234).uniform(0.0, 1.0, size=shape).astype("float32")
        y = np.asarray(model.predict(x, batch_size=256, verbose=0))
        report["samples"] = int(x.shape[0])
        report["output_shape"] = list(y.shape)
    except Exception as e:  # one line for the Java side to show
        report["error"] = "Keras cannot load or run it: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        report["passed"] = False
        print(json.dumps(report))
        return 2

    ok = bool(np.all(np.isfinite(y)))
    if a.expect:
        want = np.load(a.expect).astype("float32")
        if want.shape != y.shape:
            report["error"] = "shape mismatch: keras %s, java %s" % (list(y.shape), list(want.shape))
            ok = False
        else:
            diff = np.abs(y.astype("float64") - want.astype("float64"))
            bound = a.atol + a.rtol * np.abs(want.astype("float64"))
            report["max_abs_diff"] = float(diff.max()) if diff.size else 0.0
            report["outside_tolerance"] = int((diff > bound).sum())
            if y.ndim == 2:
                report["argmax_agreement"] = float((y.argmax(-1) == want.argmax(-1)).mean())
            ok &= report["outside_tolerance"] == 0
    if a.data:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from common import load_mnist, preprocess
        xt, yt = load_mnist(a.data, "test")
        probs = model.predict(preprocess(xt, tuple(model.input_shape[1:])), batch_size=500, verbose=0)
        acc = float((probs.argmax(-1) == yt).mean())
        report["keras_test_accuracy"] = acc
        if a.expect_accuracy is not None:
            report["java_test_accuracy"] = a.expect_accuracy
            ok &= abs(acc - a.expect_accuracy) < 1e-4
    report["passed"] = bool(ok)
    print(json.dumps(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
