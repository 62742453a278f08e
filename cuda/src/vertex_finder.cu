#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_scan.cuh>

#include <chrono>

#include "context_impl.cuh"
#include "launch.cuh"
#include "umbra/core/error.hpp"
#include "umbra/cuda/vertex_finder.hpp"
#include "umbra/vertex/pair_steps.hpp"

namespace umbra::cuda {
namespace {

template <class T>
Span<const T> upload_span(DeviceBuffer<T>& b, Span<const T> h, cudaStream_t s) {
  b.resize(h.size);
  if (h.size > 0) UMBRA_CUDA_CHECK(cudaMemcpyAsync(b.data(), h.data, h.size * sizeof(T), cudaMemcpyHostToDevice, s));
  return b.cspan();
}

/// out[0] = 0, out[i + 1] = in[0] + ... + in[i] (n entries in, n + 1 out).
template <class It>
void prefix_sum(It in, std::uint64_t* out, std::uint64_t n, cudaStream_t s) {
  UMBRA_CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(std::uint64_t), s));
  if (n == 0) return;
  std::size_t bytes = 0;
  UMBRA_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, in, out + 1, n, s));
  DeviceBuffer<unsigned char> temp(bytes);
  UMBRA_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp.data(), bytes, in, out + 1, n, s));
}

/// Accepted flag of a pair status, as a 64-bit count for the scan.
struct AcceptedFlag {
  __host__ __device__ std::uint64_t operator()(std::uint8_t st) const {
    return st == std::uint8_t(vertex::PairStatus::accepted) ? 1u : 0u;
  }
};

/// Device storage for a VerticesView of n rows (one buffer per column).
struct DeviceVertices {
  DeviceBuffer<std::int32_t> pos, neg;
  DeviceBuffer<float> f[23];
  vertex::VerticesView view(std::uint64_t n) {
    pos.resize(n), neg.resize(n);
    vertex::VerticesView v;
    v.track_pos = pos.span(), v.track_neg = neg.span();
    int k = 0;
#define UMBRA_X(name) f[k].resize(n), v.name = f[k].span(), ++k;
    UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X
    return v;
  }
  void download(vertex::Vertices& h, cudaStream_t s) {
    pos.download(h.track_pos, s), neg.download(h.track_neg, s);
    int k = 0;
#define UMBRA_X(name) f[k++].download(h.name, s);
    UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X
  }
};

}  // namespace

vertex::Result find_vertices(Context& ctx, const vertex::TrackParamsView& h, const vertex::Options& options,
                             Timings* timings) {
  using namespace vertex;
  if (const std::string e = options.validate(); !e.empty()) throw OptionsError("vertex options: " + e);
  const auto t0 = std::chrono::steady_clock::now();
  const cudaStream_t s = stream_of(ctx);
  Timings t;
  const std::uint64_t ne = h.events.n_events(), nt = h.size();

  DeviceBuffer<std::uint64_t> offsets;
  DeviceBuffer<float> par[5], cov[n_cov];
  DeviceBuffer<std::int32_t> charge;
  DeviceBuffer<std::uint8_t> status_in;
  TrackParamsView d;
  {
    PhaseTimer p(s, timings ? &t.upload_ms : nullptr);
    d.events = {upload_span(offsets, h.events.offsets, s)};
    d.d0 = upload_span(par[0], h.d0, s), d.phi0 = upload_span(par[1], h.phi0, s);
    d.omega = upload_span(par[2], h.omega, s), d.z0 = upload_span(par[3], h.z0, s);
    d.tan_lambda = upload_span(par[4], h.tan_lambda, s);
    for (int k = 0; k < n_cov; ++k) d.cov[k] = upload_span(cov[k], h.cov[k], s);
    d.charge = upload_span(charge, h.charge, s), d.status = upload_span(status_in, h.status, s);
  }

  DeviceBuffer<std::uint64_t> counts(ne), pair_offsets(ne + 1);
  DeviceBuffer<std::uint32_t> first, second;
  DeviceBuffer<std::uint8_t> status;
  DeviceBuffer<std::uint64_t> row;
  DeviceBuffer<std::uint64_t> vtx_offsets(ne + 1);
  DeviceVertices pairs, out;
  std::uint64_t np = 0, nv = 0;
  Result r;
  {
    PhaseTimer p(s, timings ? &t.kernel_ms : nullptr);
    for_each(ne, CountPairsStep{d, counts.span()}, s);
    prefix_sum(counts.data(), pair_offsets.data(), ne, s);
    UMBRA_CUDA_CHECK(cudaMemcpyAsync(&np, pair_offsets.data() + ne, sizeof np, cudaMemcpyDeviceToHost, s));
    UMBRA_CUDA_CHECK(cudaStreamSynchronize(s));
    first.resize(np), second.resize(np), status.resize(np), row.resize(np + 1);
    const VerticesView pv = pairs.view(np);
    for_each(ne, FillPairsStep{d, pair_offsets.cspan(), first.span(), second.span(), pv}, s);
    for_each(np, FitPairStep{d, options, first.cspan(), second.cspan(), pv, status.span()}, s);
    const auto flags = thrust::make_transform_iterator(static_cast<const std::uint8_t*>(status.data()), AcceptedFlag{});
    prefix_sum(flags, row.data(), np, s);
    UMBRA_CUDA_CHECK(cudaMemcpyAsync(&nv, row.data() + np, sizeof nv, cudaMemcpyDeviceToHost, s));
    UMBRA_CUDA_CHECK(cudaStreamSynchronize(s));
    const VerticesView ov = out.view(nv);
    for_each(np, CompactStep{pv, status.cspan(), row.cspan(), ov}, s);
    for_each(ne + 1, VertexOffsetsStep{pair_offsets.cspan(), row.cspan(), vtx_offsets.span()}, s);
  }
  {
    PhaseTimer p(s, timings ? &t.download_ms : nullptr);
    out.download(r.vertices, s);
    vtx_offsets.download(r.vertices.event_offsets, s);
    std::vector<std::uint8_t> st;
    status.download(st, s);
    ctx.synchronize();
    for (std::uint8_t x : st) ++r.summary.by_status[x];
  }
  Summary& sum = r.summary;
  sum.events = ne, sum.tracks = nt, sum.pairs = np, sum.vertices = nv;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (timings) *timings = t;
  return r;
}

}  // namespace umbra::cuda
