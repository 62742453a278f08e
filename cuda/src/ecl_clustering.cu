// CUDA backend of the ECL clustering chain: uploads, launches of the per-item steps of
// clustering/ (the same code the CPU backend runs), CUB for the per-event sort by cellId and
// the prefix sums, downloads. Nothing algorithmic lives here.
#include <cub/device/device_scan.cuh>
#include <cub/device/device_segmented_sort.cuh>
#include <thrust/count.h>
#include <thrust/execution_policy.h>
#include <thrust/reduce.h>

#include <chrono>
#include <memory>

#include "context_impl.cuh"
#include "launch.cuh"
#include "umbra/cuda/ecl_clustering.hpp"
#include "umbra/ecl/connected_regions.hpp"
#include "umbra/ecl/local_maxima.hpp"
#include "umbra/ecl/shower_builder.hpp"
#include "umbra/ecl/splitter.hpp"

namespace umbra::cuda {
namespace {

/// offsets[0] = 0, offsets[k+1] = sum counts[0..k]; returns the total (synchronises).
std::uint64_t scan_offsets(const DeviceBuffer<std::uint64_t>& counts, DeviceBuffer<std::uint64_t>& offsets,
                           DeviceBuffer<unsigned char>& temp, cudaStream_t s) {
  const std::size_t n = counts.size();
  offsets.resize(n + 1);
  UMBRA_CUDA_CHECK(cudaMemsetAsync(offsets.data(), 0, sizeof(std::uint64_t), s));
  if (n > 0) {
    std::size_t bytes = 0;
    UMBRA_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, bytes, counts.data(), offsets.data() + 1, n, s));
    temp.resize(bytes);
    UMBRA_CUDA_CHECK(cub::DeviceScan::InclusiveSum(temp.data(), bytes, counts.data(), offsets.data() + 1, n, s));
  }
  std::uint64_t total = 0;
  UMBRA_CUDA_CHECK(cudaMemcpyAsync(&total, offsets.data() + n, sizeof total, cudaMemcpyDeviceToHost, s));
  UMBRA_CUDA_CHECK(cudaStreamSynchronize(s));
  return total;
}

/// Per digit: the sorted copy of the digit columns through the sort permutation.
struct GatherDigitsStep {
  EclDigitsView in;
  Span<const std::uint32_t> origin;
  Span<float> energy, time;
  __device__ void operator()(std::uint64_t i) const {
    energy[i] = in.energy[origin[i]];
    time[i] = in.time[origin[i]];
  }
};

struct HasBit {
  std::uint8_t bit;
  __device__ bool operator()(std::uint8_t x) const { return (x & bit) != 0; }
};

struct IotaStep {
  Span<std::uint32_t> v;
  __device__ void operator()(std::uint64_t i) const { v[i] = static_cast<std::uint32_t>(i); }
};

/// Device storage of an EclShowers table of n rows (one buffer per column) and its view.
struct DeviceShowers {
  std::vector<DeviceBuffer<unsigned char>> cols;
  ecl::EclShowersView view;

  /// `shape` only gives the column types (its own size does not matter).
  DeviceShowers(const ecl::EclShowers& shape, std::uint64_t n) {
    shape.for_each_column([&](const char*, const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      cols.emplace_back(n * sizeof(T));
    });
    std::size_t k = 0;
    view = ecl::make_showers_view(shape, n, [&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      return reinterpret_cast<T*>(cols[k++].data());
    });
  }
};

}  // namespace

