package dev.sparkcnn.kernels.nativeengine;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN called directly, through JavaCPP's preset {@code org.bytedeco:dnnl} (2.5.2, the build on
 * the JavaCPP that nd4j-native 1.0.0-M2 uses), beside libnd4j's own copy of oneDNN 2.3. libnd4j
 * reorders NHWC activations to oneDNN's blocked layouts and back around every convolution call;
 * on an AVX2 CPU those reorders took more time than the convolutions (resnet20,
 * {@code DNNL_VERBOSE=1}: 11.8 s of reorders against 9.7 s of convolution kernels). Called
 * directly, oneDNN reads and writes our NHWC arrays in place and only the small weight tensors are
 * reordered.
 *
 * <p>Batch norm gains as much: one fused primitive each way against six and eight libnd4j ops.
 *
 * <p>Float only; the layers keep libnd4j's ops for double. The system property
 * {@value #PROPERTY}{@code =off} turns it off (for A/B measurements, or if the library misbehaves
 * somewhere); if the preset cannot load, the layers fall back to libnd4j's ops and say why once in
 * the log.
 *
 * <p>Threads: oneDNN runs on the OpenMP runtime libnd4j already loaded (one {@code libgomp} per
 * process), with the count {@link dev.sparkcnn.kernels.NativeRuntime} sets on the calling thread.
 * That count matters: ND4J starts OpenMP at 4 threads on a 2-core machine, and oneDNN's spin
 * barriers then wait on descheduled threads (measured: 60x slower batch norms).
 */
final class Dnnl {

    /** System property: {@code off} keeps the native engine on libnd4j's ops. */
    static final String PROPERTY = "sparkcnn.dnnl";

    private static final Logger LOG = LoggerFactory.getLogger(Dnnl.class);
    private static final Object LOCK = new Object();
    private static volatile dnnl_engine engine;
    private static volatile String unavailable; // why not, once known
    private static final ThreadLocal<Boolean> OFF_HERE = ThreadLocal.withInitial(() -> false);

    private Dnnl() {
    }

    /**
     * Whether layers may use oneDNN directly: not turned off (for the process, or on this thread by
     * {@link #turnedOffHere}), and the preset loads. Cheap after the first call.
     */
    static boolean available() {
        if (OFF_HERE.get()) {
            return false;
        }
        if (engine != null) {
            return true;
        }
        if (unavailable != null) {
            return false;
        }
        synchronized (LOCK) {
            if (engine == null && unavailable == null) {
                if ("off".equalsIgnoreCase(System.getProperty(PROPERTY, "on"))) {
                    unavailable = "turned off (-D" + PROPERTY + "=off)";
                } else {
                    try {
                        Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                        dnnl_engine created = new dnnl_engine();
                        check(dnnl_engine_create(created, dnnl_cpu, 0), "engine");
                        engine = created;
                        LOG.info("native engine: float convolutions, batch norms and poolings call oneDNN {} directly",
                                version());
                    } catch (RuntimeException | LinkageError e) {
                        unavailable = "the oneDNN preset did not load: " + e;
                        LOG.warn("native engine: convolutions and batch norms stay on libnd4j's ops, {}",
                                unavailable);
                    }
                }
            }
            return engine != null;
        }
    }

    /**
     * Runs {@code build} with oneDNN turned off on this thread: layers allocated in it keep
     * libnd4j's ops (tests compare the two paths in one process).
     */
    static <T> T turnedOffHere(java.util.function.Supplier<T> build) {
        OFF_HERE.set(true);
        try {
            return build.get();
        } finally {
            OFF_HERE.set(false);
        }
    }

    /**
     * Whether a convolution goes to oneDNN directly. Not a 1x1 convolution whose channels do not
     * fill whole 16-channel blocks: oneDNN 2.5.2's {@code jit_1x1:avx2} kernels on NHWC gave wrong
     * weight gradients for 3 -> 3 channels at stride 2 and wrote outside the arrays
     * ({@code double free or corruption} on the next free; {@link DnnlConvTest} checks it stays
     * on libnd4j's op). 16, not AVX2's 8, so that AVX-512's blocks are whole too. The catalogue's
     * 1x1 shortcuts (16 -> 32, 32 -> 64) qualify.
     */
    static boolean takesConvolution(int kernel, int inChannels, int outChannels) {
        return kernel != 1 || (inChannels % 16 == 0 && outChannels % 16 == 0);
    }

