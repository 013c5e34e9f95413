/**
 * Dataset formats behind one interface ({@link dev.sparkcnn.datasets.format.DatasetFormat}: detect,
 * locate the files, read a slice of records), found through one registry
 * ({@link dev.sparkcnn.datasets.format.DatasetFormats}); files are seen through
 * {@link dev.sparkcnn.datasets.format.DataFileSystem}, which the driver implements on Hadoop.
 */
package dev.sparkcnn.datasets.format;
