// What oneDNN's convolution primitives cost on their own: every convolution of resnet20 and
// vgg-bn (1x28x28), batch 64, forward + backward data + backward weights, each primitive in the
// memory layout it prefers (format "any": blocked), created once, no reorders; then their batch
// norms (training, ReLU fused where one follows) on the same blocked layout. This is the floor a
// binding of our own to oneDNN could reach for the convolutions; libnd4j and PyTorch both reorder
// NHWC/NCHW activations to and from the blocked layout around every call.
//
// Debian: apt-get install -y libdnnl-dev   (oneDNN 2.6.3, the version Debian's PyTorch links)
//   g++ -O2 -std=c++17 scripts/onednn-conv-probe.cpp -ldnnl -o /tmp/onednn-conv-probe
//   OMP_NUM_THREADS=2 /tmp/onednn-conv-probe [reps] [blocked|nhwc] [any|nhwc]
// (the second: the batch norms' layout; the third: the convolutions' activations, format any = the
// blocked layout they prefer, or NHWC as the native engine keeps them)
//
// Prints one row per convolution (ms of each primitive, median of the reps) and per network the
// sum a training step would spend in them. Compare with the conv rows of `bin/sparkcnn bench
// kernels --layer-times` and with scripts/pytorch-op-profile.py in the same session.
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Conv {
    int in, out, side, kernel, stride;
    bool first;  // a network's first layer: no input gradient
};

static memory filled(const memory::desc &md, const engine &eng, std::mt19937 &rng) {
    memory m(md, eng);
    float *p = static_cast<float *>(m.get_data_handle());
    std::normal_distribution<float> normal(0.f, 0.1f);
    for (size_t i = 0; i < md.get_size() / sizeof(float); i++) p[i] = normal(rng);
    return m;
}

