/**
 * {@code sparkcnn export}: a stored model written in a format other runtimes read (ONNX, a DL4J
 * {@code ModelSerializer} zip), whole or not at all.
 */
package dev.sparkcnn.driver.export;
