#!/usr/bin/env python3
"""Prints the constants of core/include/umbra/core/portable_math.hpp (mpmath, 40 digits).

Splits of pi/2, pi, ln 2 and atan(1/2) into parts whose products with small integers are exact,
and the near-minimax (Chebyshev) polynomial of (atan(u) - u) / u^3 in z = u^2 on [0, 1/16].
Run: python3 scripts/portable_math_constants.py
"""
import mpmath as mp

mp.mp.dps = 40


def split(x, bits):
    """x rounded to `bits` significant bits, as a double, and the rest."""
    e = mp.floor(mp.log(abs(x), 2)) + 1
    scale = mp.mpf(2) ** (bits - e)
    hi = mp.nint(x * scale) / scale
    return float(hi), x - mp.mpf(float(hi))


def show(name, v):
    print(f"{name} = {float(v)!r};  // {mp.nstr(v, 25)}")


pio2 = mp.pi / 2
p1, r = split(pio2, 33)
p2, r = split(r, 33)
show("kPio2_1", p1), show("kPio2_2", p2), show("kPio2_3", r)
for name, v in (("kPi", mp.pi), ("kPio2", pio2), ("kPio4", mp.pi / 4), ("kAtanHalf", mp.atan(0.5))):
    show(name + "_hi", float(v)), show(name + "_lo", v - mp.mpf(float(v)))
l1, r = split(mp.log(2), 32)
show("kLn2_hi", l1), show("kLn2_lo", r)
show("kLog2e", 1 / mp.log(2))


def g(z):
    if z == 0:
        return mp.mpf(-1) / 3
    u = mp.sqrt(z)
    return (mp.atan(u) - u) / u**3


coeffs, err = mp.chebyfit(g, [0, mp.mpf(1) / 16], 9, error=True)
print(f"// atan: (atan(u) - u) / u^3 ~ P(u^2) on |u| <= 1/4, max error {mp.nstr(err, 3)}; highest power first")
print("{" + ", ".join(repr(float(c)) for c in coeffs) + "}")
