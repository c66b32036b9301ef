#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace pyrolog::config {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup process_environment();

struct SubstitutionError {
  std::string message;
};

// Replaces `${VAR}` and `${VAR:-default}` in a config value; `$$` stands for a literal `$`. An unset variable
// without a default, or a malformed reference, is an error. A variable set to the empty string counts as
// set for `${VAR}` and as unset for `${VAR:-default}` (as in the shell).
std::variant<std::string, SubstitutionError> substitute_env(std::string_view text, const EnvLookup& lookup);

}  // namespace pyrolog::config
