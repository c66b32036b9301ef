#include "json_field_builder.h"

#include <charconv>
#include <limits>

#include "codec/json_writer.h"

namespace pyrolog {

namespace {
template <class T>
void append_number(std::string& out, T v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}
}  // namespace

JsonProblem JsonFieldBuilder::parse(Batch& batch, std::string_view text, std::string_view prefix) {
  batch_ = &batch;
  problem_ = JsonProblem::none;
  fields_.clear();
  top_value_ = Value();
  top_is_object_ = false;
  depth_ = 0;
  path_.assign(prefix);
  path_marks_.clear();
  array_depth_ = 0;
  array_first_.clear();
  after_key_ = false;
  bool ok = false;
  try {
    ok = json::sax_parse(text.data(), text.data() + text.size(), this, json::input_format_t::json, true,
                         false);
  } catch (const std::exception&) {
    ok = false;
  }
  if (!ok && problem_ == JsonProblem::none) problem_ = JsonProblem::invalid;
  return problem_;
}

bool JsonFieldBuilder::enter() {
  if (++depth_ > max_depth_) {
    problem_ = JsonProblem::too_deep;
    return false;
  }
  return true;
}

void JsonFieldBuilder::before_array_item() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!array_first_.back()) array_text_ += ',';
  array_first_.back() = false;
}

bool JsonFieldBuilder::value(Value v, std::string_view json_text) {
  if (array_depth_ > 0) {
    before_array_item();
    array_text_.append(json_text);
    return true;
  }
  if (depth_ == 0) {
    top_value_ = v;
    return true;
  }
  if (fields_.size() >= max_fields_) {
    problem_ = JsonProblem::too_many_fields;
    return false;
  }
  fields_.emplace_back(batch_->store(member_), v);
  return true;
}

bool JsonFieldBuilder::null() {
  return value(Value(), "null");
}

bool JsonFieldBuilder::boolean(bool v) {
  return value(Value::boolean(v), v ? "true" : "false");
}

bool JsonFieldBuilder::number_integer(json::number_integer_t v) {
  if (array_depth_ > 0) {
    before_array_item();
    append_number(array_text_, v);
    return true;
  }
  return value(Value::integer(v), {});
}

bool JsonFieldBuilder::number_unsigned(json::number_unsigned_t v) {
  if (array_depth_ > 0) {
    before_array_item();
    append_number(array_text_, v);
    return true;
  }
  if (v <= static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
    return value(Value::integer(static_cast<std::int64_t>(v)), {});
  }
  return value(Value::floating(static_cast<double>(v)), {});
}

bool JsonFieldBuilder::number_float(json::number_float_t v, const json::string_t& text) {
  return value(Value::floating(v), text);
}

bool JsonFieldBuilder::string(json::string_t& v) {
  if (array_depth_ > 0) {
    before_array_item();
    append_json_string(array_text_, v);
    return true;
  }
  return value(Value::string(batch_->store(v)), {});
}

bool JsonFieldBuilder::binary(json::binary_t&) {
  return false;
}  // not produced by JSON text

bool JsonFieldBuilder::start_object(std::size_t) {
  if (!enter()) return false;
  if (array_depth_ > 0) {
    before_array_item();
    array_text_ += '{';
    array_first_.push_back(true);
    ++array_depth_;
    return true;
  }
  path_marks_.push_back(path_.size());
  if (depth_ == 1) {
    top_is_object_ = true;  // members are named under the prefix
  } else {
    path_ = member_;
  }
  return true;
}

bool JsonFieldBuilder::key(json::string_t& k) {
  if (array_depth_ > 0) {
    if (!array_first_.back()) array_text_ += ',';
    array_first_.back() = false;
    append_json_string(array_text_, k);
    array_text_ += ':';
    after_key_ = true;
    return true;
  }
  member_.assign(path_);
  if (!member_.empty()) member_ += '.';
  member_ += k;
  return true;
}

bool JsonFieldBuilder::end_object() {
  --depth_;
  if (array_depth_ > 0) {
    array_text_ += '}';
    array_first_.pop_back();
    --array_depth_;
    return true;
  }
  path_.resize(path_marks_.back());
  path_marks_.pop_back();
  return true;
}

bool JsonFieldBuilder::start_array(std::size_t) {
  if (!enter()) return false;
  if (array_depth_ > 0) {
    before_array_item();
  } else {
    array_text_.clear();
    array_first_.clear();
  }
  array_text_ += '[';
  array_first_.push_back(true);
  ++array_depth_;
  return true;
}

bool JsonFieldBuilder::end_array() {
  --depth_;
  array_text_ += ']';
  array_first_.pop_back();
  if (--array_depth_ > 0) return true;
  // The outermost array is done: it is one string field (or the top-level value).
  const Value text = Value::string(batch_->store(array_text_));
  if (depth_ == 0) {
    top_value_ = text;
    return true;
  }
  if (fields_.size() >= max_fields_) {
    problem_ = JsonProblem::too_many_fields;
    return false;
  }
  fields_.emplace_back(batch_->store(member_), text);
  return true;
}

bool JsonFieldBuilder::parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
  if (problem_ == JsonProblem::none) problem_ = JsonProblem::invalid;
  return false;
}

}  // namespace pyrolog
