package dev.sparkcnn.kernels;

import java.util.Properties;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process settings of the native ND4J runtime: thread counts, default data type, a description for
 * logs.
 *
 * <p>Threads in ND4J 1.0.0-M2 live in three places: libnd4j's own pool, whose size is fixed when
 * the library starts (from {@code SD_MAX_THREADS}, else {@code OMP_NUM_THREADS}, else all cores;
 * {@code Environment.setMaxThreads} is a no-op in M2, only the "master" count can be lowered);
 * OpenMP, used by oneDNN, whose count {@code omp_set_num_threads} sets <em>for the calling thread
 * only</em> (M2 sets 4 on the thread that loads ND4J); and OpenBLAS, process-wide. So: start
 * executors with {@code OMP_NUM_THREADS} = the most threads a task may use, and call
 * {@link #configureThreads} on the task's own thread.
 */
public final class NativeRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(NativeRuntime.class);
    private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/";
    private static final String[] EXTENSIONS = {"-onednn-avx512", "-onednn-avx2", "-onednn", "-avx512", "-avx2", ""};
    private static final String[] LEVELS = {"generic", "x86-64", "avx2", "avx512"};

    private static volatile boolean floatDefaults;
    /**
     * Per thread: [0] what {@link #configureThreads} last asked for (0: never called there), [1] the
     * count last applied to the native libraries from this thread (see {@link #applyThreads}).
     */
    private static final ThreadLocal<int[]> THREADS = ThreadLocal.withInitial(() -> new int[2]);
    private static volatile boolean warnedPoolSize;

    private NativeRuntime() {
    }

    /**
     * Starts ND4J if needed and limits native compute for work started from the calling thread to
     * {@code threads} threads: OpenMP for this thread, OpenBLAS and libnd4j's master-thread count
     * for the process. libnd4j's pool cannot grow after start-up; if it is smaller than
     * {@code threads}, a warning is logged once. Idempotent; costs microseconds, so call it at the
     * start of every task.
     */
    public static void configureThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("native threads must be >= 1, got " + threads);
        }
        ensureFloatDefaults();
        int[] state = THREADS.get();
        state[0] = threads;
        state[1] = threads;
        setNativeThreads(threads);
    }

    /**
     * Applies {@code threads} to the native libraries for work started from the calling thread, as
     * {@link #configureThreads} does, without changing what {@link #requestedThreads} reports; a
     * no-op if this thread last applied the same count. The native engine uses it to run batch
     * slices, each on its share of the requested threads.
     */
    public static void applyThreads(int threads) {
        int[] state = THREADS.get();
        if (state[1] != threads) {
            state[1] = threads;
            setNativeThreads(threads);
        }
    }

    private static void setNativeThreads(int threads) {
        nativeOps().setOmpNumThreads(threads);
        Environment environment = Nd4j.getEnvironment();
        environment.setMaxThreads(threads); // a no-op in M2; effective in later libnd4j versions
        int pool = environment.maxThreads();
        if (environment.maxMasterThreads() != Math.min(threads, pool)) {
            environment.setMaxMasterThreads(Math.min(threads, pool));
        }
        if (pool < threads && !warnedPoolSize) {
            warnedPoolSize = true;
            LOG.warn("libnd4j's thread pool has {} threads (fixed at start-up), fewer than the {} requested; "
                    + "start the JVM with OMP_NUM_THREADS={} to use them", pool, threads, threads);
        }
        if (Nd4j.factory().blas().getMaxThreads() != threads) {
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }

    /**
     * The thread count {@link #configureThreads} last set on the calling thread, or 1 if it was
     * never called there (the engine then does not split batches across threads).
     */
    public static int requestedThreads() {
        int threads = THREADS.get()[0];
        return threads > 0 ? threads : 1;
    }

    /**
     * Starts ND4J if needed and makes FLOAT its default floating-point type. Cheap after the first call.
     *
     * @throws IllegalStateException before libnd4j loads, if its build on the class path needs an
     *     instruction set this CPU lacks (see {@link #checkCpuRunsNatives})
     */
    public static void ensureFloatDefaults() {
        if (floatDefaults) {
            return;
        }
        synchronized (NativeRuntime.class) {
            checkCpuRunsNatives();
            if (Nd4j.dataType() != DataType.FLOAT || Nd4j.defaultFloatingPointType() != DataType.FLOAT) {
                Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            }
            floatDefaults = true;
        }
    }

    /**
     * One line for logs: backend, native build (classifier, oneDNN, instruction set), BLAS, thread
     * counts as the calling thread sees them, default data type.
     */
    public static String describe() {
        ensureFloatDefaults();
        NativeOps ops = nativeOps();
        Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
        Environment environment = Nd4j.getEnvironment();
        return "ND4J " + Nd4j.getBackend().getClass().getSimpleName()
                + ", natives " + nativeClassifier()
                + " (" + (buildInfo().contains("HAVE_ONEDNN") ? "oneDNN" : "no oneDNN")
                + ", built for " + level(ops.binaryLevel()) + ", CPU supports " + level(ops.optimalLevel()) + ")"
                + ", BLAS " + info.getOrDefault("blas.vendor", "?")
                + ", threads: openmp " + ops.ompGetMaxThreads()
                + ", libnd4j pool " + environment.maxThreads() + " (master " + environment.maxMasterThreads() + ")"
                + ", blas " + Nd4j.factory().blas().getMaxThreads()
                + ", cores " + info.getOrDefault("cores", Runtime.getRuntime().availableProcessors())
                + ", dtype " + Nd4j.dataType();
    }

    /** The native library's build description ({@code NativeOps.buildInfo()}), or "" if unavailable. */
    public static String buildInfo() {
        try {
            String info = nativeOps().buildInfo();
            return info == null ? "" : info;
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    /** Whether the loaded libnd4j links oneDNN (its build info lists {@code HAVE_ONEDNN}). */
    public static boolean hasOneDnn() {
        return buildInfo().contains("HAVE_ONEDNN");
    }

    /**
     * The Maven classifier of the native build on the class path, e.g.
     * {@code linux-x86_64-onednn-avx512}, or "unknown".
     */
    public static String nativeClassifier() {
        String platform = Loader.getPlatform();
        ClassLoader loader = NativeRuntime.class.getClassLoader();
        for (String extension : EXTENSIONS) {
            String dir = BINDINGS + platform + extension + "/";
            if (loader.getResource(dir + "libnd4jcpu.so") != null || loader.getResource(dir + "libjnind4jcpu.so") != null) {
                return platform + extension;
            }
        }
        return "unknown";
    }

    /**
     * Fails with a message that names the native build and the fix if the CPU lacks an instruction
     * set that build needs: libnd4j compiled for AVX-512 dies with SIGILL, taking the JVM (a whole
     * executor) with it, on a CPU without it (AVX2-only AMD EPYC hosts, for one). Reads the CPU's
     * flags from {@code /proc/cpuinfo} and the build from the class path, so nothing native loads;
     * does nothing where {@code /proc/cpuinfo} cannot be read.
     *
     * @throws IllegalStateException if the build cannot run here
     */
    public static void checkCpuRunsNatives() {
        Set<String> flags = cpuFlags();
        if (flags.isEmpty()) {
            return;
        }
        String problem = missingInstructionSet(nativeClassifier(), flags);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /**
     * What a native build (a Maven classifier such as {@code linux-x86_64-onednn-avx512}) needs that
     * a CPU with {@code cpuFlags} (as {@code /proc/cpuinfo} spells them) lacks, as a message naming
     * the build and the fix; null if it can run.
     */
    static String missingInstructionSet(String classifier, Set<String> cpuFlags) {
        String needed = classifier.endsWith("-avx512") ? "avx512f" : classifier.endsWith("-avx2") ? "avx2" : null;
        if (needed == null || cpuFlags.contains(needed)) {
            return null;
        }
        String fallback = needed.equals("avx512f") && cpuFlags.contains("avx2")
                ? "linux-x86_64-onednn-avx2" : "linux-x86_64-onednn";
        return "the native build on the class path, nd4j-native " + classifier + ", needs a CPU with "
                + (needed.equals("avx512f") ? "AVX-512" : "AVX2") + " (flag " + needed + "), and this one has none;"
                + " build sparkcnn with -Dnd4j.classifier=" + fallback + " (see docs/clusters.md)";
    }

    /** The CPU's feature flags from {@code /proc/cpuinfo}; empty if it cannot be read (not Linux). */
    static Set<String> cpuFlags() {
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                    .map(flags -> Set.copyOf(java.util.Arrays.asList(flags)))
                    .orElse(Set.of());
        } catch (java.io.IOException | java.io.UncheckedIOException | SecurityException e) {
            return Set.of();
        }
    }

    private static String level(int level) {
        return level >= 0 && level < LEVELS.length ? LEVELS[level] : "level " + level;
    }

    private static NativeOps nativeOps() {
        // NativeOpsHolder needs the backend's properties, which loading the ND4J backend sets up
        ensureFloatDefaults();
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }
}
