#!/usr/bin/env python3
"""Minimax coefficients for Sources/Kernels/FastMath.swift (run offline; the Swift code has the numbers pasted).

Each fit is a discrete minimax (Chebyshev) problem on ~6000 Chebyshev-distributed points, solved exactly as a linear
program (scipy.optimize.linprog, HiGHS): minimise t subject to |w(x) * (p(x) - g(x))| <= t. The weight w makes the
quantity minimised the relative error of the final function value. Coefficients are then rounded to the nearest
float32 (what the Swift code holds) and the error of the rounded polynomial is re-measured in double precision.
This is only the approximation error; the Swift tests measure the whole float computation exhaustively.

Usage: python3 scripts/fastmath-coefficients.py
"""
import numpy as np
from scipy.optimize import linprog


def cheb_points(a, b, n=6000):
    k = np.arange(n)
    x = np.cos(np.pi * (k + 0.5) / n)
    return np.sort(0.5 * (a + b) + 0.5 * (b - a) * x)


def minimax(basis, target, weight, xs):
    """Coefficients c minimising max |weight * (sum c_j basis_j - target)| over xs.

    The LP solver's tolerances are absolute (~1e-7), far coarser than the errors wanted (~1e-9), so the problem is
    solved as a correction to the weighted least-squares fit, with the residual scaled to O(1).
    """
    B = np.stack([bj(xs) for bj in basis], axis=1) * weight[:, None]
    g = target * weight
    base = np.linalg.lstsq(B, g, rcond=None)[0]
    resid = g - B @ base
    scale = np.max(np.abs(resid))
    colscale = np.max(np.abs(B), axis=0)
    # With delta = y * scale / colscale: (B delta - resid) / scale = M y - h, every entry O(1).
    M = B / colscale
    h = resid / scale
    m, n = M.shape
    cost = np.zeros(n + 1); cost[-1] = 1.0
    A = np.vstack([np.hstack([M, -np.ones((m, 1))]), np.hstack([-M, -np.ones((m, 1))])])
    rhs = np.concatenate([h, -h])
    res = linprog(cost, A_ub=A, b_ub=rhs, bounds=[(None, None)] * n + [(0, None)], method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    assert res.success, res.message
    c = base + res.x[:n] * scale / colscale
    return c, np.max(np.abs(B @ c - g))


def f32(values):
    return [float(np.float32(v)) for v in values]


def hexlit(v):
    """A Swift hexadecimal float literal for v (exact)."""
    if v == 0:
        return "0.0"
    h = float(v).hex()  # e.g. -0x1.5555540000000p-2
    mant, exp = h.split("p")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}p{exp}"


def split(v):
    """v as float32 hi + float32 lo (hi + lo carries ~48 bits)."""
    hi = float(np.float32(v))
    return hi, float(np.float32(v - hi))


def show(name, coeffs, err, relative_to=2**-24):
    print(f"{name}: measured max relative error {err:.3e} = {err / relative_to:.4f} x 2^-24")
    for i, c in enumerate(coeffs):
        print(f"    {hexlit(c)},  // c{i} = {np.float32(c)!r}")


def powers(ks):
    return [lambda x, k=k: x ** k for k in ks]


def horner(coeffs, x):
    acc = np.zeros_like(x) + coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = acc * x + c
    return acc


print("Constants")
ln2 = float(np.log(2)); hi, lo = split(ln2)
print(f"    ln2 hi {hexlit(hi)} ({np.float32(hi)!r}), lo {hexlit(lo)} ({np.float32(lo)!r})")
print(f"    log2(e) {hexlit(float(np.float32(1 / ln2)))} ({np.float32(1 / ln2)!r})")

# exp: e^r = 1 + r + r^2 * Q(r) on |r| <= ln2/2, widened by 2^-14 (relative) because k = round(x * log2e) is
# computed from a rounded product and may pick the neighbouring integer near a half-way point.
h = np.log(2) / 2 * (1 + 2**-14)
r = cheb_points(-h, h); r = r[r != 0]
c, _ = minimax(powers(range(5)), (np.expm1(r) - r) / r**2, r**2 / np.exp(r), r)
cf = f32(c)
show("exp Q(r), degree 4", cf, np.max(np.abs((1 + r + r * r * horner(cf, r)) / np.exp(r) - 1)))

# log: log1p(f) = f - f^2/2 + f^3 * P(f) on f in [sqrt(1/2) - 1, sqrt(2) - 1]. Relative error of log1p(f).
f = cheb_points(np.sqrt(0.5) - 1, np.sqrt(2) - 1); f = f[np.abs(f) > 1e-6]
c, _ = minimax(powers(range(8)), (np.log1p(f) - f + f * f / 2) / f**3, f**3 / np.abs(np.log1p(f)), f)
cf = f32(c)
show("log P(f), degree 7", cf, np.max(np.abs((f - f * f / 2 + f**3 * horner(cf, f)) / np.log1p(f) - 1)))

# tanh: tanh(a) = a + a^3 * T(a^2) on 0 < a <= 0.625. Relative error of tanh(a).
a = cheb_points(1e-4, 0.625 * (1 + 2**-20))
c, _ = minimax(powers(range(6)), (np.tanh(a) - a) / a**3, a**3 / np.tanh(a), a * a)
cf = f32(c)
show("tanh T(a^2), degree 5, a <= 0.625", cf, np.max(np.abs((a + a**3 * horner(cf, a * a)) / np.tanh(a) - 1)))

# sin(pi/2 t) = t * S(t^2) on |t| <= 1/2; S(0) ~ pi/2 is kept as hi + lo (one float alone would cost 0.47 ulp).
t = cheb_points(1e-5, 0.5 * (1 + 2**-20))
c, _ = minimax(powers(range(4)), np.sin(np.pi / 2 * t) / t, t / np.sin(np.pi / 2 * t), t * t)
hi, lo = split(c[0]); cf = [hi + lo] + f32(c[1:])
show("sin S(t^2), degree 3 (c0 = hi + lo)", [hi, lo] + cf[1:], np.max(np.abs(t * horner(cf, t * t) / np.sin(np.pi / 2 * t) - 1)))

# cos(pi/2 t) = 1 + z * C1(z), z = t^2, |t| <= 1/2; C1(0) ~ -pi^2/8 kept as hi + lo.
t = cheb_points(1e-5, 0.5 * (1 + 2**-20)); z = t * t
c, _ = minimax(powers(range(4)), (np.cos(np.pi / 2 * t) - 1) / z, z / np.cos(np.pi / 2 * t), z)
hi, lo = split(c[0]); cf = [hi + lo] + f32(c[1:])
show("cos C1(t^2), degree 3 (c0 = hi + lo)", [hi, lo] + cf[1:], np.max(np.abs((1 + z * horner(cf, z)) / np.cos(np.pi / 2 * t) - 1)))
