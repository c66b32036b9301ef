#include "csv_reader.h"

#include <fstream>
#include <sstream>

namespace pyrolog::grok::test {

CsvParseResult parse_csv(std::string_view text) {
  CsvParseResult out;
  CsvRecord record;
  std::string field;
  bool quoted = false;  // inside a quoted field
  bool field_started = false;
  std::size_t i = 0;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    out.records.push_back(std::move(record));
    record.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        ++i;
        if (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          out.error = "unexpected character after closing quote at byte " + std::to_string(i);
          return out;
        }
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        if (field_started) {
          out.error = "quote inside an unquoted field at byte " + std::to_string(i);
          return out;
        }
        quoted = true;
        field_started = true;
        ++i;
        break;
      case ',':
        end_field();
        ++i;
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        [[fallthrough]];
      case '\n':
        end_record();
        ++i;
        break;
      default:
        field += c;
        field_started = true;
        ++i;
        break;
    }
  }
  if (quoted) {
    out.error = "unterminated quoted field";
    return out;
  }
  if (field_started || !record.empty()) end_record();
  return out;
}

std::optional<CsvParseResult> read_csv_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return parse_csv(content.str());
}

}  // namespace pyrolog::grok::test
