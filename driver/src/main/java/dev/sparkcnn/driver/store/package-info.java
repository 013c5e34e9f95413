/**
 * Model directories, checkpoints and their files on any Hadoop file system: written atomically
 * (temporary name, then rename), read back with every size checked before it is allocated.
 */
package dev.sparkcnn.driver.store;
