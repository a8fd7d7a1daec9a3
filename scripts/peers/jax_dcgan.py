#!/usr/bin/env python3
"""The JAX peer of Gantry's dcgan benchmark configurations (issue 18): the iteration of
torch_dcgan.py (n_critic D updates on fresh uniform [-1, 1] images and fresh noise, D scored separately on
real and fake, then one G update; G's BatchNorm on batch statistics with running averages kept), with
PyTorch's default initialisation and Adam semantics, the whole iteration compiled by jit.

Usage: jax_dcgan.py CONFIG THREADS   (prints one JSON line; pin one thread with taskset)
"""
import json
import os
import resource
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
    "dcgan-small": dict(loss="ns", n_critic=1, lr=2e-4, b1=0.5, b2=0.999),
    "dcgan-wgangp": dict(loss="wgan-gp", lam=10.0, n_critic=5, lr=1e-4, b1=0.5, b2=0.9),
}
c = CONFIGS[config_name]
BATCH, Z = 64, 100
CONV = ("NCHW", "OIHW", "NCHW")


def uniform(key, shape, fan_in):
    """PyTorch's default for weights and biases alike: U(±1/sqrt(fan_in))."""
    bound = 1.0 / fan_in ** 0.5
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


def init(key):
    k = jax.random.split(key, 12)
    g = {"l_w": uniform(k[0], (Z, 128 * 49), Z), "l_b": uniform(k[1], (128 * 49,), Z),
         "bn1_g": jnp.ones(128 * 49), "bn1_b": jnp.zeros(128 * 49),
         # ConvTranspose2d weights are [in, out, kH, kW]; PyTorch takes fan_in from dimension 1.
         "t1_w": uniform(k[2], (128, 64, 4, 4), 64 * 16), "t1_b": uniform(k[3], (64,), 64 * 16),
         "bn2_g": jnp.ones(64), "bn2_b": jnp.zeros(64),
         "t2_w": uniform(k[4], (64, 1, 4, 4), 16), "t2_b": uniform(k[5], (1,), 16)}
    d = {"c1_w": uniform(k[6], (64, 1, 4, 4), 16), "c1_b": uniform(k[7], (64,), 16),
         "c2_w": uniform(k[8], (128, 64, 4, 4), 64 * 16), "c2_b": uniform(k[9], (128,), 64 * 16),
         "l_w": uniform(k[10], (128 * 49, 1), 128 * 49), "l_b": uniform(k[11], (1,), 128 * 49)}
    running = {"bn1_mean": jnp.zeros(128 * 49), "bn1_var": jnp.ones(128 * 49),
               "bn2_mean": jnp.zeros(64), "bn2_var": jnp.ones(64)}
    return g, d, running


def batch_norm(x, gamma, beta, axes, mean_old, var_old):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.mean((x - mean) ** 2, axis=axes, keepdims=True)
    shape = mean.shape
    y = (x - mean) / jnp.sqrt(var + 1e-5) * gamma.reshape(shape) + beta.reshape(shape)
    count = x.size // mean.size
    mean, var = mean.reshape(-1), var.reshape(-1)
    return y, (0.9 * mean_old + 0.1 * mean, 0.9 * var_old + 0.1 * var * count / (count - 1))


def conv_transpose(x, w, b):
    # The gradient of a stride-2, padding-1 convolution: dilate the input, pad by k - 1 - p, and apply
    # the kernel flipped with its in and out channels exchanged.
    rhs = jnp.flip(w, axis=(2, 3)).transpose(1, 0, 2, 3)
    y = jax.lax.conv_general_dilated(x, rhs, (1, 1), ((2, 2), (2, 2)), lhs_dilation=(2, 2), dimension_numbers=CONV)
    return y + b.reshape(1, -1, 1, 1)


