"""Keras side of the accuracy benchmark: trains a preset the way `cnn-parity train` does and prints
the test accuracy as JSON.

Usage: python train_keras.py --data DIR --preset simple_mnist_convnet --epochs 12 [--batch-size 128]
       [--lr 1e-3] [--lr-decay RATE] [--validation-split 0.1]
The architecture is read from the same preset JSON the Java side uses
(src/main/resources/cnnparity/presets/<preset>.json).
"""
import argparse
import json
import os
import sys
import time

from common import deterministic, keras, load_mnist, np, preprocess


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--preset", default="simple_mnist_convnet")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-decay", type=float)
    p.add_argument("--validation-split", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1234)
    a = p.parse_args()
    keras.utils.set_random_seed(a.seed)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "src/main/resources/cnnparity/presets", a.preset + ".json")) as f:
        cfg = json.load(f)
    cfg.pop("description", None)
    # the presets are minimal Keras configs; Keras 3 wants each object's module to deserialize it
    cfg["module"] = "keras"
    for layer in cfg["config"]["layers"]:
        layer["module"] = "keras.layers"
    model = keras.models.model_from_json(json.dumps(cfg))
    xt, yt = load_mnist(a.data, "train")
    xv, yv = load_mnist(a.data, "test")
    xt, xv = preprocess(xt, (28, 28, 1)), preprocess(xv, (28, 28, 1))
    yt1 = keras.utils.to_categorical(yt, 10)
    steps = int(np.ceil(len(xt) * (1 - a.validation_split) / a.batch_size))
    lr = a.lr if a.lr_decay is None else keras.optimizers.schedules.ExponentialDecay(a.lr, steps, a.lr_decay, staircase=True)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy", metrics=["accuracy"])
    t = time.perf_counter()
    model.fit(xt, yt1, batch_size=a.batch_size, epochs=a.epochs, validation_split=a.validation_split, verbose=2)
    seconds = time.perf_counter() - t
    acc = float((model.predict(xv, batch_size=500, verbose=0).argmax(-1) == yv).mean())
    print(json.dumps({"framework": "keras " + keras.__version__, "preset": a.preset, "epochs": a.epochs,
                      "test_accuracy": acc, "train_seconds": seconds}))


if __name__ == "__main__":
    sys.exit(main())
