// Design prototype for issue 6's SIMD step (not built by CMake; benchmarks/results/tracking.md,
// "SIMD across tracks: prototype"). Build and run standalone:
//   g++ -O3 -std=c++20 track_fit_lanes.cpp -o lanes_sse2          # scalar and 2 lanes
//   g++ -O3 -std=c++20 -mavx2 track_fit_lanes.cpp -o lanes_avx2   # scalar and 4 lanes
// Each prints ns per track and hit-step and a hash of all final states (equal for all variants).
// The fit's per-hit CDC step (pivot change + Jacobian, J C J^T, CDC model + Jacobian,
// projection, 1-D Kalman update, rotate_angle, thin-scatterer material) over a lane type: V = double
// (today's scalar code) or N doubles (GCC vector extension; N = 2 for SSE2, 4 for AVX2), lanes = tracks.
// Same arithmetic as helix.hpp / measurement.hpp / matrix.hpp / kalman_fit.hpp on their common path
// (short steps: atan series; |omega| > 1e-7; |delta phi| < 1e-2); rare paths would be lane masks
// with a scalar re-run of the lane.
#include <immintrin.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__AVX2__)
#define NL 4
#else
#define NL 2
#endif
typedef double VD __attribute__((vector_size(8 * NL)));
typedef long long VM __attribute__((vector_size(8 * NL)));

inline double vsqrt(double a) { return std::sqrt(a); }
inline VD vsqrt(VD a) {
#if NL == 4
  return (VD)_mm256_sqrt_pd((__m256d)a);
#else
  return (VD)_mm_sqrt_pd((__m128d)a);
#endif
}
inline double vabs(double a) { return std::fabs(a); }
inline VD vabs(VD a) { return (VD)((VM)a & ((VM){} + 0x7fffffffffffffffLL)); }
inline double sel(bool m, double a, double b) { return m ? a : b; }
inline VD sel(VM m, VD a, VD b) { return m ? a : b; }

template <class V> struct Trk { V x[5], sf, cf, C[5][5], Px, Py, Pz, chi2; };
template <class V> struct Hit { V px, py, pz, wx, wy, wdx, wdy, wdz, drift, s2, xx0, logt, loss; };

