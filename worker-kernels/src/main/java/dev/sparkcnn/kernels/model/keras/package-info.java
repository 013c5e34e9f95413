/**
 * Keras import: the architecture a Keras {@code model.to_json()} file describes (Keras 2, Keras 3 and
 * TensorFlow.js layers formats; Sequential models and functional graphs whose only joins are
 * residual adds), translated into an engine-neutral network definition. Weights are not imported.
 */
package dev.sparkcnn.kernels.model.keras;
