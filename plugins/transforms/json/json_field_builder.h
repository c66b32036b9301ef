#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "event/batch.h"

namespace pyrolog {

// Why a JSON text gave no fields.
enum class JsonProblem : std::uint8_t { none, invalid, too_deep, too_many_fields, not_object };

// Turns one JSON text into (name, value) pairs, as a SAX handler of nlohmann::json: object members become
// fields named by their dotted path under `prefix` (`{"http":{"status":200}}` gives `http.status: 200`);
// arrays become their JSON text (a string field); strings, names and array texts are copied into the batch.
// Nothing is written to the event until the whole text parsed, so a bad text leaves the event as it was.
// Reused for every event.
class JsonFieldBuilder {
 public:
  using json = nlohmann::json;

  JsonFieldBuilder(std::uint32_t max_depth, std::uint32_t max_fields)
      : max_depth_(max_depth), max_fields_(max_fields) {}

  // Parses `text`; on success `fields()` holds the members of an object, or `top_value()` the value of a text
  // that is not one (an array as its JSON text).
  JsonProblem parse(Batch& batch, std::string_view text, std::string_view prefix);

  const std::vector<std::pair<std::string_view, Value>>& fields() const { return fields_; }
  const Value& top_value() const { return top_value_; }
  bool top_is_object() const { return top_is_object_; }

  // nlohmann::json's SAX interface.
  bool null();
  bool boolean(bool v);
  bool number_integer(json::number_integer_t v);
  bool number_unsigned(json::number_unsigned_t v);
  bool number_float(json::number_float_t v, const json::string_t& text);
  bool string(json::string_t& v);
  bool binary(json::binary_t& v);
  bool start_object(std::size_t);
  bool key(json::string_t& k);
  bool end_object();
  bool start_array(std::size_t);
  bool end_array();
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&);

 private:
  bool value(Value v, std::string_view json_text);
  bool enter();
  void before_array_item();

  std::uint32_t max_depth_;
  std::uint32_t max_fields_;
  Batch* batch_ = nullptr;
  JsonProblem problem_ = JsonProblem::none;
  std::vector<std::pair<std::string_view, Value>> fields_;
  Value top_value_;
  bool top_is_object_ = false;

  std::uint32_t depth_ = 0;
  std::string path_;                     // the dotted name of the object whose members come next
  std::string member_;                   // the dotted name of the current member
  std::vector<std::size_t> path_marks_;  // path_ length at each open object
  std::uint32_t array_depth_ = 0;        // > 0 inside an array: values go to array_text_
  std::string array_text_;
  std::vector<bool> array_first_;  // per open container inside an array: no item written yet
  bool after_key_ = false;         // inside an array's object, a key was written: no comma before its value
};

}  // namespace pyrolog
