package dev.sparkcnn.driver.data;

import dev.sparkcnn.driver.config.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * What keeping a run's records will take, worked out on the driver before training: records ×
 * bytes per serialized record against the executors' storage memory (Spark's unified memory:
 * (heap − 300 MB) × {@code spark.memory.fraction}), and a task's partition against its executor's
 * heap (a task holds its whole partition as records while it trains).
 *
 * @param storage        the chosen level
 * @param records        records the cache would hold (training files, train and test split)
 * @param recordBytes    serialized bytes of one record
 * @param partitions     data partitions
 * @param executors      executors, or 0 when the master does not tell
 * @param executorHeap   heap of one executor in bytes
 * @param coresPerExecutor tasks one executor runs at once
 * @param memoryFraction {@code spark.memory.fraction}
 */
public record StorageEstimate(Storage storage, long records, long recordBytes, int partitions, int executors,
                              long executorHeap, int coresPerExecutor, double memoryFraction) {

    /** Java serialization's bytes per record beyond the pixels (object and array headers, label, handles). */
    public static final int SERIALIZED_OVERHEAD = 22;
    /** A record on the heap beyond its pixels: object header, label, array header, list slot. */
    public static final int HEAP_OVERHEAD = 48;
    /** Spark's reserved system memory, taken from every heap before the unified memory region. */
    public static final long RESERVED = 300L << 20;
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    /** The estimate for {@code dataset} in {@code partitions} partitions under {@code conf}'s master and memory settings. */
    public static StorageEstimate of(Storage storage, LocatedDataset dataset, int partitions, SparkConf conf) {
        String master = conf.get("spark.master", "local[*]");
        double fraction = conf.getDouble("spark.memory.fraction", 0.6);
        long recordBytes = dataset.spec().imageBytes() + SERIALIZED_OVERHEAD;
        Matcher m = LOCAL_CLUSTER.matcher(master);
        if (m.matches()) {
            return new StorageEstimate(storage, dataset.trainRecords(), recordBytes, partitions,
                    Integer.parseInt(m.group(1)), Long.parseLong(m.group(3)) << 20, Integer.parseInt(m.group(2)), fraction);
        }
        if (master.startsWith("local")) { // the driver is the executor
            return new StorageEstimate(storage, dataset.trainRecords(), recordBytes, partitions, 1,
                    Runtime.getRuntime().maxMemory(),
                    Math.min(partitions, Math.max(1, dev.sparkcnn.driver.spark.SparkRuntime.localSlots(master))),
                    fraction);
        }
        return new StorageEstimate(storage, dataset.trainRecords(), recordBytes, partitions,
                conf.getInt("spark.executor.instances", 0), conf.getSizeAsBytes("spark.executor.memory", "1g"),
                conf.getInt("spark.executor.cores", 1), fraction);
    }

    /** Bytes the cached records take. */
    public long expectedBytes() {
        return records * recordBytes;
    }

    /** Storage memory of one executor: Spark's unified region, which the cache may fill when no task needs it. */
    public long storagePerExecutor() {
        return (long) (Math.max(0, executorHeap - RESERVED) * memoryFraction);
    }

    /** Heap bytes of the largest partition's records while a task trains on it. */
    public long partitionHeapBytes() {
        long perPartition = (records + partitions - 1) / partitions;
        return perPartition * (recordBytes - SERIALIZED_OVERHEAD + HEAP_OVERHEAD);
    }

    /** One line for the log: what the records take and what the executors offer. */
    public String describe() {
        String offered = executors > 0
                ? String.format("%d executor(s) x %.0f MB = %.0f MB of storage memory", executors,
                        storagePerExecutor() / 1e6, (double) executors * storagePerExecutor() / 1e6)
                : String.format("%.0f MB of storage memory per executor (executor count unknown)",
                        storagePerExecutor() / 1e6);
        return String.format("storage %s: %,d records x %,d bytes = %.0f MB serialized; %s", storage.id(), records,
                recordBytes, expectedBytes() / 1e6, offered);
    }

    /** Prints {@link #describe()} and every warning to the user and the log, before training starts. */
    public void print(java.io.PrintWriter out, org.slf4j.Logger log) {
        log.info(describe());
        out.println(describe());
        for (String warning : warnings()) {
            log.warn(warning);
            out.println("warning: " + warning);
        }
        out.flush();
    }

    /** What will not fit, with the remedy; empty when everything does. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        long offered = (long) executors * storagePerExecutor();
        if (executors > 0 && expectedBytes() > offered) {
            double share = (double) offered / expectedBytes();
            switch (storage) {
                case MEMORY -> out.add(String.format("--storage memory: the records (%.0f MB) do not fit the "
                        + "executors' storage memory (%.0f MB): about %.0f%% of the partitions stay cached and the "
                        + "rest are re-read from the files on every pass; use --storage memory-and-disk (spills to "
                        + "local disk) or give the executors more memory", expectedBytes() / 1e6, offered / 1e6,
                        100 * share));
                case MEMORY_AND_DISK -> out.add(String.format("--storage memory-and-disk: about %.0f MB of the %.0f "
                        + "MB of records will spill to the executors' local disks (spark.local.dir)",
                        (expectedBytes() - offered) / 1e6, expectedBytes() / 1e6));
                case NONE -> { }
            }
        }
        long usable = executorHeap - RESERVED;
        if (partitionHeapBytes() * coresPerExecutor > usable / 2) {
            long needed = (long) Math.ceil((double) records * (recordBytes - SERIALIZED_OVERHEAD + HEAP_OVERHEAD)
                    * coresPerExecutor * 2 / Math.max(1, usable));
            out.add(String.format("a task holds its whole partition while it trains: %.0f MB per partition x %d "
                    + "task(s) per executor is more than half of an executor's %.0f MB usable heap; use at least "
                    + "%d partitions (parameter-averaging) or more executor memory", partitionHeapBytes() / 1e6,
                    coresPerExecutor, usable / 1e6, needed));
        }
        return out;
    }
}
