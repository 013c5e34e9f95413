// Control for scripts/DnnlBatchNormProbe.java: the same oneDNN batch norm + ReLU calls on JavaCPP
// buffers, with libnd4j loaded only when asked ("nd4j": before the preset, "after": after it).
// Root cause of the slowdown the probe first showed: ND4J starts its OpenMP runtime at 4 threads on
// a 2-core machine, oneDNN shares that libgomp.so.1, and its batch-norm kernels' spin barriers then
// wait on descheduled threads. OMP2=1 sets ND4J's OpenMP count to 2 (as NativeRuntime does) and the
// calls are fast again. Class path as in DnnlBatchNormProbe.java.
//   java -cp ... scripts/DnnlBatchNormControl.java SIDE CHANNELS nhwc [none|nd4j|after]
import static org.bytedeco.dnnl.global.dnnl.*;
import org.bytedeco.dnnl.*;
import org.bytedeco.javacpp.*;
import java.util.Arrays;

public class DnnlBatchNormControl {
    static void check(int status, String what) { if (status != dnnl_success) throw new IllegalStateException(what + ": " + status); }
    static dnnl_memory mem(dnnl_memory_desc_t md, dnnl_engine eng, Pointer a) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, eng, a), "memory");
        return m;
    }
    static double median(double[] t) { double[] c = t.clone(); Arrays.sort(c); return c[c.length / 2]; }

    public static void main(String[] args) {
        int n = 64, h = Integer.parseInt(args[0]), w = h, c = Integer.parseInt(args[1]);
        boolean relu = true; boolean quiet = args.length > 3;
        if (args.length > 3 && args[3].equals("nd4j")) { org.nd4j.linalg.factory.Nd4j.create(1); System.out.println("ND4J initialised first; maxThreads " + org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads() + " maxMaster " + org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads()); if (System.getenv("SET2") != null) { org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(2); org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(2); System.out.println("set ND4J threads to 2"); }
            org.nd4j.nativeblas.NativeOps ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps(); System.out.println("omp max threads as ND4J sees it: " + ops.ompGetMaxThreads()); if (System.getenv("OMP2") != null) { ops.setOmpNumThreads(2); System.out.println("omp set to 2 -> " + ops.ompGetMaxThreads()); } }
        org.bytedeco.javacpp.Loader.load(org.bytedeco.dnnl.global.dnnl.class);
        try { for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) if (l.startsWith("Cpus_allowed_list")) System.out.println("main thread " + l); } catch (Exception e) { }
        if (args.length > 3 && args[3].equals("after")) { org.nd4j.linalg.factory.Nd4j.create(1); System.out.println("ND4J initialised after dnnl"); }
        java.util.Random rnd = new java.util.Random(1);
        long size = (long) n * h * w * c;
        FloatPointer x = new FloatPointer(size), y = new FloatPointer(size), dy = new FloatPointer(size), dx = new FloatPointer(size);
        for (long i = 0; i < size; i++) { x.put(i, (float) rnd.nextGaussian() * 2 + 0.5f); dy.put(i, (float) rnd.nextGaussian()); }
        FloatPointer ss = new FloatPointer(2L * c), dss = new FloatPointer(2L * c), mean = new FloatPointer(c), var = new FloatPointer(c);
        for (int i = 0; i < c; i++) { ss.put(i, 1.5f); ss.put(c + i, 0.1f); }
        dnnl_engine eng = new dnnl_engine();
        check(dnnl_engine_create(eng, dnnl_cpu, 0), "engine");
        dnnl_stream st = new dnnl_stream();
        check(dnnl_stream_create(st, eng, dnnl_stream_default_flags), "stream");
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, 4, new long[]{n, c, h, w}, dnnl_f32, args.length > 2 && args[2].equals("blocked") ? dnnl_aBcd16b : dnnl_nhwc), "md");
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
            long e = System.nanoTime();
            if (i >= 10) { tf[i - 10] = (b - a) / 1e6; tb[i - 10] = (d - b) / 1e6; tn[i - 10] = (e - d) / 1e6; }
        }
        System.out.printf("%dx%dx%dx%d f32 BN+ReLU training: fwd %.3f ms, bwd %.3f ms%n", n, h, w, c, median(tf), median(tb));
    }
}