ecl::ClusteringResult cluster_ecl(Context& ctx, const EclDigits& digits, const ecl::ClusteringOptions& options) {
  if (const std::string msg = options.validate(); !msg.empty()) throw OptionsError("ecl::ClusteringOptions: " + msg);
  const auto t0 = std::chrono::steady_clock::now();
  const cudaStream_t s = stream_of(ctx);
  const ecl::EclGeometryView geo = ctx.ecl_geometry();
  const std::uint64_t n = digits.size(), ne = digits.n_events();
  ecl::ClusteringResult res;
  ecl::ClusteringSummary& sum = res.summary;
  double* up_ms = &sum.upload_ms;
  double* k_ms = &sum.kernel_ms;

  DeviceBuffer<std::uint64_t> offsets;
  DeviceBuffer<std::uint16_t> cell_in, cell;
  DeviceBuffer<float> energy_in, time_in, energy(n), time(n);
  {
    PhaseTimer p(s, up_ms);
    offsets.upload(digits.event_offsets, s);
    cell_in.upload(digits.cell_id, s);
    energy_in.upload(digits.energy, s);
    time_in.upload(digits.time, s);
  }
  DeviceBuffer<unsigned char> temp;
  DeviceBuffer<std::uint32_t> iota(n), origin(n);
  cell.resize(n);
  std::uint64_t nr = 0, nc = 0, nsh = 0;
  DeviceBuffer<std::int32_t> parent(n), label(n);
  DeviceBuffer<std::uint8_t> is_maximum(n);
  DeviceBuffer<std::uint64_t> n_regions(ne), n_showers(ne), region_offsets, candidate_offsets, shower_offsets;
  DeviceBuffer<std::uint64_t> map_bits(ne * ecl::cell_map_words), region_first;
  DeviceBuffer<std::uint16_t> map_rank(ne * ecl::cell_map_words);
  DeviceBuffer<std::uint8_t> map_dense(ne);
  DeviceBuffer<std::int32_t> region_digits(n);
  DeviceBuffer<std::uint32_t> region_event, region_size, cand_region;
  DeviceBuffer<std::uint16_t> region_n_maxima;
  DeviceBuffer<std::uint64_t> region_n_candidates;
  DeviceBuffer<std::uint8_t> region_status, cand_status;
  DeviceBuffer<std::int32_t> cand_maximum, cand_rank;
  DeviceBuffer<double> cand_maximum_energy, cand_x, cand_y, cand_z, cand_energy;

  ecl::ClusteringWorkspace w{};
  w.opt = options;
  w.geo = geo;
  w.events = {offsets.cspan()};
  {
    PhaseTimer p(s, k_ms);
    // Global step: each event's digits sorted by cellId (stable segmented radix sort).
    const EclDigitsView in{{offsets.cspan()}, cell_in.cspan(), energy_in.cspan(), time_in.cspan()};
    for_each(n, IotaStep{iota.span()}, s);
    if (n > 0) {
      std::size_t bytes = 0;
      UMBRA_CUDA_CHECK(cub::DeviceSegmentedSort::StableSortPairs(
          nullptr, bytes, cell_in.data(), cell.data(), iota.data(), origin.data(), int(n), int(ne), offsets.data(),
          offsets.data() + 1, s));
      temp.resize(bytes);
      UMBRA_CUDA_CHECK(cub::DeviceSegmentedSort::StableSortPairs(
          temp.data(), bytes, cell_in.data(), cell.data(), iota.data(), origin.data(), int(n), int(ne),
          offsets.data(), offsets.data() + 1, s));
    }
    for_each(n, GatherDigitsStep{in, origin.cspan(), energy.span(), time.span()}, s);
    w.cell = cell.cspan(), w.energy = energy.cspan(), w.time = time.cspan(), w.origin = origin.cspan();
    w.parent = parent.span(), w.label = label.span(), w.is_maximum = is_maximum.span();
    w.n_regions = n_regions.span(), w.n_showers = n_showers.span();
    w.map = {map_bits.span(), map_rank.span(), map_dense.span()};
    w.region_digits = region_digits.span();

    for_each(ne, ecl::ConnectedRegionStep{w}, s);
    nr = scan_offsets(n_regions, region_offsets, temp, s);
    region_event.resize(nr), region_n_maxima.resize(nr), region_n_candidates.resize(nr), region_status.resize(nr);
    region_first.resize(nr), region_size.resize(nr);
    w.region_offsets = region_offsets.cspan();
    w.region_event = region_event.span(), w.region_n_maxima = region_n_maxima.span();
    w.region_first = region_first.span(), w.region_size = region_size.span();
    w.region_n_candidates = region_n_candidates.span(), w.region_status = region_status.span();
    for_each(ne, ecl::RegionDigitsStep{w}, s);
    for_each(nr, ecl::LocalMaximumStep{w, nr}, s, 128);

    nc = scan_offsets(region_n_candidates, candidate_offsets, temp, s);
    for (auto* b : {&cand_maximum_energy, &cand_x, &cand_y, &cand_z, &cand_energy}) b->resize(nc);
    cand_region.resize(nc), cand_maximum.resize(nc), cand_rank.resize(nc), cand_status.resize(nc);
    w.candidate_offsets = candidate_offsets.cspan();
    w.cand_region = cand_region.span(), w.cand_maximum = cand_maximum.span(), w.cand_rank = cand_rank.span();
    w.cand_maximum_energy = cand_maximum_energy.span(), w.cand_x = cand_x.span(), w.cand_y = cand_y.span();
    w.cand_z = cand_z.span(), w.cand_energy = cand_energy.span(), w.cand_status = cand_status.span();
    for_each(nr, ecl::SplitterStep{w, nr}, s, 64);
  }

  // Candidate rows (energy + features, digits collected once), then the kept rows: the candidate
  // table itself unless some were dropped, else a compacted copy.
  DeviceShowers candidates(res.showers, nc);
  std::unique_ptr<DeviceShowers> kept;
  DeviceBuffer<std::int32_t> digit_region(n);
  DeviceBuffer<std::uint8_t> digit_is_maximum(n);
  {
    PhaseTimer p(s, k_ms);
    for_each(nc, ecl::ShowerStep{w, candidates.view, nc}, s, 128);
    for_each(ne, ecl::ShowerRankStep{w}, s);
    nsh = scan_offsets(n_showers, shower_offsets, temp, s);
    w.shower_offsets = shower_offsets.cspan();
    if (nsh != nc) {
      kept = std::make_unique<DeviceShowers>(res.showers, nsh);
      for_each(nc, ecl::CompactShowersStep{w, candidates.view, kept->view, nc}, s, 128);
    }
    for_each(n, ecl::DigitResultStep{w, digit_region.span(), digit_is_maximum.span()}, s);
    // Summary counts on the device.
    sum.n_local_maxima = thrust::reduce(thrust::cuda::par.on(s), region_n_maxima.data(), region_n_maxima.data() + nr,
                                        std::uint64_t(0));
    sum.n_capped_regions = thrust::count_if(thrust::cuda::par.on(s), region_status.data(), region_status.data() + nr,
                                            HasBit{ecl::status_capped_maxima});
    sum.n_window_overflows = thrust::count_if(thrust::cuda::par.on(s), cand_status.data(), cand_status.data() + nc,
                                              HasBit{ecl::status_window_overflow});
    // Unconverged regions: every candidate of such a region carries the bit; count the regions'
    // first candidates only (candidates of one region are contiguous and share region_status).
    std::vector<std::uint8_t> cs;
    cand_status.download(cs, s);
    std::vector<std::uint64_t> co;
    candidate_offsets.download(co, s);
    UMBRA_CUDA_CHECK(cudaStreamSynchronize(s));
    for (std::uint64_t r = 0; r < nr; ++r) sum.n_unconverged += (cs[co[r]] & ecl::status_unconverged) != 0;
  }
  {
    PhaseTimer p(s, &sum.download_ms);
    const DeviceShowers& out = kept ? *kept : candidates;
    res.showers.resize(nsh);
    std::size_t k = 0;
    res.showers.for_each_column([&](const char*, auto& v) {
      if (!v.empty())
        UMBRA_CUDA_CHECK(cudaMemcpyAsync(v.data(), out.cols[k].data(), v.size() * sizeof(v[0]), cudaMemcpyDeviceToHost, s));
      ++k;
    });
    shower_offsets.download(res.showers.event_offsets, s);
    region_offsets.download(res.region_offsets, s);
    digit_region.download(res.digit_region, s);
    digit_is_maximum.download(res.digit_is_maximum, s);
  }
  ctx.synchronize();
  sum.n_events = ne, sum.n_digits = n, sum.n_regions = nr, sum.n_showers = nsh, sum.n_dropped_showers = nc - nsh;
  sum.backend = "cuda " + device_description(0);
  sum.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace umbra::cuda