template <class V>
inline void step(Trk<V>& __restrict t, const Hit<V>& __restrict h, double mass, double bf, double lb2) {
  const V sf = t.sf, cf = t.cf, d0 = t.x[0], w = t.x[2];
  // --- change_pivot_jacobian
  const V ax = (t.Px - h.px) + d0 * sf, ay = (t.Py - h.py) - d0 * cf;
  const V u = sf + w * ax, v = cf - w * ay;
  const V U2 = u * u + v * v, U = vsqrt(U2), iU = 1.0 / U;
  const V q = ax * sf - ay * cf, A = ax * ax + ay * ay, c = ax * cf + ay * sf;
  const V d1 = (2.0 * q + w * A) / (U + 1.0);
  const V s1 = u * iU, c1 = v * iU;
  const V dsin = sf * c1 - cf * s1, dcos = cf * c1 + sf * s1;
  const V xx = dsin / dcos, x2 = xx * xx, x4 = x2 * x2;
  const V aa = 1.0 - x2 * (1.0 / 3.0), bb = 1.0 / 5.0 - x2 * (1.0 / 7.0), cc = 1.0 / 9.0 - x2 * (1.0 / 11.0);
  const V dphi = xx * (aa + x4 * (bb + x4 * cc));
  const V s = dphi / w;
  V phi1 = t.x[1] - dphi;
  const double pi = 3.14159265358979323846;
  phi1 = sel(phi1 > pi, phi1 - 2 * pi, sel(phi1 <= -pi, phi1 + 2 * pi, phi1));
  const V tl = t.x[4];
  const V z1 = t.x[3] + s * tl + (t.Pz - h.pz);
  const V iU2 = iU * iU, e = 1.0 + w * d0;
  const V a10 = -w * w * c * iU2, a11 = e * (1.0 + w * q) * iU2, a12 = c * iU2;
  const V dU0 = w * (1.0 + w * q) * iU, dU1 = e * w * c * iU, dU2 = (q + w * A) * iU;
  const V iU1 = 1.0 / (U + 1.0);
  const V a00 = (2.0 + 2.0 * w * q - d1 * dU0) * iU1, a01 = (2.0 * c * e - d1 * dU1) * iU1, a02 = (A - d1 * dU2) * iU1;
  const V j20 = w * c * iU2, j21 = ((q - d0) + w * (A - d0 * q)) * iU2;
  const V g = dphi * (1.0 / 6.0) - dphi * dphi * dphi * (1.0 / 120.0);
  const V j22 = -(s * s * g + s * d1) * iU;
  t.x[0] = d1, t.x[1] = phi1, t.x[3] = z1;
  t.sf = s1, t.cf = c1;
  t.Px = h.px, t.Py = h.py, t.Pz = h.pz;
  // --- pivot_similarity
  {
    V(&C)[5][5] = t.C;
    const V zz0 = tl * j20, zz1 = tl * j21, zz2 = tl * j22;
    V M0[5], M1[5], M3[5];
    for (int j = 0; j < 5; ++j) {
      const V c0 = C[0][j], cc1 = C[1][j], c2 = C[2][j];
      M0[j] = a00 * c0 + a01 * cc1 + a02 * c2;
      M1[j] = a10 * c0 + a11 * cc1 + a12 * c2;
      M3[j] = zz0 * c0 + zz1 * cc1 + zz2 * c2 + C[3][j] + s * C[4][j];
    }
    const V c00 = a00 * M0[0] + a01 * M0[1] + a02 * M0[2];
    const V c01 = a10 * M0[0] + a11 * M0[1] + a12 * M0[2];
    const V c11 = a10 * M1[0] + a11 * M1[1] + a12 * M1[2];
    const V c03 = zz0 * M0[0] + zz1 * M0[1] + zz2 * M0[2] + M0[3] + s * M0[4];
    const V c13 = zz0 * M1[0] + zz1 * M1[1] + zz2 * M1[2] + M1[3] + s * M1[4];
    const V c33 = zz0 * M3[0] + zz1 * M3[1] + zz2 * M3[2] + M3[3] + s * M3[4];
    C[0][0] = c00, C[0][1] = C[1][0] = c01, C[1][1] = c11;
    C[0][2] = C[2][0] = M0[2], C[1][2] = C[2][1] = M1[2], C[2][3] = C[3][2] = M3[2];
    C[0][4] = C[4][0] = M0[4], C[1][4] = C[4][1] = M1[4], C[3][4] = C[4][3] = M3[4];
    C[0][3] = C[3][0] = c03, C[1][3] = C[3][1] = c13, C[3][3] = c33;
  }
  // --- cdc_prediction_jacobian
  V H[5];
  V m;
  {
    const V z0 = t.x[3], tt = t.x[4], d = t.x[0], sfn = t.sf, cfn = t.cf;
    const V nx = sfn * h.wdz - tt * h.wdy, ny = tt * h.wdx - cfn * h.wdz, nz = cfn * h.wdy - sfn * h.wdx;
    const V ee = cfn * h.wdx + sfn * h.wdy;
    const V D = d * (h.wdz - tt * ee) + z0 * nz;
    const V nn = nx * nx + ny * ny + nz * nz, in = 1.0 / vsqrt(nn);
    m = D * in;
    const V dD1 = -d * tt * nz - z0 * ee, dnn1 = 2.0 * (h.wdz * (nx * cfn + ny * sfn) - nz * ee);
    const V dD4 = -d * ee, dnn4 = 2.0 * (ny * h.wdx - nx * h.wdy);
    H[0] = (h.wdz - tt * ee) * in;
    H[1] = (dD1 - 0.5 * m * dnn1 * in) * in;
    H[3] = nz * in;
    H[4] = (dD4 - 0.5 * m * dnn4 * in) * in;
  }
  // --- project (mask 11011) + 1-D update (weights 1 / 0 here)
  {
    V(&C)[5][5] = t.C;
    V CHt[5];
    for (int i = 0; i < 5; ++i) CHt[i] = C[i][0] * H[0] + C[i][1] * H[1] + C[i][3] * H[3] + C[i][4] * H[4];
    const V P = H[0] * CHt[0] + H[1] * CHt[1] + H[3] * CHt[3] + H[4] * CHt[4];
    const V S = P + h.s2, Si = 1.0 / S;
    const V r = h.drift - m;
    V K[5];
    for (int i = 0; i < 5; ++i) K[i] = CHt[i] * Si;
    const V phi_old = t.x[1];
    for (int i = 0; i < 5; ++i) t.x[i] += K[i] * r;
    for (int i = 0; i < 5; ++i)
      for (int j = i; j < 5; ++j) C[i][j] -= K[i] * CHt[j];
    for (int i = 1; i < 5; ++i)
      for (int j = 0; j < i; ++j) C[i][j] = C[j][i];
    t.chi2 += r * Si * r;
    // rotate_angle, series path
    const V delta = t.x[1] - phi_old, dd = delta * delta;
    const V sd = delta * (1.0 - dd * (1.0 / 6.0) * (1.0 - dd * (1.0 / 20.0) * (1.0 - dd * (1.0 / 42.0))));
    const V cd = 1.0 - dd * 0.5 * (1.0 - dd * (1.0 / 12.0) * (1.0 - dd * (1.0 / 30.0) * (1.0 - dd / 56.0)));
    const V ns = t.sf * cd + t.cf * sd, nc = t.cf * cd - t.sf * sd;
    t.sf = ns, t.cf = nc;
  }
  // --- add_material (thin scatterer at the hit, outward)
  {
    V(&C)[5][5] = t.C;
    const V tt = t.x[4], ww = t.x[2];
    const V a = 1 + tt * tt, pt = (0.299792458e-2 * bf) / vabs(ww);
    const V p2 = pt * pt * a, e2 = p2 + mass * mass, beta2 = p2 / e2;
    const V hl = h.logt - 0.038 * lb2;
    const V th2 = (0.0136 * 0.0136) * h.xx0 * hl * hl / (beta2 * p2);
    C[1][1] += th2 * a;
    C[4][4] += th2 * a * a;
    C[2][2] += th2 * ww * ww * tt * tt;
    C[2][4] += th2 * ww * tt * a;
    C[4][2] = C[2][4];
    const V de = h.loss / sel(beta2 > 0.05, beta2, beta2 * 0 + 0.05);
    const V ee = vsqrt(e2), e1 = ee - de;
    const V f = vsqrt(p2 / (e1 * e1 - mass * mass));
    t.x[2] *= f;
    for (int i = 0; i < 5; ++i) C[2][i] *= f;
    for (int i = 0; i < 5; ++i) if (i != 2) C[i][2] *= f;
  }
}

