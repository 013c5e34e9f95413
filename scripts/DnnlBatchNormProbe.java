// Scratch probe, not part of the build: oneDNN's batch norm + ReLU (training) called from Java on
// ND4J arrays through JavaCPP's preset org.bytedeco:dnnl 2.5.2-1.5.7 (the build on JavaCPP 1.5.7,
// as nd4j-native 1.0.0-M2), inside a process that also runs libnd4j. It checks the forward result
// against a plain computation, times forward and backward, and times an ND4J op before oneDNN is
// loaded and between its calls. Figures in docs/benchmarks.md ("What a binding of our own to
// oneDNN would buy").
//
//   v=https://repo1.maven.org/maven2/org/bytedeco
//   for f in dnnl/2.5.2-1.5.7/dnnl-2.5.2-1.5.7{,-linux-x86_64}.jar opencl/3.0-1.5.7/opencl-3.0-1.5.7{,-linux-x86_64}.jar
//   do curl -sO $v/$f; done
//   java -cp "deploy/target/lib/*:dnnl-2.5.2-1.5.7.jar:dnnl-2.5.2-1.5.7-linux-x86_64.jar:opencl-3.0-1.5.7.jar:opencl-3.0-1.5.7-linux-x86_64.jar" \
//     scripts/DnnlBatchNormProbe.java SIDE CHANNELS
// It sets ND4J's OpenMP thread count to the cores, as the native engine does; with
// ND4J_DEFAULT_THREADS=1 it keeps ND4J's start-up count (4 on a 2-core machine), which makes the
// preset's batch norm ~60x slower. CAP_AVX2=1 caps the preset's oneDNN at AVX2
// (dnnl_set_max_cpu_isa, which leaves libnd4j's own oneDNN alone).
import static org.bytedeco.dnnl.global.dnnl.*;
import org.bytedeco.dnnl.*;
import org.bytedeco.javacpp.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import java.util.Arrays;

