#!/usr/bin/env python3
"""The PyTorch peer of Gantry's conv suite: dcgan-small's four convolution layers at batch 64 (kernel 4,
stride 2, padding 1), each timed as the suite times it: the forward pass with its bias and no gradient
recording, then the input's gradient and the weight's gradient alone (autograd asks the convolution's
backward for one of them at a time). Median of five timed batches, each at least 0.2 s.

Usage: torch_conv.py THREADS   (one JSON line per layer; pin one thread with taskset)
"""
import json
import sys
import time

threads = int(sys.argv[1])

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(threads)
torch.manual_seed(1)

# name (as the conv suite prints it), transposed, input shape, weight shape
LAYERS = [
    ("D conv 1→64 28²", False, (64, 1, 28, 28), (64, 1, 4, 4)),
    ("D conv 64→128 14²", False, (64, 64, 14, 14), (128, 64, 4, 4)),
    ("G convT 128→64 7²", True, (64, 128, 7, 7), (128, 64, 4, 4)),
    ("G convT 64→1 14²", True, (64, 64, 14, 14), (64, 1, 4, 4)),
]


def median_seconds(body):
    body()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            body()
        if time.perf_counter() - start >= 0.05:
            break
        calls *= 2
    calls *= 4
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            body()
        samples.append((time.perf_counter() - start) / calls)
    return sorted(samples)[2]


for name, transposed, input_shape, weight_shape in LAYERS:
    x = torch.empty(input_shape).uniform_(-1, 1)
    w = torch.empty(weight_shape).uniform_(-0.1, 0.1)
    b = torch.empty(weight_shape[1 if transposed else 0]).uniform_(-0.1, 0.1)
    op = F.conv_transpose2d if transposed else F.conv2d
    with torch.no_grad():
        forward = median_seconds(lambda: op(x, w, b, stride=2, padding=1))
    xv, wv = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    y = op(xv, wv, b, stride=2, padding=1)
    g = torch.empty(y.shape).uniform_(-1, 1)
    input_gradient = median_seconds(lambda: torch.autograd.grad(y, xv, g, retain_graph=True))
    weight_gradient = median_seconds(lambda: torch.autograd.grad(y, wv, g, retain_graph=True))
    print(json.dumps({"case": "conv-torch", "layer": name, "threads": threads,
                      "forward_ms": round(forward * 1e3, 4), "input_gradient_ms": round(input_gradient * 1e3, 4),
                      "weight_gradient_ms": round(weight_gradient * 1e3, 4), "torch": torch.__version__},
                     ensure_ascii=False), flush=True)
