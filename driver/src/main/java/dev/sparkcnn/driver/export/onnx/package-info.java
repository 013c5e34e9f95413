/**
 * The ONNX exporter: one small emitter per layer spec type turns a layer of the model definition
 * and its slice of the flat parameter vector (the definition's layout) into ONNX nodes and
 * initializers; a layer without an emitter is refused by index and type.
 */
package dev.sparkcnn.driver.export.onnx;