public class DnnlBatchNormProbe {
    static void check(int status, String what) { if (status != dnnl_success) throw new IllegalStateException(what + ": " + status); }
    static Pointer ptr(INDArray a) { return new Pointer(a.data().addressPointer()).position(0); }
    static dnnl_memory mem(dnnl_memory_desc_t md, dnnl_engine eng, INDArray a) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, eng, ptr(a)), "memory");
        return m;
    }
    static double median(double[] t) { double[] c = t.clone(); Arrays.sort(c); return c[c.length / 2]; }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: DnnlBatchNormProbe SIDE CHANNELS   (a batch of 64 NHWC SIDE x SIDE x CHANNELS)");
            System.exit(2);
        }
        int n = 64, h = Integer.parseInt(args[0]), w = h, c = Integer.parseInt(args[1]);
        boolean relu = true;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, h, w, c).muli(2).addi(0.5);
        INDArray y = Nd4j.create(DataType.FLOAT, n, h, w, c), dy = Nd4j.randn(DataType.FLOAT, n, h, w, c),
                dx = Nd4j.create(DataType.FLOAT, n, h, w, c);
        INDArray ss = Nd4j.create(DataType.FLOAT, 2, c); ss.getRow(0).assign(1.5); ss.getRow(1).assign(0.1);
        INDArray dss = Nd4j.create(DataType.FLOAT, 2, c), mean = Nd4j.create(DataType.FLOAT, c), var = Nd4j.create(DataType.FLOAT, c);
        // an ND4J op alone, before dnnl is loaded
        INDArray scratch = Nd4j.create(DataType.FLOAT, n, h, w, c);
        double[] t0 = new double[50];
        for (int i = 0; i < 60; i++) { long a = System.nanoTime(); scratch.assign(x).muli(1.0001); if (i >= 10) t0[i - 10] = (System.nanoTime() - a) / 1e6; }

        // ND4J starts its OpenMP runtime at 4 threads on a 2-core machine, and oneDNN shares that
        // runtime (one libgomp.so.1 per process): its batch-norm kernels' spin barriers then wait on
        // descheduled threads. The native engine sets the count (NativeRuntime.configureThreads);
        // so does this probe, unless ND4J_DEFAULT_THREADS is set.
        org.nd4j.nativeblas.NativeOps ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int ndThreads = ops.ompGetMaxThreads();
        if (System.getenv("ND4J_DEFAULT_THREADS") == null) {
            ops.setOmpNumThreads(Runtime.getRuntime().availableProcessors());
        }
        System.out.printf("OpenMP threads: %d as ND4J started them, %d now%n", ndThreads, ops.ompGetMaxThreads());
        if (System.getenv("CAP_AVX2") != null) { // the preset's own copy of oneDNN only: libnd4j's keeps AVX-512
            check(dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx2), "dnnl_set_max_cpu_isa");
        }
        dnnl_engine eng = new dnnl_engine();
        check(dnnl_engine_create(eng, dnnl_cpu, 0), "engine");
        dnnl_stream st = new dnnl_stream();
        check(dnnl_stream_create(st, eng, dnnl_stream_default_flags), "stream");
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, 4, new long[]{n, c, h, w}, dnnl_f32, dnnl_nhwc), "md");
        int flags = dnnl_use_scaleshift | (relu ? dnnl_fuse_norm_relu : 0);
        dnnl_batch_normalization_desc_t fd = new dnnl_batch_normalization_desc_t();
        check(dnnl_batch_normalization_forward_desc_init(fd, dnnl_forward_training, md, 1e-5f, flags), "fwd desc");
        dnnl_primitive_desc fpd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(fpd, new const_dnnl_op_desc_t(fd), null, eng, null), "fwd pd");
        dnnl_batch_normalization_desc_t bd = new dnnl_batch_normalization_desc_t();
        check(dnnl_batch_normalization_backward_desc_init(bd, dnnl_backward, md, md, 1e-5f, flags), "bwd desc");
        dnnl_primitive_desc bpd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(bpd, new const_dnnl_op_desc_t(bd), null, eng, fpd), "bwd pd");
        dnnl_primitive fp = new dnnl_primitive(), bp = new dnnl_primitive();
        check(dnnl_primitive_create(fp, fpd), "fwd prim");
        check(dnnl_primitive_create(bp, bpd), "bwd prim");
        dnnl_memory_desc_t wsmd = dnnl_primitive_desc_query_md(fpd, dnnl_query_workspace_md, 0);
        dnnl_memory_desc_t ssmd = new dnnl_memory_desc_t(), cmd = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(ssmd, 2, new long[]{2, c}, dnnl_f32, dnnl_nc), "ss md");
        check(dnnl_memory_desc_init_by_tag(cmd, 1, new long[]{c}, dnnl_f32, dnnl_a), "c md");
        dnnl_memory mx = mem(md, eng, x), my = mem(md, eng, y), mdy = mem(md, eng, dy), mdx = mem(md, eng, dx),
                mss = mem(ssmd, eng, ss), mdss = mem(ssmd, eng, dss), mmean = mem(cmd, eng, mean), mvar = mem(cmd, eng, var);
        dnnl_memory mws = new dnnl_memory();
        check(dnnl_memory_create(mws, wsmd, eng, new BytePointer(Math.max(1, dnnl_memory_desc_get_size(wsmd)))), "ws");
        int[][] fa = {{DNNL_ARG_SRC, 0}, {DNNL_ARG_DST, 1}, {DNNL_ARG_SCALE_SHIFT, 2}, {DNNL_ARG_MEAN, 3}, {DNNL_ARG_VARIANCE, 4}, {DNNL_ARG_WORKSPACE, 5}};
        dnnl_memory[] fm = {mx, my, mss, mmean, mvar, mws};
        dnnl_exec_arg_t fargs = new dnnl_exec_arg_t(fa.length);
        for (int i = 0; i < fa.length; i++) fargs.position(i).arg(fa[i][0]).memory(fm[i]);
        fargs.position(0);
        int[] ba = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_SCALE_SHIFT, DNNL_ARG_DIFF_SCALE_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_WORKSPACE};
        dnnl_memory[] bm = {mx, mdy, mdx, mss, mdss, mmean, mvar, mws};
        dnnl_exec_arg_t bargs = new dnnl_exec_arg_t(ba.length);
        for (int i = 0; i < ba.length; i++) bargs.position(i).arg(ba[i]).memory(bm[i]);
        bargs.position(0);

        int reps = 50;
        double[] tf = new double[reps], tb = new double[reps], tn = new double[reps];
        for (int i = 0; i < reps + 10; i++) {
            long a = System.nanoTime();
            check(dnnl_primitive_execute(fp, st, fa.length, fargs), "fwd");
            check(dnnl_stream_wait(st), "wait");
            long b = System.nanoTime();
            check(dnnl_primitive_execute(bp, st, ba.length, bargs), "bwd");
            check(dnnl_stream_wait(st), "wait");
            long d = System.nanoTime();
            scratch.assign(x).muli(1.0001); // an ND4J op between the dnnl calls
            long e = System.nanoTime();
            if (i >= 10) { tf[i - 10] = (b - a) / 1e6; tb[i - 10] = (d - b) / 1e6; tn[i - 10] = (e - d) / 1e6; }
        }
        // check: forward against a plain computation for channel 0 and 1
        float[] xs = x.reshape(-1).toFloatVector(), ys = y.reshape(-1).toFloatVector();
        double worst = 0;
        for (int ch = 0; ch < Math.min(c, 3); ch++) {
            double s = 0, q = 0; int rows = n * h * w;
            for (int r = 0; r < rows; r++) s += xs[r * c + ch];
            double m = s / rows;
            for (int r = 0; r < rows; r++) q += (xs[r * c + ch] - m) * (xs[r * c + ch] - m);
            double v = q / rows;
            for (int r = 0; r < rows; r += 97) {
                double want = Math.max(0, 1.5 * (xs[r * c + ch] - m) / Math.sqrt(v + 1e-5) + 0.1);
                worst = Math.max(worst, Math.abs(want - ys[r * c + ch]));
            }
        }
        System.out.printf("nhwc %dx%dx%dx%d f32 BN+ReLU training: fwd %.3f ms, bwd %.3f ms (median of %d); max |err| vs plain %.2e%n",
                n, h, w, c, median(tf), median(tb), reps, worst);
        System.out.printf("ND4J assign+muli on the same array: %.3f ms before dnnl loaded, %.3f ms between dnnl calls%n",
                median(t0), median(tn));
    }
}
