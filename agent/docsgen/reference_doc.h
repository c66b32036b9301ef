#pragma once

#include <map>
#include <string>

namespace pyrolog {

// The generated reference pages, by path relative to `docs/reference/`: one page per plugin from its option
// table and description, the channel and top-level options, and an index. `pyrolog doc reference DIR` writes
// them; a test fails when the checked-in pages differ.
std::map<std::string, std::string> render_reference_pages();

}  // namespace pyrolog
