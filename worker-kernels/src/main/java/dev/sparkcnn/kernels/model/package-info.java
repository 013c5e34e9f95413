/**
 * Engine-neutral network definitions: the model catalogue, each model's defaults, and the spec
 * (model, input shape, classes, hyper-parameters) a network is built from.
 */
package dev.sparkcnn.kernels.model;
