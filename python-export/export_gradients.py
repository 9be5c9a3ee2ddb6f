"""Exports gradient, optimizer-trajectory and loss fixtures (Keras/TensorFlow GradientTape).

Usage: python export_gradients.py --models reference/ --data ../shared/data/mnist --out fixtures/

For each reference model (layout: fixtures/GRADIENTS.md):
  fixtures/<id>/gradients/   one labelled batch, training=True, Dropout disabled (rate 0: Keras 3's
                             Dropout.call is then the identity): the loss, every layer's output and
                             d(loss)/d(output), d(loss)/d(weight), d(loss)/d(input), and the
                             BatchNormalization moving statistics after that forward.
  fixtures/<id>/optimizers/  20 steps on fixed batches from the reference weights, per optimizer:
                             the loss at each step and all weights after step 1 and step 20.
and fixtures/losses/: each Keras loss on fixed tensors, its value and d(loss)/d(y_pred).
"""
import argparse
import os
import sys

from common import (MODEL_IDS, deterministic, keras, load_mnist, np, preprocess, save_json, save_npy, tf, versions,
                    weight_short_name)
from export_fixtures import TEST_INDICES, model_layers

SCRIPT = "python-export/export_gradients.py"
STEPS = 20
STEP_BATCH = 16
# The larger models (over 200k weights) keep four runs, to bound the fixture size.
SMALL_RUNS = ["sgd", "sgd_momentum", "sgd_nesterov", "adam", "rmsprop", "adam_exp_decay"]
LARGE_RUNS = ["sgd_nesterov", "adam", "rmsprop", "adam_exp_decay"]


def make_optimizer(run):
    o = keras.optimizers
    if run == "sgd":
        return o.SGD(learning_rate=0.01)
    if run == "sgd_momentum":
        return o.SGD(learning_rate=0.01, momentum=0.9)
    if run == "sgd_nesterov":
        return o.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    if run == "adam":
        return o.Adam()
    if run == "rmsprop":
        return o.RMSprop()
    if run == "adam_exp_decay":
        return o.Adam(learning_rate=o.schedules.ExponentialDecay(1e-3, decay_steps=5, decay_rate=0.5, staircase=True))
    raise ValueError(run)


def disable_dropout(model):
    for l in model.layers:
        if isinstance(l, keras.layers.Dropout):
            l.rate = 0.0


def weight_file(layer, w):
    return "%s/%s.npy" % (layer.name, weight_short_name(w))


def export_gradients(model, x, y, out):
    layers = model_layers(model)
    loss_fn = keras.losses.CategoricalCrossentropy()
    x0 = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x0)
        h = x0
        outs = []
        for l in layers:
            h = l(h, training=True)
            outs.append(h)
        from_logits_path = hasattr(h, "_keras_logits")
        loss = loss_fn(tf.constant(y), h)
    weights = [w for l in layers for w in l.trainable_weights]
    grads = tape.gradient(loss, [x0] + outs + weights)
    # With the logits path the loss does not depend on the probabilities themselves: the last
    # layer's gradient is the one with respect to its logits.
    logits_grad = tape.gradient(loss, h._keras_logits) if from_logits_path else None
    save_npy(os.path.join(out, "x.npy"), x)
    save_npy(os.path.join(out, "y.npy"), y)
    save_npy(os.path.join(out, "loss.npy"), np.array([float(loss)], "float32"))
    save_npy(os.path.join(out, "input_grad.npy"), grads[0].numpy())
    info = []
    gi = 1 + len(outs)
    for l, o, g in zip(layers, outs, grads[1:1 + len(outs)]):
        save_npy(os.path.join(out, "layer_outputs", l.name + ".npy"), o.numpy())
        entry = {"name": l.name, "class_name": l.__class__.__name__, "output": "layer_outputs/%s.npy" % l.name,
                 "output_grad": None, "weights": [], "after_forward": []}
        if g is not None:
            save_npy(os.path.join(out, "layer_grads", l.name + ".npy"), g.numpy())
            entry["output_grad"] = "layer_grads/%s.npy" % l.name
        elif l is layers[-1] and logits_grad is not None:
            save_npy(os.path.join(out, "layer_grads", l.name + ".logits.npy"), logits_grad.numpy())
            entry["logits_grad"] = "layer_grads/%s.logits.npy" % l.name
        for w in l.trainable_weights:
            save_npy(os.path.join(out, "weight_grads", weight_file(l, w)), grads[gi].numpy())
            entry["weights"].append({"name": weight_short_name(w), "file": "weight_grads/" + weight_file(l, w),
                                     "shape": [int(d) for d in w.shape]})
            gi += 1
        for w in l.non_trainable_weights:  # BatchNormalization moving statistics, updated by the forward
            save_npy(os.path.join(out, "bn_after", weight_file(l, w)), w.numpy())
            entry["after_forward"].append({"name": weight_short_name(w), "file": "bn_after/" + weight_file(l, w)})
        info.append(entry)
    save_json(os.path.join(out, "gradients.json"), {
        "generator": versions(SCRIPT), "loss": "categorical_crossentropy", "loss_value": float(loss),
        "from_logits_path": bool(from_logits_path),
        "from_logits_note": "Keras (TF backend) computes the cross-entropy from the softmax's logits "
                            "(output._keras_logits), unclipped, when the output comes straight from a softmax",
        "training": True, "dropout": "disabled (rate=0)", "batch": int(x.shape[0]),
        "x": "x.npy", "y": "y.npy", "loss_file": "loss.npy", "input_grad": "input_grad.npy", "layers": info})


