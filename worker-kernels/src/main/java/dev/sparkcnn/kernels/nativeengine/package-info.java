/**
 * Engine native: hand-written layers on libnd4j's (oneDNN) ops in NHWC, parameters in one flat
 * buffer, ops prepared once and re-executed every step.
 */
package dev.sparkcnn.kernels.nativeengine;
