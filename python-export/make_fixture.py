"""Makes a forward fixture for any Keras model file, for `cnn-parity verify`.

Usage: python make_fixture.py MODEL_FILE OUT_DIR [--config JSON] [--data MNIST_DIR]

MODEL_FILE: .keras or legacy .h5; a .weights.h5 needs --config (the model's JSON). Prints the fixture
directory on success; on failure one line on stderr and exit code 2.
"""
import argparse
import os
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--config")
    p.add_argument("--data", help="MNIST IDX directory, for real test images when the input is 28x28x1")
    a = p.parse_args()
    try:
        from common import deterministic, keras
        from export_fixtures import export
        deterministic(1234)
        if a.model.endswith(".weights.h5"):
            if not a.config:
                raise ValueError("a .weights.h5 file needs --config JSON")
            with open(a.config) as f:
                model = keras.models.model_from_json(f.read())
            model.load_weights(a.model)
        else:
            model = keras.saving.load_model(a.model, compile=False, safe_mode=True)
        files = [os.path.abspath(a.model)] + ([os.path.abspath(a.config)] if a.config else [])
        model_id = os.path.basename(a.model)
        for ext in (".weights.h5", ".keras", ".h5"):
            if model_id.endswith(ext):
                model_id = model_id[: -len(ext)]
                break
        export(model, a.out, a.data, model_id, files, "python-export/make_fixture.py")
    except Exception as e:  # one line for the Java side to show
        print("make_fixture: %s: %s" % (a.model, str(e).splitlines()[0] if str(e) else type(e).__name__), file=sys.stderr)
        return 2
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
