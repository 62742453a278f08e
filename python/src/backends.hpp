#pragma once
// The run-time backend choice shared by every wrapped capability (`backend="cpu"|"cuda"`).
#include <string>
#include <vector>

namespace umbra::python {

enum class Backend { Cpu, Cuda };

std::vector<std::string> built_backends();
int cuda_device_count();
/// "cpu" or "cuda"; throws umbra::OptionsError for an unknown name, a build without CUDA or a
/// machine without a device (the message says which).
Backend parse_backend(const std::string& name);

}  // namespace umbra::python
