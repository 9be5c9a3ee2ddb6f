"""Keras/TensorFlow side of the side-by-side benchmark (scripts/benchmark runs it next to Java).

Measures, on the same model, batch size and data as the Java run:
  - import time of tensorflow + keras,
  - training throughput (images/s) of model.fit over N images, after a warm-up epoch,
  - inference throughput (images/s) of model.predict over N images, after a warm-up,
  - batch-1 latency: median of eager model(x, training=False) calls,
  - peak resident memory (ru_maxrss).
Prints one JSON object on the last line of stdout.

Usage: python bench_keras.py --data DIR [--images 12800] [--batch 128] [--model simple_mnist_convnet|tutorial_cnn|wide]
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
IMPORT_SECONDS = time.perf_counter() - t0


def read_idx_images(path, n):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    rows = int.from_bytes(data[8:12], "big")
    cols = int.from_bytes(data[12:16], "big")
    x = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows, cols, 1)
    return x[:n].astype("float32") / 255.0


def read_idx_labels(path, n):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8)[:n].astype("int64")


def build(name):
    width = 2 if name == "wide" else 1
    layers = [keras.Input((28, 28, 1)),
              keras.layers.Conv2D(32 * width, 3, activation="relu"),
              keras.layers.MaxPooling2D(2),
              keras.layers.Conv2D(64 * width, 3, activation="relu"),
              keras.layers.MaxPooling2D(2),
              keras.layers.Flatten()]
    if name == "tutorial_cnn":
        layers += [keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.5)]
    else:
        layers += [keras.layers.Dropout(0.5)]
    layers += [keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--images", type=int, default=12800)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--model", default="simple_mnist_convnet")
    p.add_argument("--latency-calls", type=int, default=200)
    a = p.parse_args()
    keras.utils.set_random_seed(1)
    x = read_idx_images(os.path.join(a.data, "train-images-idx3-ubyte.gz"), a.images)
    y = keras.utils.to_categorical(read_idx_labels(os.path.join(a.data, "train-labels-idx1-ubyte.gz"), a.images), 10)
    model = build(a.model)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    warm = min(len(x), a.batch * 10)
    model.fit(x[:warm], y[:warm], batch_size=a.batch, epochs=1, verbose=0)
    t = time.perf_counter()
    model.fit(x, y, batch_size=a.batch, epochs=1, verbose=0, shuffle=False)
    train_ips = len(x) / (time.perf_counter() - t)
    model.predict(x[:warm], batch_size=a.batch, verbose=0)
    # passes over the images until at least 2 s have gone by (one pass is a fraction of a second,
    # too short on a noisy machine); the Java side (cnn-parity bench) measures the same way
    t = time.perf_counter()
    done = 0
    while True:
        model.predict(x, batch_size=a.batch, verbose=0)
        done += len(x)
        if time.perf_counter() - t >= 2.0:
            break
    infer_ips = done / (time.perf_counter() - t)
    one = x[:1]
    for _ in range(20):
        model(one, training=False)
    lat = []
    for _ in range(a.latency_calls):
        t = time.perf_counter()
        model(one, training=False)
        lat.append(time.perf_counter() - t)
    out = {
        "framework": "keras %s / tensorflow %s" % (keras.__version__, tf.__version__),
        "model": a.model, "batch": a.batch, "images": len(x),
        "import_seconds": IMPORT_SECONDS,
        "train_images_per_s": train_ips,
        "infer_images_per_s": infer_ips,
        "latency_ms_batch1": 1000 * statistics.median(lat),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
