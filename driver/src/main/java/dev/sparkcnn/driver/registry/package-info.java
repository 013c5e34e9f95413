/** The model registry: numbered versions of a named model, the champion pointer and its history, provenance and data fingerprints. */
package dev.sparkcnn.driver.registry;
