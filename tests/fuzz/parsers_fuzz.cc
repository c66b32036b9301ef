// libFuzzer target for the parsers of the json, kv and timestamp transforms, on hostile input.
//
// Input layout: the first byte picks the parser (0: json, 1: kv, 2: time formats), the rest is
//   json:       <text>                   parsed with max_depth 16 and max_fields 64, also under a target
//   kv:         <splits> \0 <text>        splits: field_split, value_split and quotes, one byte each
//   timestamp:  <format> \0 <text>        the format compiled, then the text parsed and resolved
//
// Build: configure with CMAKE_CXX_COMPILER=clang++ and -DPYROLOG_FUZZ=ON, then
//   ./parsers_fuzz -max_total_time=600 corpus_dir <source>/tests/fuzz/corpus/parsers

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "event/batch.h"
#include "json_field_builder.h"
#include "kv_parser.h"
#include "time_format.h"
#include "time_zone.h"

namespace {

using namespace pyrolog;

std::string_view take_part(std::string_view& input) {
  const std::size_t nul = input.find('\0');
  const std::string_view part = input.substr(0, nul);
  input.remove_prefix(nul == std::string_view::npos ? input.size() : nul + 1);
  return part;
}

void check(bool condition) {
  if (!condition) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void fuzz_json(std::string_view text) {
  Batch batch;
  const std::string_view stored = batch.store(text);
  JsonFieldBuilder builder(16, 64);
  for (std::string_view prefix : {std::string_view(), std::string_view("t")}) {
    const JsonProblem problem = builder.parse(batch, stored, prefix);
    if (problem != JsonProblem::none) continue;
    check(builder.fields().size() <= 64);
    if (!builder.top_is_object()) check(builder.fields().empty());
    for (const auto& [name, value] : builder.fields()) {
      if (!prefix.empty()) check(name.substr(0, 2) == "t.");
      (void)value;
    }
  }
}

void fuzz_kv(std::string_view input) {
  const std::string_view splits = take_part(input);
  const std::string field_split(splits.substr(0, 1).empty() ? " " : splits.substr(0, 1));
  const std::string value_split(splits.size() > 1 ? splits.substr(1, 1) : "=");
  const std::string quotes(splits.size() > 2 ? splits.substr(2, 1) : "\"");
  KvParser parser(field_split, value_split, quotes);
  parser.reset(input);
  KvParser::Pair pair;
  std::size_t pairs = 0;
  while (parser.next(pair) == KvParser::Status::pair) {
    check(inside(pair.key, input));
    if (!pair.escaped) check(inside(pair.value, input));
    (void)valid_kv_key(pair.key);
    check(++pairs <= input.size());
  }
}

void fuzz_time(std::string_view input) {
  const std::string_view format = take_part(input);
  auto compiled = timestamp::TimeFormat::compile(format);
  if (auto* error = std::get_if<std::string>(&compiled)) {
    check(!error->empty());
    return;
  }
  timestamp::ParsedTime parsed;
  if (!std::get<timestamp::TimeFormat>(compiled).parse(input, parsed)) return;
  static const timestamp::TimeZone zone = [] {
    std::string error;
    auto z = timestamp::TimeZone::find("Europe/Berlin", error);
    return z ? *z : timestamp::TimeZone();
  }();
  (void)timestamp::resolve_time(parsed, zone, 1'700'000'000'000'000'000);
  (void)timestamp::resolve_time(parsed, timestamp::TimeZone(), 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_json(input);
      break;
    case 1:
      fuzz_kv(input);
      break;
    default:
      fuzz_time(input);
      break;
  }
  return 0;
}