    private static volatile int channelBlock = -1; // once known

    /**
     * The channels in one block of the blocked layout oneDNN's kernels prefer on this CPU
     * ({@code nChw16c} with AVX-512, {@code nChw8c} with AVX2), 0 for older CPUs. An NHWC activation
     * of exactly that many channels has the same bytes as the blocked one, so describing it blocked
     * lets oneDNN run its blocked kernels on it, which are faster for batch norm (probe: 3.9 against
     * 5.7 ms for resnet20's seven 16-channel ones in training).
     */
    static int channelBlock() {
        if (channelBlock < 0) {
            engine();
            int isa = dnnl_get_effective_cpu_isa();
            channelBlock = (isa & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core ? 16
                    : (isa & dnnl_cpu_isa_avx2) == dnnl_cpu_isa_avx2 ? 8 : 0;
        }
        return channelBlock;
    }

    /**
     * The descriptor of an activation {@code [batch, height, width, channels]} for a batch norm:
     * blocked if {@code blocked}, or when the channels fill exactly one block (the same bytes as
     * NHWC, see {@link #channelBlock}); else NHWC ({@code acdb}).
     */
    static dnnl_memory_desc_t normActivation(boolean blocked, long batch, long channels, long height, long width) {
        return activation(blocked || channels == channelBlock(), batch, channels, height, width);
    }

    /**
     * The descriptor of an activation {@code [batch, height, width, channels]}: in the blocked
     * layout ({@code nChw16c} or {@code nChw8c}, see {@link #channelBlock}) if {@code blocked}, else NHWC.
     */
    static dnnl_memory_desc_t activation(boolean blocked, long batch, long channels, long height, long width) {
        int tag = !blocked ? dnnl_acdb : channelBlock() == 16 ? dnnl_aBcd16b : dnnl_aBcd8b;
        if (blocked && (channelBlock() == 0 || channels % channelBlock() != 0)) {
            throw new IllegalStateException(channels + " channels do not fill whole blocks of " + channelBlock());
        }
        return desc(tag, batch, channels, height, width);
    }

    /** System property: {@code auto} (the default) or {@code off}; see {@link #layoutBlock}. */
    static final String BLOCKED_PROPERTY = "sparkcnn.dnnl.blocked";

    /**
     * The channel block of the layout a network's layers hand each other activations in, when every
     * layer can ({@link NativeLayer#runsBlocked}): {@link #channelBlock} when oneDNN is available
     * and {@code -Dsparkcnn.dnnl.blocked} is not {@code off}; 0 for NHWC. An activation whose
     * channels fill whole blocks is then stored blocked ({@code nChw16c}: {@code [n][c/16][h][w][16]})
     * from the layer that writes it to the layers that read it, so oneDNN's batch norms run their
     * blocked kernels and Winograd's convolutions need no reorders, as in the networks of frameworks
     * that keep oneDNN's layout between layers.
     */
    static int layoutBlock() {
        String value = System.getProperty(BLOCKED_PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("auto") && !value.equals("off")) {
            throw new IllegalArgumentException("-D" + BLOCKED_PROPERTY + "=" + value + " is not one of auto, off");
        }
        return value.equals("off") || !available() ? 0 : channelBlock();
    }

    /** Whether {@code channels} fill whole blocks of {@code block} (0: none do). */
    static boolean wholeBlocks(int block, long channels) {
        return block > 0 && channels % block == 0;
    }

    /** System property: {@code auto} (the default), {@code on} or {@code off}; see {@link #takesWinograd}. */
    static final String WINOGRAD_PROPERTY = "sparkcnn.dnnl.winograd";

    /**
     * Whether a float convolution tries oneDNN's Winograd kernels ({@link DnnlWinogradConv}) before
     * the direct ones; they exist for AVX-512 only, and elsewhere, or where oneDNN declines the
     * shape, the direct kernels run. {@code auto}: 3x3, stride 1, 32 or more channels in and out.
     * Measured alone (oneDNN 2.6, 2 cores, batch 64, blocked layout, no reorders), forward and both
     * backward passes: 32 -> 32 on 16x16 2.0 ms against 2.45 direct, 64 -> 64 on 8x8 1.7 against
     * 2.47, 128 -> 128 on 7x7 5.2 against 7.5; at 16 channels Winograd is the slower (3.35 against
     * 3.07), before the reorders it needs. {@code on}: every 3x3 stride-1 convolution;
     * {@code off}: none.
     */
    static boolean takesWinograd(int kernel, int stride, int inChannels, int outChannels) {
        if (kernel != 3 || stride != 1) {
            return false;
        }
        String mode = System.getProperty(WINOGRAD_PROPERTY, "auto");
        return switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> inChannels >= 32 && outChannels >= 32;
            default -> throw new IllegalArgumentException("-D" + WINOGRAD_PROPERTY + "=" + mode
                    + " is not one of auto, on, off");
        };
    }