constexpr int n_hits = 56, n_tracks = 2048;

template <class V>
__attribute__((noinline)) void fit_all(Trk<V>* tr, const Hit<V>* hits, int n_batches) {
  for (int b = 0; b < n_batches; ++b)
    for (int k = 0; k < n_hits; ++k) step(tr[b], hits[b * n_hits + k], 0.13957, 1.5, -0.01);
}

// lane l of v
inline double& lane(double& v, int) { return v; }
inline double& lane(VD& v, int l) { return reinterpret_cast<double*>(&v)[l]; }

template <class V, int L>
void make(Trk<V>* tr, Hit<V>* hits) {
  for (int trk = 0; trk < n_tracks; ++trk) {
    const int b = trk / L, l = trk % L;
    const double phi = -3 + 6.0 * trk / n_tracks, w = 0.002 + 0.003 * (trk % 7) / 7.0, tl = 0.3;
    Trk<V>& t = tr[b];
    lane(t.x[0], l) = 0, lane(t.x[1], l) = phi, lane(t.x[2], l) = w, lane(t.x[3], l) = 0, lane(t.x[4], l) = tl;
    lane(t.sf, l) = std::sin(phi), lane(t.cf, l) = std::cos(phi);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) lane(t.C[i][j], l) = i == j ? (i == 2 ? 1e-8 : 1e-2) : 0.0;
    lane(t.Px, l) = lane(t.Py, l) = lane(t.Pz, l) = 0, lane(t.chi2, l) = 0;
    for (int k = 0; k < n_hits; ++k) {
      Hit<V>& h = hits[b * n_hits + k];
      const double sk = 17.0 + 1.7 * k;  // arc length of layer k
      const double f = phi - w * sk, xh = (std::sin(phi) - std::sin(f)) / w, yh = (std::cos(f) - std::cos(phi)) / w;
      const double off = 0.3 * ((k % 2) ? 1 : -1);  // wire 3 mm beside the track
      lane(h.px, l) = xh + off * std::sin(f), lane(h.py, l) = yh - off * std::cos(f), lane(h.pz, l) = sk * tl;
      const double st = (k / 6) % 2 ? 0.05 : 0.0, n = std::sqrt(1 + st * st);
      lane(h.wx, l) = lane(h.px, l), lane(h.wy, l) = lane(h.py, l);
      lane(h.wdx, l) = -st * std::sin(f) / n, lane(h.wdy, l) = st * std::cos(f) / n, lane(h.wdz, l) = 1 / n;
      lane(h.drift, l) = 0.3, lane(h.s2, l) = 0.013 * 0.013;
      lane(h.xx0, l) = 1.7e-4, lane(h.logt, l) = 1 + 0.038 * std::log(1.7e-4), lane(h.loss, l) = 0.015 * 1.7e-4;
    }
  }
}