def generator(g, running, z):
    h, (m1, v1) = batch_norm(z @ g["l_w"] + g["l_b"], g["bn1_g"], g["bn1_b"], (0,),
                             running["bn1_mean"], running["bn1_var"])
    h = jax.nn.relu(h).reshape(-1, 128, 7, 7)
    h, (m2, v2) = batch_norm(conv_transpose(h, g["t1_w"], g["t1_b"]), g["bn2_g"], g["bn2_b"], (0, 2, 3),
                             running["bn2_mean"], running["bn2_var"])
    image = jnp.tanh(conv_transpose(jax.nn.relu(h), g["t2_w"], g["t2_b"]))
    return image, {"bn1_mean": m1, "bn1_var": v1, "bn2_mean": m2, "bn2_var": v2}


def critic(d, x):
    def conv(x, w, b):
        y = jax.lax.conv_general_dilated(x, w, (2, 2), ((1, 1), (1, 1)), dimension_numbers=CONV)
        return y + b.reshape(1, -1, 1, 1)
    h = jax.nn.leaky_relu(conv(x, d["c1_w"], d["c1_b"]), 0.2)
    h = jax.nn.leaky_relu(conv(h, d["c2_w"], d["c2_b"]), 0.2)
    return h.reshape(x.shape[0], -1) @ d["l_w"] + d["l_b"]


def d_loss(d, real, fake, key):
    if c["loss"] == "ns":
        return jnp.mean(jax.nn.softplus(-critic(d, real))) + jnp.mean(jax.nn.softplus(critic(d, fake)))
    eps = jax.random.uniform(key, (BATCH, 1, 1, 1))
    interpolates = real + eps * (fake - real)
    grads = jax.grad(lambda x: jnp.sum(critic(d, x)))(interpolates)
    penalty = jnp.mean((jnp.sqrt(jnp.sum(grads.reshape(BATCH, -1) ** 2, axis=1)) - 1) ** 2)
    return jnp.mean(critic(d, fake)) - jnp.mean(critic(d, real)) + c["lam"] * penalty


def g_loss(g, d, running, z):
    image, running = generator(g, running, z)
    scores = critic(d, image)
    loss = jnp.mean(jax.nn.softplus(-scores)) if c["loss"] == "ns" else -jnp.mean(scores)
    return loss, running


def adam(params, grads, m, v, t):
    """torch.optim.Adam's update: bias corrections on the step and on sqrt(v), eps outside the root."""
    b1, b2, lr = c["b1"], c["b2"], c["lr"]
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
    step, root = lr / (1 - b1 ** t), jnp.sqrt(1 - b2 ** t)
    params = jax.tree_util.tree_map(lambda p, m, v: p - step * m / (jnp.sqrt(v) / root + 1e-8), params, m, v)
    return params, m, v


@jax.jit
def iteration(state, key):
    g, d, running, gm, gv, dm, dv, gt, dt = state
    for _ in range(c["n_critic"]):
        key, kx, kz, ke = jax.random.split(key, 4)
        real = jax.random.uniform(kx, (BATCH, 1, 28, 28), minval=-1.0, maxval=1.0)
        fake, running = generator(g, running, jax.random.normal(kz, (BATCH, Z)))
        dt = dt + 1
        d, dm, dv = adam(d, jax.grad(d_loss)(d, real, jax.lax.stop_gradient(fake), ke), dm, dv, dt)
    key, kz = jax.random.split(key)
    grads, running = jax.grad(g_loss, has_aux=True)(g, d, running, jax.random.normal(kz, (BATCH, Z)))
    gt = gt + 1
    g, gm, gv = adam(g, grads, gm, gv, gt)
    return (g, d, running, gm, gv, dm, dv, gt, dt), key


def main():
    key = jax.random.PRNGKey(0)
    key, k = jax.random.split(key)
    g, d, running = init(k)
    zeros = lambda p: jax.tree_util.tree_map(jnp.zeros_like, p)  # noqa: E731
    state = (g, d, running, zeros(g), zeros(g), zeros(d), zeros(d), 0.0, 0.0)
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"case": "train-jax", "config": config_name, "threads": threads,
                      "iterations_per_second": round(rates[2], 2), "min": round(rates[0], 2),
                      "max": round(rates[4], 2), "peak_mb": round(peak, 1), "jax": jax.__version__}))


main()
