#!/usr/bin/env python3
"""The peer of Gantry's training benchmark in JAX: the same iteration (n_critic D updates, then one G
update, each on a fresh batch and fresh noise; D called separately on real and fake; Linear init
U(±1/sqrt(fan_in)); Adam with PyTorch semantics), jit-compiled, timed the same way.

Usage: jax_gan.py CONFIG THREADS   (prints one JSON line)
"""
import json
import os
import sys
import time

config_name, threads = sys.argv[1], int(sys.argv[2])
os.environ["XLA_FLAGS"] = (
    f"--xla_cpu_multi_thread_eigen={'false' if threads == 1 else 'true'} "
    f"intra_op_parallelism_threads={threads}")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

CONFIGS = {
    "toy-small": dict(data="ring", dim=2, z=2, g=[128, 128], d=[128, 128], act="relu", out=None, batch=128,
                      loss="ns", n_critic=1, lr=1e-4, b1=0.5, b2=0.999),
    "toy-wgangp": dict(data="ring", dim=2, z=2, g=[512] * 3, d=[512] * 3, act="relu", out=None, batch=256,
                       loss="wgan-gp", lam=0.1, n_critic=5, lr=1e-4, b1=0.5, b2=0.9),
    "digits-mlp": dict(data="uniform01", dim=64, z=64, g=[256, 256], d=[256, 256], act="leaky", out="sigmoid",
                       batch=64, loss="ns", n_critic=1, lr=2e-4, b1=0.5, b2=0.999),
    "mnist-mlp": dict(data="uniform11", dim=784, z=100, g=[256, 512, 1024], d=[512, 256], act="leaky", out="tanh",
                      batch=64, loss="ns", n_critic=1, lr=2e-4, b1=0.5, b2=0.999),
}
c = CONFIGS[config_name]


def init_mlp(key, sizes):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        key, kw, kb = jax.random.split(key, 3)
        bound = 1.0 / fan_in ** 0.5
        params.append((jax.random.uniform(kw, (fan_in, fan_out), minval=-bound, maxval=bound),
                       jax.random.uniform(kb, (fan_out,), minval=-bound, maxval=bound)))
    return params


def apply_mlp(params, x, out):
    for i, (w, b) in enumerate(params):
        x = x @ w + b
        if i < len(params) - 1:
            x = jax.nn.relu(x) if c["act"] == "relu" else jnp.where(x > 0, x, 0.2 * x)
    if out == "sigmoid":
        x = jax.nn.sigmoid(x)
    elif out == "tanh":
        x = jnp.tanh(x)
    return x


def sample_data(key, n):
    if c["data"] == "ring":
        k1, k2 = jax.random.split(key)
        angle = 2 * jnp.pi * jax.random.randint(k1, (n,), 0, 8) / 8
        centres = 2.0 * jnp.stack([jnp.cos(angle), jnp.sin(angle)], axis=1)
        return centres + 0.02 * jax.random.normal(k2, (n, 2))
    if c["data"] == "uniform01":
        return jax.random.uniform(key, (n, c["dim"]))
    return jax.random.uniform(key, (n, c["dim"]), minval=-1.0, maxval=1.0)


def d_loss(dp, gp, x, z, key):
    fake = jax.lax.stop_gradient(apply_mlp(gp, z, c["out"]))
    real_scores, fake_scores = apply_mlp(dp, x, None), apply_mlp(dp, fake, None)
    if c["loss"] == "ns":
        return jnp.mean(jax.nn.softplus(-real_scores)) + jnp.mean(jax.nn.softplus(fake_scores))
    eps = jax.random.uniform(key, (x.shape[0], 1))
    interpolates = x + eps * (fake - x)
    grads = jax.grad(lambda p: jnp.sum(apply_mlp(dp, p, None)))(interpolates)
    penalty = jnp.mean((jnp.sqrt(jnp.sum(grads ** 2, axis=1)) - 1) ** 2)
    return jnp.mean(fake_scores) - jnp.mean(real_scores) + c["lam"] * penalty


def g_loss(gp, dp, z):
    scores = apply_mlp(dp, apply_mlp(gp, z, c["out"]), None)
    return jnp.mean(jax.nn.softplus(-scores)) if c["loss"] == "ns" else -jnp.mean(scores)


def adam(params, grads, m, v, t):
    b1, b2, lr = c["b1"], c["b2"], c["lr"]
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
    step = lr / (1 - b1 ** t)
    root = jnp.sqrt(1 - b2 ** t)
    params = jax.tree_util.tree_map(lambda p, m, v: p - step * m / (jnp.sqrt(v) / root + 1e-8), params, m, v)
    return params, m, v


@jax.jit
def iteration(state, key):
    gp, dp, gm, gv, dm, dv, t = state
    for _ in range(c["n_critic"]):
        key, kx, kz, ke = jax.random.split(key, 4)
        x = sample_data(kx, c["batch"])
        z = jax.random.normal(kz, (c["batch"], c["z"]))
        grads = jax.grad(d_loss)(dp, gp, x, z, ke)
        dp, dm, dv = adam(dp, grads, dm, dv, t)
    key, kz = jax.random.split(key)
    z = jax.random.normal(kz, (c["batch"], c["z"]))
    grads = jax.grad(g_loss)(gp, dp, z)
    gp, gm, gv = adam(gp, grads, gm, gv, t)
    return (gp, dp, gm, gv, dm, dv, t + 1), key


def main():
    key = jax.random.PRNGKey(0)
    key, kg, kd = jax.random.split(key, 3)
    gp = init_mlp(kg, [c["z"]] + c["g"] + [c["dim"]])
    dp = init_mlp(kd, [c["dim"]] + c["d"] + [1])
    zeros = lambda p: jax.tree_util.tree_map(jnp.zeros_like, p)  # noqa: E731
    state = (gp, dp, zeros(gp), zeros(gp), zeros(dp), zeros(dp), 1.0)
    for _ in range(5):
        state, key = iteration(state, key)
    jax.block_until_ready(state)
    start = time.perf_counter()
    for _ in range(5):
        state, key = iteration(state, key)
    jax.block_until_ready(state)
    per_iteration = (time.perf_counter() - start) / 5
    count = max(5, int(2.0 / per_iteration))
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(count):
            state, key = iteration(state, key)
        jax.block_until_ready(state)
        rates.append(count / (time.perf_counter() - start))
    rates.sort()
    print(json.dumps({"case": "train-jax", "config": config_name, "threads": threads,
                      "iterations_per_second": round(rates[2], 2), "jax": jax.__version__}))


main()
