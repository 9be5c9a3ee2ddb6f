"""Builds and trains the reference models into reference/ (see fixtures/README.md).

Usage: python build_models.py --data ../shared/data/mnist --out reference/

Each model is trained a little on real MNIST (a fixed subset, fixed seeds, op determinism, one
thread) so its weights, and BatchNormalization's moving statistics, are realistic. Each is saved
as legacy .h5 and Keras 3 .keras; simple_mnist_convnet also as .weights.h5 + its JSON config.
"""
import argparse
import json
import os
import sys

from common import (MODEL_IDS, deterministic, keras, load_mnist, np, preprocess, save_json, versions)

L = keras.layers


def simple_mnist_convnet():
    # keras.io/examples/vision/mnist_convnet
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Flatten(), L.Dropout(0.5), L.Dense(10, activation="softmax"),
    ], name="simple_mnist_convnet")


def tutorial_cnn():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Flatten(), L.Dense(128, activation="relu"), L.Dropout(0.5), L.Dense(10, activation="softmax"),
    ], name="tutorial_cnn")


def edge_case_cnn():
    """Every semantic corner in one linear chain; shapes in comments."""
    return keras.Sequential([
        keras.Input((32, 32, 3)),
        L.ZeroPadding2D(((1, 2), (0, 1))),                     # (35, 33, 3): odd sizes
        L.Conv2D(8, (3, 2), strides=2, padding="same", use_bias=False),  # (18, 17, 8): asymmetric 'same' pad
        L.BatchNormalization(),                                # moving stats trained below
        L.Activation("relu"),
        L.Conv2D(12, 3, dilation_rate=2, activation="sigmoid"),  # (14, 13, 12)
        L.MaxPooling2D(pool_size=3, strides=2, padding="same"),  # (7, 7, 12)
        L.Conv2D(16, (1, 3), padding="same", activation="tanh"),  # (7, 7, 16)
        L.LeakyReLU(negative_slope=0.1),
        L.AveragePooling2D(pool_size=2, padding="same"),       # (4, 4, 16): edge windows hold 1 real row/col
        L.ReLU(),
        L.Conv2D(16, 2, activation="elu"),                     # (3, 3, 16)
        L.AveragePooling2D(pool_size=2, strides=1),            # (2, 2, 16)
        L.GlobalMaxPooling2D(keepdims=True),                   # (1, 1, 16)
        L.Reshape((4, 4, 1)),                                  # (4, 4, 1)
        L.Conv2D(8, 3, padding="same", activation="selu"),     # (4, 4, 8)
        L.Activation("softplus"), L.Activation("swish"), L.Activation("gelu"),
        L.GlobalAveragePooling2D(),                            # (8,)
        L.Dropout(0.2),
        L.Dense(16, activation="tanh"),
        L.Dense(10),
        L.Softmax(),
    ], name="edge_case_cnn")


def mlp():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Flatten(),
        # no bias before BatchNormalization: BN subtracts the batch mean, so such a bias gets a zero
        # gradient (pure float noise) and is dead weight; Keras's BatchNormalization docs advise it too
        L.Dense(256, use_bias=False), L.BatchNormalization(), L.ReLU(), L.Dropout(0.3),
        L.Dense(128, use_bias=False), L.BatchNormalization(), L.ReLU(), L.Dropout(0.3),
        L.Dense(10, activation="softmax"),
    ], name="mlp")


def functional_cnn():
    inp = keras.Input((28, 28, 1), name="image")
    x = L.Conv2D(16, 3, padding="same", activation="relu", name="features")(inp)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(32, 3, strides=2)(x)
    x = L.Activation("relu")(x)
    x = L.Flatten()(x)
    x = L.Dense(32, activation="tanh", name="embedding")(x)
    out = L.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inp, out, name="functional_cnn")


BUILDERS = {"simple_mnist_convnet": simple_mnist_convnet, "tutorial_cnn": tutorial_cnn,
            "edge_case_cnn": edge_case_cnn, "mlp": mlp, "functional_cnn": functional_cnn}
TRAIN_IMAGES = 12000
EPOCHS = {"edge_case_cnn": 6}  # the small edge-case net needs more passes to move off chance


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="directory with the MNIST IDX files")
    p.add_argument("--out", required=True, help="output directory (reference/)")
    p.add_argument("--models", default=",".join(MODEL_IDS))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    x_train, y_train = load_mnist(a.data, "train")
    x_test, y_test = load_mnist(a.data, "test")
    report = {}
    for model_id in a.models.split(","):
        deterministic(1234)
        model = BUILDERS[model_id]()
        shape = tuple(model.input_shape[1:])
        xt = preprocess(x_train[:TRAIN_IMAGES], shape)
        yt = keras.utils.to_categorical(y_train[:TRAIN_IMAGES], 10)
        xv = preprocess(x_test, shape)
        yv = keras.utils.to_categorical(y_test, 10)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
        hist = model.fit(xt, yt, batch_size=128, epochs=EPOCHS.get(model_id, 2), shuffle=True, verbose=0)
        loss, acc = model.evaluate(xv, yv, batch_size=500, verbose=0)
        base = os.path.join(a.out, model_id)
        model.save(base + ".h5")
        model.save(base + ".keras")
        if model_id == "simple_mnist_convnet":
            model.save_weights(base + ".weights.h5")
            with open(base + ".config.json", "w") as f:
                json.dump(json.loads(model.to_json()), f, indent=2, sort_keys=True)
                f.write("\n")
        report[model_id] = {"train_images": TRAIN_IMAGES, "epochs": EPOCHS.get(model_id, 2), "batch_size": 128,
                            "optimizer": "Adam(1e-3)", "params": int(model.count_params()),
                            "train_accuracy": float(hist.history["accuracy"][-1]),
                            "test_loss": float(loss), "test_accuracy": float(acc)}
        print("%-22s params %8d  test accuracy %.4f" % (model_id, model.count_params(), acc), flush=True)
    save_json(os.path.join(a.out, "training.json"), {"generator": versions("python-export/build_models.py"),
                                                     "models": report})


if __name__ == "__main__":
    sys.exit(main())
