/** Image datasets without Spark or ND4J: compact uint8 records, the readers of each format (validated byte by byte), transforms, augmentation, the seeded train/test split and the generated CIFAR-format set. */
package dev.sparkcnn.datasets;
