#pragma once

// A small RFC 4180 CSV parser for the test corpora: quoted fields may hold commas, doubled
// quotes ("") and line breaks; records end with LF or CRLF.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyrolog::grok::test {

using CsvRecord = std::vector<std::string>;

struct CsvParseResult {
  std::vector<CsvRecord> records;
  std::string error;  // empty on success
};

CsvParseResult parse_csv(std::string_view text);

// Reads and parses a whole file; nullopt when it cannot be read.
std::optional<CsvParseResult> read_csv_file(const std::string& path);

}  // namespace pyrolog::grok::test