    /** The most memory a Winograd layer's blocked copies may take (its input, output and their gradients). */
    static final long WINOGRAD_SCRATCH_LIMIT = 256L << 20;

    /**
     * Whether a Winograd layer's four blocked copies (input and output, their gradients; float)
     * stay within {@link #WINOGRAD_SCRATCH_LIMIT}: on large images (e.g. 64 channels of 224x224
     * at batch 64, 3.3 GB) the memory would cost more than the time gained; the direct kernels
     * work on our arrays in place.
     */
    static boolean winogradScratchFits(long batch, long height, long width, long inChannels, long outChannels) {
        return 2L * Float.BYTES * batch * height * width * (inChannels + outChannels) <= WINOGRAD_SCRATCH_LIMIT;
    }

    private static volatile Boolean winogradKernels; // whether this CPU has them, once known

    /**
     * For logs: whether 3x3 convolutions of 32 or more channels run Winograd's kernels here, or
     * why not (turned off, or no kernels for this CPU: oneDNN has them for AVX-512 only). Tried
     * once on a small convolution.
     */
    static String winogradStatus() {
        if (!takesWinograd(3, 1, 32, 32)) {
            return "Winograd turned off (-D" + WINOGRAD_PROPERTY + "=off)";
        }
        if (winogradKernels == null) {
            boolean has;
            try (DnnlWinogradConv probe = new DnnlWinogradConv(1, new long[]{4, 4, 32}, 32, false, true, false, false)) {
                has = true;
            } catch (IllegalStateException e) {
                has = false;
            }
            winogradKernels = has;
        }
        return winogradKernels ? "Winograd for 3x3 stride-1 convolutions of 32+ channels"
                : "no Winograd kernels for this CPU (oneDNN has them for AVX-512)";
    }

    /** The loaded oneDNN's version, e.g. {@code 2.5.2}. */
    static String version() {
        engine();
        return dnnl_version().major() + "." + dnnl_version().minor() + "." + dnnl_version().patch();
    }

    /** Why {@link #available} is false, or null. */
    static String unavailableReason() {
        available();
        return unavailable;
    }

    static dnnl_engine engine() {
        if (!available()) {
            throw new IllegalStateException("oneDNN is not available: " + unavailable);
        }
        return engine;
    }

    /** Throws {@code IllegalStateException(message)} unless oneDNN chose the layout wanted. */
    static void requireLayout(dnnl_memory_desc_t wanted, dnnl_memory_desc_t chosen, String message) {
        if (dnnl_memory_desc_equal(wanted, chosen) == 0) {
            throw new IllegalStateException(message);
        }
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    /**
     * A float memory descriptor of {@code dims} in {@code tag} (e.g. {@code dnnl_acdb} for NHWC,
     * {@code dnnl_format_tag_any}).
     */
    static dnnl_memory_desc_t desc(int tag, long... dims) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return md;
    }

