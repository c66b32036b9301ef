#pragma once

// Field names in grok patterns: %{WORD:verb}, %{INT:[http][status]}, %{INT:http.status},
// (?<[url][path]>...). Both nested forms are normalised to the dotted form "http.status".

#include <string>
#include <string_view>

namespace pyrolog::grok {

struct NormalizedFieldName {
  std::string name;   // dotted form; empty on error
  std::string error;  // empty on success
  bool ok() const noexcept { return error.empty(); }
};

// Rules: a name is either a dotted path "a.b.c" or a bracket path "[a][b][c]"; every segment is
// non-empty and contains none of []{}()<>.:'"\, whitespace or control characters (so "@metadata",
// "user-agent" or "x/y" are fine).
NormalizedFieldName normalize_field_name(std::string_view raw);

}  // namespace pyrolog::grok
