#pragma once
// Host-side construction of a process generator from the options (internal to sim/src).

#include "umbra/sim/process.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::sim::detail {

/// -1 if the name is unknown.
int process_index(const std::string& name);
/// Builds the generator (ggg: integrates its cross-section and weight bound once); options valid.
ProcessGenerator make_generator(const SimulationOptions& o, double* cross_section = nullptr);

}  // namespace umbra::sim::detail
