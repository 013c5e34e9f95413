/** Model directories and checkpoints on any Hadoop file system, written under a temporary name and renamed so a crash leaves the previous version intact. */
package dev.sparkcnn.driver.store;
