"""Shared helpers for the python-export scripts: determinism, MNIST reading, npy/json writing."""
import gzip
import json
import os
import platform

os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
import h5py  # noqa: E402

MODEL_IDS = ["simple_mnist_convnet", "tutorial_cnn", "edge_case_cnn", "mlp", "functional_cnn"]


def deterministic(seed=1234):
    """Same numbers on every run: one thread, op determinism, fixed seeds."""
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)


def versions(script):
    return {"script": script, "keras": keras.__version__, "tensorflow": tf.__version__,
            "numpy": np.__version__, "h5py": h5py.__version__, "python": platform.python_version()}


def _read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def _find(data_dir, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise SystemExit("error: %s not found in %s (expected MNIST IDX files)" % (stem, data_dir))


def load_mnist(data_dir, split):
    """uint8 images (N, 28, 28) and int labels (N,) from the IDX files."""
    prefix = "train" if split == "train" else "t10k"
    img = _read(_find(data_dir, prefix + "-images-idx3-ubyte"))
    lab = _read(_find(data_dir, prefix + "-labels-idx1-ubyte"))
    n = int.from_bytes(img[4:8], "big")
    x = np.frombuffer(img, dtype=np.uint8, offset=16).reshape(n, 28, 28)
    y = np.frombuffer(lab, dtype=np.uint8, offset=8).astype(np.int64)
    return x, y


def preprocess(x_uint8, input_shape):
    """MNIST uint8 -> float32 in [0,1]; for a 32x32x3 model: zero-pad to 32x32 and make three
    differently scaled channels (1.0, 0.7, 0.4), so channels differ."""
    x = x_uint8.astype("float32") / 255.0
    if tuple(input_shape) == (28, 28, 1):
        return x[..., None]
    if tuple(input_shape) == (32, 32, 3):
        x = np.pad(x, ((0, 0), (2, 2), (2, 2)))
        return np.stack([x, 0.7 * x, 0.4 * x], axis=-1).astype("float32")
    raise ValueError("no preprocessing for input shape %s" % (input_shape,))


PREPROCESSING = {
    (28, 28, 1): "MNIST uint8 / 255.0 as float32, shape (N, 28, 28, 1)",
    (32, 32, 3): "MNIST uint8 / 255.0, zero-padded to 32x32, channels scaled by (1.0, 0.7, 0.4), shape (N, 32, 32, 3)",
}


def save_npy(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, np.ascontiguousarray(array, dtype="<f4"))


def save_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def weight_short_name(variable):
    """'sequential/conv2d/kernel' or 'kernel' -> 'kernel'."""
    return variable.path.split("/")[-1] if hasattr(variable, "path") else variable.name.split("/")[-1].split(":")[0]
