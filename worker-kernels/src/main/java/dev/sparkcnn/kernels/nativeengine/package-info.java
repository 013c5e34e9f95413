/**
 * Engine native: hand-written layers in NHWC, parameters in one flat buffer. Float convolutions and
 * batch norms call oneDNN directly ({@link dev.sparkcnn.kernels.nativeengine.Dnnl}, on our arrays,
 * no activation reorders); everything else, and double precision, runs on libnd4j's (oneDNN) ops,
 * prepared once and re-executed every step.
 */
package dev.sparkcnn.kernels.nativeengine;
