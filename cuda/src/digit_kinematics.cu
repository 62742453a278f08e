#include "context_impl.cuh"
#include "launch.cuh"
#include "umbra/cuda/digit_kinematics.hpp"

namespace umbra::cuda {

ecl::DigitKinematics digit_kinematics(Context& ctx, const EclDigits& digits, Timings* timings) {
  const cudaStream_t s = stream_of(ctx);
  const ecl::EclGeometryView geo = ctx.ecl_geometry();
  Timings t;
  const std::uint64_t n = digits.size(), ne = digits.n_events();

  DeviceBuffer<std::uint64_t> offsets;
  DeviceBuffer<std::uint16_t> cell;
  DeviceBuffer<float> energy, time;
  {
    PhaseTimer p(s, timings ? &t.upload_ms : nullptr);
    offsets.upload(digits.event_offsets, s);
    cell.upload(digits.cell_id, s);
    energy.upload(digits.energy, s);
    time.upload(digits.time, s);
  }
  DeviceBuffer<float> x(n), y(n), z(n), cx(ne), cy(ne), cz(ne);
  DeviceBuffer<double> esum(ne);
  const EclDigitsView d{{offsets.cspan()}, cell.cspan(), energy.cspan(), time.cspan()};
  const ecl::DigitKinematicsView out{x.span(), y.span(), z.span(), esum.span(), cx.span(), cy.span(), cz.span()};
  {
    PhaseTimer p(s, timings ? &t.kernel_ms : nullptr);
    for_each(n, ecl::DigitPositionStep{geo, d, out}, s);
    for_each(ne, ecl::EventEnergyStep{d, out}, s);
  }
  ecl::DigitKinematics r;
  {
    PhaseTimer p(s, timings ? &t.download_ms : nullptr);
    x.download(r.x, s), y.download(r.y, s), z.download(r.z, s);
    esum.download(r.event_energy, s);
    cx.download(r.event_cx, s), cy.download(r.event_cy, s), cz.download(r.event_cz, s);
  }
  ctx.synchronize();
  if (timings) *timings = t;
  return r;
}

}  // namespace umbra::cuda
