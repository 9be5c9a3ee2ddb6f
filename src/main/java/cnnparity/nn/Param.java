package cnnparity.nn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One weight variable of a layer, named as Keras names it ({@code kernel}, {@code bias},
 * {@code gamma}, {@code beta}, {@code moving_mean}, {@code moving_variance}).
 *
 * <p>{@link #grad} has the same shape as {@link #value} and is accumulated by the layer's
 * backward pass; it is null for non-trainable variables (BatchNormalization's moving statistics).
 * {@link #initializer} is the Keras initializer config ({@code "glorot_uniform"} or
 * {@code {"class_name": ..., "config": ...}}) used when a model is trained from scratch.
 */
public final class Param {
    public final String name;
    public final Tensor value;
    public final Tensor grad;
    public final boolean trainable;
    public final JsonNode initializer;

    public Param(String name, Tensor value, boolean trainable, JsonNode initializer) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
        this.grad = trainable ? value.zerosLike() : null;
        this.initializer = initializer;
    }

    public int[] shape() {
        return value.shape;
    }

    public void zeroGrad() {
        if (grad != null) grad.fill(0f);
    }
}
