#pragma once

// `pyrolog grok`: the operator's grok debugger. Matches each line of a file (or standard input) against a
// pattern and prints one JSON object per line: the captured fields when it matches; where the pattern stopped
// matching when it does not.

#include <iosfwd>
#include <string_view>
#include <vector>

namespace pyrolog {

extern const std::string_view kGrokCommandHelp;

// `args` are the arguments after `grok`. Exit status: 0 when every line matched, 1 when some did not, 2 when
// the pattern or a pattern file is broken or the input cannot be read, 64 for a usage error.
int run_grok_command(const std::vector<std::string_view>& args);
// The same, reading `in` (for standard input) and writing to `out` and `err`.
int grok_command(const std::vector<std::string_view>& args, std::istream& in, std::ostream& out,
                 std::ostream& err);

}  // namespace pyrolog