template <class V, int L>
double run(const char* name) {
  const int nb = n_tracks / L;
  Trk<V>* tr0 = new Trk<V>[nb];
  Trk<V>* tr = new Trk<V>[nb];
  Hit<V>* hits = new Hit<V>[nb * n_hits];
  make<V, L>(tr0, hits);
  double best = 1e30, chk = 0;
  for (int rep = 0; rep < (std::getenv("REPS") ? std::atoi(std::getenv("REPS")) : 30); ++rep) {
    std::memcpy((void*)tr, (void*)tr0, sizeof(Trk<V>) * nb);
    const auto t0 = std::chrono::steady_clock::now();
    fit_all(tr, hits, nb);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = dt < best ? dt : best;
  }
  // FNV-1a hash of every track's final state (x, C, chi2), bit for bit, in track order
  unsigned long long hash = 1469598103934665603ull;
  auto add = [&](double v) {
    unsigned char b8[8];
    std::memcpy(b8, &v, 8);
    for (unsigned char c : b8) hash = (hash ^ c) * 1099511628211ull;
  };
  for (int b = 0; b < nb; ++b)
    for (int l = 0; l < L; ++l) {
      for (int i = 0; i < 5; ++i) add(lane(tr[b].x[i], l));
      for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) add(lane(tr[b].C[i][j], l));
      add(lane(tr[b].chi2, l));
      chk += lane(tr[b].chi2, l);
    }
  const double ns = best / (double(n_tracks) * n_hits) * 1e9;
  std::printf("%-28s %6.1f ns per hit-step (min of 30), sum chi2 %.6g, state hash %016llx\n", name, ns, chk, hash);
  return ns;
}

int main() {
  const double a = run<double, 1>("scalar (V = double)");
  const double b = run<VD, NL>(NL == 4 ? "4 lanes (AVX2)" : "2 lanes (SSE2)");
  std::printf("gain %.2fx\n", a / b);
}
