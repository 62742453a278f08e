// `umbra._core`: the compiled half of the Python package (the façade is python/umbra/*.py).
#include "bindings.hpp"

NB_MODULE(_core, m) {
  m.doc() = "umbra C++ core: event containers as numpy views, HDF5 I/O, CPU and CUDA backends";
  using namespace umbra::python;
  bind_errors(m);  // first: every later binding may raise these
  bind_backends(m);
  bind_events(m);
  bind_event_file(m);
  bind_ecl(m);
  bind_sim(m);
  bind_reco(m);
  bind_scan(m);
}
