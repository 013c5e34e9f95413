#!/usr/bin/python3
"""Where PyTorch's CPU training step goes, op by op, for the reference networks of
../shared/bench/pytorch_reference.py (the same definitions, read from that file, so the two cannot
drift apart). It answers one question the images/s ratio cannot: how much of PyTorch's step is
oneDNN's convolutions, which sparkcnn's native engine calls too (through libnd4j). A speed target
of R x PyTorch needs a step of (PyTorch's step / R); if the convolutions alone take longer than
that, no work outside them can reach it.

  apt-get install -y python3-torch          # once (Debian's python3, not a venv)
  /usr/bin/python3 scripts/pytorch-op-profile.py [--threads 2] [--steps 30] [--models resnet20,vgg-bn-1x28]

Prints, per model: the step's milliseconds and images/s (Adam, batch 64, as the reference; the
fastest of three unprofiled runs), the milliseconds a step of every op (self time, top 12), and the
convolutions' share (forward aten::mkldnn_convolution plus aten::convolution_backward). Run it in the same session as
`bin/sparkcnn bench kernels --layer-times` and compare the two conv rows.
"""
import argparse, os, sys, time

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--steps", type=int, default=30, help="profiled steps per model (after 10 warm-up steps)")
parser.add_argument("--models", default="resnet20,vgg-bn-1x28,vgg-bn-3x32")
parser.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "bench", "pytorch_reference.py"),
                    help="the reference script whose network definitions are profiled")
args = parser.parse_args()


def fail(message):  # bad input: one line naming the option, exit status 2
    print(f"{sys.argv[0]}: {message}", file=sys.stderr)
    sys.exit(2)


if args.threads < 1 or args.steps < 1:
    fail(f"--threads and --steps must be >= 1, got {args.threads} and {args.steps}")
if not os.path.isfile(args.reference):
    fail(f"--reference {args.reference} does not exist")
try:
    import torch, torch.nn as nn
except ImportError:
    sys.exit(f"{sys.argv[0]}: no torch in {sys.executable}; apt-get install -y python3-torch and run /usr/bin/python3")

# the reference's definitions, without its benchmark loop (everything from its first print on)
source = open(args.reference).read()
cut = source.find('print(f"torch')
if cut < 0:
    fail(f"--reference {args.reference} does not look like pytorch_reference.py (no 'print(f\"torch' line)")
definitions = {}
saved_argv = sys.argv
sys.argv = [args.reference, str(args.threads)]
exec(compile(source[:cut], args.reference, "exec"), definitions)
sys.argv = saved_argv
torch.set_num_threads(args.threads)

models = {
    "resnet20": (lambda: definitions["resnet20"](), (3, 32, 32)),
    "vgg-bn-3x32": (lambda: definitions["vgg_bn"](), (3, 32, 32)),
    "vgg-bn-1x28": (lambda: definitions["vgg_bn"](1, 28), (1, 28, 28)),
    "cifar-cnn": (lambda: definitions["tf_cifar"](), (3, 32, 32)),
}
CONV_OPS = ("aten::mkldnn_convolution", "aten::convolution_backward")

unknown = [name for name in args.models.split(",") if name not in models]
if unknown:
    fail(f"--models: unknown model '{unknown[0]}'; choose from {', '.join(models)}")
print(f"torch {torch.__version__}, {args.threads} thread(s), batch 64, Adam; {args.steps} profiled steps per model")
for name in args.models.split(","):
    build, shape = models[name]
    net = build()
    net.train()
    opt = torch.optim.Adam(net.parameters())
    loss = nn.CrossEntropyLoss()
    x, y = torch.rand(64, *shape), torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        loss(net(x), y).backward()
        opt.step()

    for _ in range(10):
        step()
    plain = float("inf")
    for _ in range(3):  # unprofiled, the fastest of three runs: the most lenient step to set a target from
        t = time.perf_counter()
        for _ in range(args.steps):
            step()
        plain = min(plain, (time.perf_counter() - t) / args.steps)
    with torch.autograd.profiler.profile() as prof:
        for _ in range(args.steps):
            step()
    rows = sorted(((e.self_cpu_time_total / args.steps / 1000.0, e.count // args.steps, e.key)
                   for e in prof.key_averages()), reverse=True)
    conv = sum(ms for ms, _, key in rows if key in CONV_OPS)
    profiled = sum(ms for ms, _, _ in rows)
    print(f"{name} {'x'.join(map(str, shape))}: step {plain * 1000:.1f} ms ({64 / plain:.0f} images/s; unprofiled, best of 3 runs); "
          f"profiled ops {profiled:.1f} ms a step")
    for ms, count, key in rows[:12]:
        print(f"  {key:<44} {ms:8.2f} ms  x{count}")
    print(f"  convolutions (forward + backward): {conv:.1f} ms = {conv / profiled:.0%} of the profiled step; "
          f"a 1.5x step would be {plain * 1000 / 1.5:.1f} ms")
