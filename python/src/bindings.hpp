#pragma once
// Registration functions of the `umbra._core` extension, one per source file.

#include <nanobind/nanobind.h>

namespace umbra::python {
namespace nb = nanobind;

void bind_errors(nb::module_& m);
void bind_events(nb::module_& m);
void bind_event_file(nb::module_& m);
void bind_backends(nb::module_& m);
void bind_ecl(nb::module_& m);
void bind_sim(nb::module_& m);
void bind_reco(nb::module_& m);
void bind_scan(nb::module_& m);

}  // namespace umbra::python