    /** The address of an array's first element (a view into a larger buffer allowed), as oneDNN takes it. */
    static Pointer address(INDArray array) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("oneDNN path takes float arrays, got " + array.dataType());
        }
        // a view's buffer (Nd4j.create(buffer, shape, strides, offset, order)) is itself a view whose
        // address already includes the offset; adding offset() again would skip as many elements
        Pointer pointer = array.data().addressPointer();
        return new Address(pointer.address() + pointer.position() * Float.BYTES);
    }

    /** A bare address (position 0), for oneDNN's {@code void *} handles. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }

    /**
     * The primitives, memory objects and descriptors one layer owns, destroyed together. A layer
     * builds its primitives once per batch size and points their memory objects at its arrays
     * before each call ({@link #point}).
     */
    static final class Resources implements AutoCloseable {
        private final List<dnnl_primitive> primitives = new ArrayList<>();
        private final List<dnnl_primitive_desc> descs = new ArrayList<>();
        private final List<dnnl_memory> memories = new ArrayList<>();
        private dnnl_stream stream;

        dnnl_stream stream() {
            if (stream == null) {
                dnnl_stream created = new dnnl_stream();
                check(dnnl_stream_create(created, engine(), dnnl_stream_default_flags), "stream");
                stream = created;
            }
            return stream;
        }

        /** A primitive descriptor for an operation descriptor ({@code hint}: the forward one, for backward passes). */
        dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_desc hint, String what) {
            return primitiveDesc(opDesc, null, hint, what);
        }

        /** The same with attributes (e.g. post-ops; null for none). */
        dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_attr attr, dnnl_primitive_desc hint,
                                          String what) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine(), hint), what);
            descs.add(pd);
            return pd;
        }

        /** A reorder between two layouts of the same tensor. */
        dnnl_primitive reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_reorder_primitive_desc_create(pd, from, engine(), to, engine(), null), "reorder");
            descs.add(pd);
            return primitive(pd, "reorder");
        }

        dnnl_primitive primitive(dnnl_primitive_desc pd, String what) {
            dnnl_primitive p = new dnnl_primitive();
            check(dnnl_primitive_create(p, pd), what);
            primitives.add(p);
            return p;
        }

        /** A memory object of {@code md} with no buffer yet: {@link #point} it at an array before use. */
        dnnl_memory memory(dnnl_memory_desc_t md) {
            dnnl_memory m = new dnnl_memory();
            check(dnnl_memory_create(m, md, engine(), (Pointer) null), "memory");
            memories.add(m);
            return m;
        }

        /**
         * A memory object with a buffer of oneDNN's own (aligned as its kernels want; freed with
         * the memory), for data no array of ours needs to see.
         */
        dnnl_memory ownedMemory(dnnl_memory_desc_t md) {
            dnnl_memory m = new dnnl_memory();
            check(dnnl_memory_create(m, md, engine(), new Address(-1L)), "memory"); // DNNL_MEMORY_ALLOCATE
            memories.add(m);
            return m;
        }

        /** Points a memory object at an array's data. */
        static void point(dnnl_memory memory, INDArray array) {
            check(dnnl_memory_set_data_handle(memory, address(array)), "memory handle");
        }

        /** Arguments for {@link #execute}: pairs of {@code DNNL_ARG_*} and memory. */
        static dnnl_exec_arg_t arguments(Object... pairs) {
            dnnl_exec_arg_t args = new dnnl_exec_arg_t(pairs.length / 2);
            for (int i = 0; i < pairs.length / 2; i++) {
                args.position(i).arg((Integer) pairs[2 * i]).memory((dnnl_memory) pairs[2 * i + 1]);
            }
            return args.position(0);
        }

        void execute(dnnl_primitive primitive, dnnl_exec_arg_t args, String what) {
            check(dnnl_primitive_execute(primitive, stream(), (int) args.capacity(), args), what);
            check(dnnl_stream_wait(stream), what);
        }

        @Override
        public void close() {
            for (dnnl_primitive p : primitives) {
                dnnl_primitive_destroy(p);
            }
            for (dnnl_primitive_desc pd : descs) {
                dnnl_primitive_desc_destroy(pd);
            }
            for (dnnl_memory m : memories) {
                dnnl_memory_destroy(m);
            }
            if (stream != null) {
                dnnl_stream_destroy(stream);
            }
            primitives.clear();
            descs.clear();
            memories.clear();
            stream = null;
        }
    }
}
