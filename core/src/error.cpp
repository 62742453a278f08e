#include "umbra/core/error.hpp"

namespace umbra {
namespace {
std::string format(const std::string& what, const ErrorContext& w) {
  std::string s = what;
  std::string loc;
  auto add = [&loc](const std::string& part) { loc += (loc.empty() ? "" : ", ") + part; };
  if (!w.file.empty()) add("file '" + w.file + "'");
  if (!w.dataset.empty()) add("dataset '" + w.dataset + "'");
  if (w.event >= 0) add("event " + std::to_string(w.event));
  if (w.index >= 0) add("index " + std::to_string(w.index));
  if (!loc.empty()) s += " [" + loc + "]";
  return s;
}
}  // namespace

Error::Error(const std::string& what, ErrorContext where)
    : std::runtime_error(format(what, where)), where_(std::move(where)), reason_(what) {}

}  // namespace umbra
