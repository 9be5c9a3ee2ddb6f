"""Loads a model file written by cnn-parity (Java) in real Keras and checks that Keras predicts what
Java predicted.

Usage: python check_java_model.py MODEL_FILE --inputs X.npy --expect Y.npy [--atol 1e-5] [--rtol 1e-4]
       python check_java_model.py MODEL_FILE --data MNIST_DIR --expect-accuracy ACC
Exit 0 when every prediction matches (and, with --data, the test accuracy Keras computes equals the
given one to 1e-4), 1 otherwise, 2 when Keras cannot load the file.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--inputs")
    p.add_argument("--expect")
    p.add_argument("--data")
    p.add_argument("--expect-accuracy", type=float)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--rtol", type=float, default=1e-4)
    a = p.parse_args()
    import numpy as np
    import keras
    try:
        model = keras.saving.load_model(a.model, compile=False, safe_mode=True)
    except Exception as e:
        print("check_java_model: Keras cannot load %s: %s" % (a.model, str(e).splitlines()[0]), file=sys.stderr)
        return 2
    ok = True
    report = {"model": a.model, "keras": keras.__version__}
    if a.inputs:
        x = np.load(a.inputs)
        y = np.asarray(model.predict(x, batch_size=256, verbose=0))
        want = np.load(a.expect)
        diff = np.abs(y - want)
        bound = a.atol + a.rtol * np.abs(want)
        report.update({"samples": int(x.shape[0]), "max_abs_diff": float(diff.max()),
                       "outside_tolerance": int((diff > bound).sum()),
                       "argmax_agreement": float((y.argmax(-1) == want.argmax(-1)).mean())})
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
