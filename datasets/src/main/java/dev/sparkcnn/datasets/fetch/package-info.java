/** Acquiring published datasets: the catalogue of archives, resumable downloads verified by checksum, and safe extraction into a directory {@code train --data} reads. */
package dev.sparkcnn.datasets.fetch;
