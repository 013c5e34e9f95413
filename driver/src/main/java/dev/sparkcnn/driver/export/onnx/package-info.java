/**
 * The ONNX exporter: one small emitter per layer kind turns a layer and its slice of the flat
 * parameter vector into ONNX nodes and initializers; a layer without an emitter is refused by name.
 */
package dev.sparkcnn.driver.export.onnx;