static double median_ms(stream &s, primitive &p, std::unordered_map<int, memory> &args, int reps) {
    for (int i = 0; i < 3; i++) p.execute(s, args);
    s.wait();
    std::vector<double> t;
    for (int i = 0; i < reps; i++) {
        auto a = std::chrono::steady_clock::now();
        p.execute(s, args);
        s.wait();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? std::atoi(argv[1]) : 20;
    std::string layout = argc > 2 ? argv[2] : "blocked";
    if (reps < 1 || (layout != "blocked" && layout != "nhwc")
            || (argc > 3 && std::string(argv[3]) != "nhwc" && std::string(argv[3]) != "any")) {
        std::fprintf(stderr, "usage: %s [reps >= 1] [blocked|nhwc: the batch norms' layout] [any|nhwc: the convolutions' activations]\n", argv[0]);
        return 2;
    }
    // the blocked layout is the one oneDNN's convolutions pick: 16 channels a block with AVX-512, 8 with AVX2
    const bool avx512 = dnnl::get_effective_cpu_isa() >= dnnl::cpu_isa::avx512_core;
    const tag normLayout = layout == "nhwc" ? tag::acdb : avx512 ? tag::aBcd16b : tag::aBcd8b;
    const bool convNhwc = argc > 3 && std::string(argv[3]) == "nhwc";
    const tag convLayout = convNhwc ? tag::acdb : tag::any;
    const int n = 64;
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    std::mt19937 rng(7);
    std::vector<std::pair<std::string, std::vector<Conv>>> nets;
    std::vector<Conv> resnet = {{3, 16, 32, 3, 1, true}};
    for (int i = 0; i < 6; i++) resnet.push_back({16, 16, 32, 3, 1, false});
    resnet.push_back({16, 32, 32, 3, 2, false});
    resnet.push_back({32, 32, 16, 3, 1, false});
    resnet.push_back({16, 32, 32, 1, 2, false});
    for (int i = 0; i < 4; i++) resnet.push_back({32, 32, 16, 3, 1, false});
    resnet.push_back({32, 64, 16, 3, 2, false});
    resnet.push_back({64, 64, 8, 3, 1, false});
    resnet.push_back({32, 64, 16, 1, 2, false});
    for (int i = 0; i < 4; i++) resnet.push_back({64, 64, 8, 3, 1, false});
    nets.push_back({"resnet20", resnet});
    nets.push_back({"vgg-bn-1x28", {{1, 32, 28, 3, 1, true}, {32, 32, 28, 3, 1, false}, {32, 64, 14, 3, 1, false},
                                    {64, 64, 14, 3, 1, false}, {64, 128, 7, 3, 1, false}, {128, 128, 7, 3, 1, false}}});
    std::printf("oneDNN %d.%d.%d, batch %d, f32, activations %s (no reorders), median of %d reps\n",
                dnnl_version()->major, dnnl_version()->minor, dnnl_version()->patch, n, convNhwc ? "NHWC" : "format any",
                reps);
    std::printf("%-12s %-24s %8s %8s %8s %8s\n", "network", "conv", "fwd ms", "bwd-d ms", "bwd-w ms", "sum ms");
    for (auto &[name, convs] : nets) {
        double total = 0;
        for (const Conv &c : convs) {
            int pad = c.kernel / 2;
            int outSide = (c.side + 2 * pad - c.kernel) / c.stride + 1;
            memory::dims src = {n, c.in, c.side, c.side}, wei = {c.out, c.in, c.kernel, c.kernel},
                         dst = {n, c.out, outSide, outSide}, strides = {c.stride, c.stride}, pads = {pad, pad};
            // activations in the layout the convolution prefers (blocked), or NHWC as the native engine keeps them
            memory::desc srcAny(src, dt::f32, convLayout), weiAny(wei, dt::f32, tag::any), dstAny(dst, dt::f32, convLayout);
            convolution_forward::primitive_desc fwd(
                    convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, srcAny, weiAny,
                                              dstAny, strides, pads, pads),
                    eng);
            convolution_backward_data::primitive_desc bwdData(
                    convolution_backward_data::desc(algorithm::convolution_direct, srcAny, weiAny, dstAny, strides, pads,
                                                    pads),
                    eng, fwd);
            convolution_backward_weights::primitive_desc bwdWeights(
                    convolution_backward_weights::desc(algorithm::convolution_direct, srcAny, weiAny, dstAny, strides,
                                                       pads, pads),
                    eng, fwd);
            memory x = filled(fwd.src_desc(), eng, rng), w = filled(fwd.weights_desc(), eng, rng),
                   y = filled(fwd.dst_desc(), eng, rng), dy = filled(bwdWeights.diff_dst_desc(), eng, rng),
                   dx = filled(bwdData.diff_src_desc(), eng, rng), dw = filled(bwdWeights.diff_weights_desc(), eng, rng),
                   wd = filled(bwdData.weights_desc(), eng, rng), dyd = filled(bwdData.diff_dst_desc(), eng, rng);
            primitive pf = convolution_forward(fwd), pd = convolution_backward_data(bwdData),
                      pw = convolution_backward_weights(bwdWeights);
            std::unordered_map<int, memory> fa = {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, y}};
            std::unordered_map<int, memory> da = {{DNNL_ARG_DIFF_DST, dyd}, {DNNL_ARG_WEIGHTS, wd}, {DNNL_ARG_DIFF_SRC, dx}};
            std::unordered_map<int, memory> wa = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}};
            double f = median_ms(s, pf, fa, reps);
            double d = c.first ? 0 : median_ms(s, pd, da, reps);
            double wt = median_ms(s, pw, wa, reps);
            char label[64];
            std::snprintf(label, sizeof label, "%dx%dx%d->%dx%dx%d k%d", c.in, c.side, c.side, c.out, outSide, outSide,
                          c.kernel);
            std::printf("%-12s %-24s %8.2f %8.2f %8.2f %8.2f\n", name.c_str(), label, f, d, wt, f + d + wt);
            total += f + d + wt;
        }
        std::printf("%-12s %-24s %35.1f\n", name.c_str(), "all convolutions, a step", total);
    }

    // Batch norm in training (batch statistics), forward and backward, on the blocked layout the
    // convolutions write (nChw16c) or on NHWC (the native engine's layout), ReLU fused where the
    // network has one right after it.
    struct Norm {
        int channels, side, count;
        bool relu;
    };
    std::vector<std::pair<std::string, std::vector<Norm>>> norms = {
            {"resnet20", {{16, 32, 4, true}, {16, 32, 3, false}, {32, 16, 3, true}, {32, 16, 4, false},
                          {64, 8, 3, true}, {64, 8, 4, false}}},
            {"vgg-bn-1x28", {{32, 28, 2, true}, {64, 14, 2, true}, {128, 7, 2, true}}}};
    std::printf("%-12s %-24s %8s %8s %8s %8s  (%s)\n", "network", "batch norm (training)", "fwd ms", "bwd ms", "layers",
                "sum ms", layout.c_str());
    for (auto &[name, list] : norms) {
        double total = 0;
        for (const Norm &b : list) {
            memory::desc md({n, b.channels, b.side, b.side}, dt::f32, normLayout);
            normalization_flags flags = normalization_flags::use_scale_shift;
            if (b.relu) flags = flags | normalization_flags::fuse_norm_relu;
            batch_normalization_forward::primitive_desc fwd(
                    batch_normalization_forward::desc(prop_kind::forward_training, md, 1e-5f, flags), eng);
            batch_normalization_backward::primitive_desc bwd(
                    batch_normalization_backward::desc(prop_kind::backward, md, md, 1e-5f, flags), eng, fwd);
            memory x = filled(md, eng, rng), y = filled(md, eng, rng), dy = filled(md, eng, rng),
                   dx = filled(md, eng, rng), ss = filled(fwd.weights_desc(), eng, rng),
                   dss = filled(bwd.diff_weights_desc(), eng, rng), mean = filled(fwd.mean_desc(), eng, rng),
                   var = filled(fwd.variance_desc(), eng, rng);
            std::unordered_map<int, memory> fa = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}, {DNNL_ARG_SCALE_SHIFT, ss},
                                                  {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}};
            std::unordered_map<int, memory> ba = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx},
                                                  {DNNL_ARG_SCALE_SHIFT, ss}, {DNNL_ARG_DIFF_SCALE_SHIFT, dss},
                                                  {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}};
            if (b.relu) {
                memory ws(fwd.workspace_desc(), eng);
                fa[DNNL_ARG_WORKSPACE] = ws;
                ba[DNNL_ARG_WORKSPACE] = ws;
            }
            primitive pf = batch_normalization_forward(fwd), pb = batch_normalization_backward(bwd);
            double f = median_ms(s, pf, fa, reps);
            double bk = median_ms(s, pb, ba, reps);
            char label[64];
            std::snprintf(label, sizeof label, "%dx%dx%d%s", b.channels, b.side, b.side, b.relu ? " + relu" : "");
            std::printf("%-12s %-24s %8.2f %8.2f %8d %8.2f\n", name.c_str(), label, f, bk, b.count, b.count * (f + bk));
            total += b.count * (f + bk);
        }
        std::printf("%-12s %-24s %35.1f\n", name.c_str(), "all batch norms, a step", total);
    }
    return 0;
}
