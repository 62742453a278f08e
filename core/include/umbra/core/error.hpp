#pragma once
// Errors that cross the library boundary: exceptions that say what and where. Device code never
// throws; it writes per-item status codes which host code turns into these (or counts).

#include <cstdint>
#include <stdexcept>
#include <string>

namespace umbra {

/// Where in the data a problem was found; empty fields are left out of the message.
struct ErrorContext {
  std::string file;
  std::string dataset;
  std::int64_t event = -1;
  std::int64_t index = -1;
};

class Error : public std::runtime_error {
 public:
  Error(const std::string& what, ErrorContext where = {});
  const ErrorContext& where() const noexcept { return where_; }
  /// The message without the location suffix.
  const std::string& reason() const noexcept { return reason_; }

 private:
  ErrorContext where_;
  std::string reason_;
};

/// Bad input data (format, values); the executable maps it to exit code 2.
class InputError : public Error {
 public:
  using Error::Error;
};

/// Bad options/configuration (an Options::validate() failure); exit code 2 too.
class OptionsError : public Error {
 public:
  using Error::Error;
};

}  // namespace umbra
