#!/usr/bin/env python3
"""The PyTorch peer of Gantry's dcgan benchmark configurations (issue 18), eager mode (oneDNN on CPU).

One iteration: n_critic D updates, each on a fresh batch of 64 images uniform in [-1, 1] (drawn on the
spot, no file reading) and fresh noise z ~ N(0, 1), D scored separately on the real and the fake batch;
then one G update on fresh noise. G runs in training mode throughout (BatchNorm on batch statistics, its
running averages updated as PyTorch does). Layers keep PyTorch's default initialisation.

  dcgan-small:  non-saturating loss, 1 D update per G update, Adam 2e-4 (0.5, 0.999)
  dcgan-wgangp: WGAN-GP, lambda 10 (interpolates drawn per sample), 5 critic updates, Adam 1e-4 (0.5, 0.9)

Usage: torch_dcgan.py CONFIG THREADS   (prints one JSON line; pin one thread with taskset)
"""
import json
import resource
import sys
import time

config_name, threads = sys.argv[1], int(sys.argv[2])

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

CONFIGS = {
    "dcgan-small": dict(loss="ns", n_critic=1, lr=2e-4, betas=(0.5, 0.999)),
    "dcgan-wgangp": dict(loss="wgan-gp", lam=10.0, n_critic=5, lr=1e-4, betas=(0.5, 0.9)),
}
c = CONFIGS[config_name]
BATCH, Z = 64, 100

torch.set_num_threads(threads)
torch.manual_seed(0)

G = nn.Sequential(
    nn.Linear(Z, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
    nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
    nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh())
D = nn.Sequential(
    nn.Conv2d(1, 64, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
    nn.Conv2d(64, 128, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
    nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
g_opt = torch.optim.Adam(G.parameters(), lr=c["lr"], betas=c["betas"])
d_opt = torch.optim.Adam(D.parameters(), lr=c["lr"], betas=c["betas"])


def d_loss(real, fake):
    if c["loss"] == "ns":
        return F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
    eps = torch.rand(BATCH, 1, 1, 1)
    interpolates = (real + eps * (fake - real)).requires_grad_(True)
    grads, = torch.autograd.grad(D(interpolates).sum(), interpolates, create_graph=True)
    penalty = ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()
    return D(fake).mean() - D(real).mean() + c["lam"] * penalty


def iteration():
    for _ in range(c["n_critic"]):
        real = torch.empty(BATCH, 1, 28, 28).uniform_(-1, 1)
        with torch.no_grad():
            fake = G(torch.randn(BATCH, Z))
        d_opt.zero_grad(set_to_none=True)
        d_loss(real, fake).backward()
        d_opt.step()
    g_opt.zero_grad(set_to_none=True)
    scores = D(G(torch.randn(BATCH, Z)))
    (F.softplus(-scores).mean() if c["loss"] == "ns" else -scores.mean()).backward()
    g_opt.step()


def main():
    for _ in range(5):
        iteration()
    start = time.perf_counter()
    for _ in range(5):
        iteration()
    per_iteration = (time.perf_counter() - start) / 5
    count = max(5, int(2.0 / per_iteration))
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(count):
            iteration()
        rates.append(count / (time.perf_counter() - start))
    rates.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"case": "train-torch", "config": config_name, "threads": threads,
                      "iterations_per_second": round(rates[2], 2), "min": round(rates[0], 2),
                      "max": round(rates[4], 2), "peak_mb": round(peak, 1), "torch": torch.__version__}))


main()