def export_optimizers(model_path, xs, ys, out, runs):
    record = {"generator": versions(SCRIPT), "steps": STEPS, "batch": STEP_BATCH, "x": "x_steps.npy", "y": "y_steps.npy",
              "loss": "categorical_crossentropy", "dropout": "disabled (rate=0)", "training": True,
              "loop": "for each step: with GradientTape: loss = CategoricalCrossentropy()(y, model(x, training=True)); "
                      "optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)",
              "runs": []}
    save_npy(os.path.join(out, "x_steps.npy"), xs)
    save_npy(os.path.join(out, "y_steps.npy"), ys)
    loss_fn = keras.losses.CategoricalCrossentropy()
    for run in runs:
        model = keras.saving.load_model(model_path, compile=False)
        disable_dropout(model)
        opt = make_optimizer(run)
        losses = []
        for step in range(STEPS):
            with tf.GradientTape() as tape:
                loss = loss_fn(tf.constant(ys[step]), model(tf.constant(xs[step]), training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply(grads, model.trainable_variables)
            losses.append(float(loss))
            if step + 1 in (1, STEPS):
                for l in model_layers(model):
                    for w in l.weights:
                        save_npy(os.path.join(out, run, "step%d" % (step + 1), weight_file(l, w)), w.numpy())
        save_npy(os.path.join(out, run, "losses.npy"), np.array(losses, "float32"))
        record["runs"].append({"id": run, "optimizer": keras.optimizers.serialize(opt), "losses": run + "/losses.npy",
                               "step1": run + "/step1", "step20": run + "/step%d" % STEPS})
    save_json(os.path.join(out, "optimizers.json"), record)


def export_losses(out):
    rng = np.random.default_rng(11)
    n, k = 6, 5
    logits = rng.normal(0, 3, (n, k)).astype("float32")
    logits[0] = [30, -30, 0, 1, -2]  # probabilities near 0 and 1
    probs = tf.nn.softmax(logits).numpy()
    probs[1] = [1.0, 0.0, 0.0, 0.0, 0.0]  # an exact 0 and 1
    labels = rng.integers(0, k, n)
    labels[1] = 1  # the true class has probability 0: clipping decides the value
    onehot = np.eye(k, dtype="float32")[labels]
    bin_true = rng.integers(0, 2, (n, k)).astype("float32")
    bin_prob = tf.sigmoid(logits).numpy()
    bin_prob[1] = [1.0, 0.0, 0.5, 1e-9, 1 - 1e-9]
    regress_true = rng.normal(0, 1, (n, k)).astype("float32")
    L = keras.losses
    cases = [
        ("categorical_crossentropy", L.CategoricalCrossentropy(), onehot, probs),
        ("categorical_crossentropy_from_logits", L.CategoricalCrossentropy(from_logits=True), onehot, logits),
        ("sparse_categorical_crossentropy", L.SparseCategoricalCrossentropy(), labels.astype("float32"), probs),
        ("sparse_categorical_crossentropy_from_logits", L.SparseCategoricalCrossentropy(from_logits=True),
         labels.astype("float32"), logits),
        ("binary_crossentropy", L.BinaryCrossentropy(), bin_true, bin_prob),
        ("binary_crossentropy_from_logits", L.BinaryCrossentropy(from_logits=True), bin_true, logits),
        ("mean_squared_error", L.MeanSquaredError(), regress_true, logits),
    ]
    index = {"generator": versions(SCRIPT), "reduction": "sum_over_batch_size (Keras default)", "cases": []}
    for name, fn, yt, yp in cases:
        p = tf.constant(yp)
        with tf.GradientTape() as tape:
            tape.watch(p)
            v = fn(tf.constant(yt), p)
        g = tape.gradient(v, p)
        d = os.path.join(out, name)
        save_npy(os.path.join(d, "y_true.npy"), yt)
        save_npy(os.path.join(d, "y_pred.npy"), yp)
        save_npy(os.path.join(d, "value.npy"), np.array([float(v)], "float32"))
        save_npy(os.path.join(d, "grad.npy"), g.numpy())
        index["cases"].append({"name": name, "config": keras.losses.serialize(fn), "dir": name,
                               "y_pred_is": "logits" if "logits" in name or name == "mean_squared_error" else "probabilities"})
    # The fused path: softmax output -> cross-entropy, gradient with respect to the logits.
    lg = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(lg)
        sm = keras.activations.softmax(lg)
        v = L.CategoricalCrossentropy()(tf.constant(onehot), sm)
    g = tape.gradient(v, lg)
    d = os.path.join(out, "softmax_categorical_crossentropy")
    save_npy(os.path.join(d, "y_true.npy"), onehot)
    save_npy(os.path.join(d, "y_pred.npy"), logits)
    save_npy(os.path.join(d, "value.npy"), np.array([float(v)], "float32"))
    save_npy(os.path.join(d, "grad.npy"), g.numpy())
    index["cases"].append({"name": "softmax_categorical_crossentropy", "dir": "softmax_categorical_crossentropy",
                           "y_pred_is": "logits (fed through keras.activations.softmax, loss on the probabilities)",
                           "from_logits_path": bool(hasattr(sm, "_keras_logits"))})
    save_json(os.path.join(out, "losses.json"), index)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--ids", default=",".join(MODEL_IDS))
    a = p.parse_args()
    x_test, y_test = load_mnist(a.data, "test")
    x_train, y_train = load_mnist(a.data, "train")
    for model_id in a.ids.split(","):
        deterministic(1234)
        path = os.path.join(a.models, model_id + ".keras")
        model = keras.saving.load_model(path, compile=False)
        disable_dropout(model)
        shape = tuple(model.input_shape[1:])
        x = preprocess(x_test[TEST_INDICES], shape)
        y = keras.utils.to_categorical(y_test[TEST_INDICES], 10).astype("float32")
        export_gradients(model, x, y, os.path.join(a.out, model_id, "gradients"))
        n = STEPS * STEP_BATCH
        xs = preprocess(x_train[20000:20000 + n], shape).reshape((STEPS, STEP_BATCH) + shape)
        ys = keras.utils.to_categorical(y_train[20000:20000 + n], 10).astype("float32").reshape(STEPS, STEP_BATCH, 10)
        big = model.count_params() > 200_000
        export_optimizers(path, xs, ys, os.path.join(a.out, model_id, "optimizers"), LARGE_RUNS if big else SMALL_RUNS)
        print("exported gradients and optimizers for", model_id, flush=True)
    deterministic(1234)
    export_losses(os.path.join(a.out, "losses"))
    print("exported losses", flush=True)


if __name__ == "__main__":
    sys.exit(main())
