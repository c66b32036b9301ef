#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/suggest.h"
#include "base/units.h"
#include "config/parse_context.h"

namespace pyrolog::config {

enum class OptionKind {
  boolean,
  integer,
  floating,
  string,
  byte_size,
  duration,
  string_list,
  string_map,
  choice,
  section
};

// How an option's type is named in docs and messages.
std::string_view kind_name(OptionKind kind);

class OptionTableBase;

// What the docs and `check` know of one option.
struct OptionInfo {
  std::string name;
  OptionKind kind = OptionKind::string;
  std::string doc;
  std::string default_text;  // rendered from a default-constructed config, so docs cannot drift from code
  bool required = false;
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;
  const OptionTableBase* section = nullptr;
  std::string example;
};

class OptionTableBase {
 public:
  virtual ~OptionTableBase() = default;
  virtual std::vector<OptionInfo> describe() const = 0;
  virtual std::vector<std::string> names() const = 0;
};

namespace detail {

template <class M>
concept HasOptionTable = requires {
  M::options();
};

template <class M>
concept StringList = std::same_as<M, std::vector<std::string>>;

template <class M>
concept StringMap = std::same_as<M, std::map<std::string, std::string>>;

template <class M>
constexpr OptionKind kind_of() {
  if constexpr (std::is_same_v<M, bool>)
    return OptionKind::boolean;
  else if constexpr (std::is_enum_v<M>)
    return OptionKind::choice;
  else if constexpr (std::is_integral_v<M>)
    return OptionKind::integer;
  else if constexpr (std::is_floating_point_v<M>)
    return OptionKind::floating;
  else if constexpr (std::is_same_v<M, std::string>)
    return OptionKind::string;
  else if constexpr (std::is_same_v<M, ByteSize>)
    return OptionKind::byte_size;
  else if constexpr (std::is_same_v<M, Duration>)
    return OptionKind::duration;
  else if constexpr (StringList<M>)
    return OptionKind::string_list;
  else if constexpr (StringMap<M>)
    return OptionKind::string_map;
  else {
    static_assert(HasOptionTable<M>, "an option must be a scalar, a list or map of strings, or a section");
    return OptionKind::section;
  }
}

std::string format_number(double value, OptionKind kind);
std::optional<std::string> check_range(double value, const OptionInfo& info);
std::string expected_text(OptionKind kind);
std::string choice_error(std::string_view got, const std::vector<std::string>& choices);

}  // namespace detail

// The one declaration of a component's options: name, type (from the member), default (from the member's
// initializer), bounds, and doc. It parses and validates a YAML map into `T`, and describes itself for the
// generated reference page.
//
//   static const OptionTable<TcpSourceConfig>& options() {
//     static const auto table = [] {
//       OptionTable<TcpSourceConfig> t;
//       t.add("address", &TcpSourceConfig::address, "Address to listen on, `host:port`.").required();
//       t.add("max_line_bytes", &TcpSourceConfig::max_line_bytes, "Longest line kept whole.").range(16, 1 <<
//       30); return t;
//     }();
//     return table;
//   }
template <class T>
class OptionTable final : public OptionTableBase {
 public:
  class Option {
   public:
    Option& required() {
      info_.required = true;
      return *this;
    }
    Option& range(std::optional<double> min, std::optional<double> max) {
      info_.min = min;
      info_.max = max;
      return *this;
    }
    Option& example(std::string text) {
      info_.example = std::move(text);
      return *this;
    }
    // The default as the reference shows it, for a default that depends on another option (the loader then
    // sets it); otherwise the default is rendered from the member's initializer.
    Option& shown_default(std::string text) {
      render_default_ = [text = std::move(text)](const T&) { return text; };
      return *this;
    }
    // For an enum member: the names it is written as, in the order the docs list them.
    template <class E>
    Option& choices(std::initializer_list<std::pair<std::string_view, E>> values) {
      return choices(std::span<const std::pair<std::string_view, E>>(values.begin(), values.size()));
    }
    template <class E>
    Option& choices(std::span<const std::pair<std::string_view, E>> values) {
      for (const auto& [name, value] : values) {
        info_.choices.emplace_back(name);
        choice_values_.push_back(static_cast<std::int64_t>(value));
      }
      return *this;
    }

   private:
    friend class OptionTable;
    OptionInfo info_;
    std::vector<std::int64_t> choice_values_;
    std::function<void(const YAML::Node&, T&, const ParseContext&, const std::string& path)> parse_;
    std::function<std::string(const T&)> render_default_;
  };

  template <class M>
  Option& add(std::string name, M T::*member, std::string doc) {
    Option& opt = options_.emplace_back();
    opt.info_.name = std::move(name);
    opt.info_.kind = detail::kind_of<M>();
    opt.info_.doc = std::move(doc);
    if constexpr (detail::HasOptionTable<M>) opt.info_.section = &M::options();
    const Option* self = &opt;  // options_ is a deque: addresses are stable
    opt.parse_ = [member, self](const YAML::Node& node, T& out, const ParseContext& ctx,
                                const std::string& path) {
      parse_value(node, out.*member, *self, ctx, path);
    };
    opt.render_default_ = [member, self](const T& defaults) { return render(defaults.*member, *self); };
    return opt;
  }

  // A check across options, run after every option parsed cleanly; returns a message when `T` is invalid.
  // With `option`, the problem is reported at that option's value (when it was given) and under its path.
  void check(std::function<std::optional<std::string>(const T&)> rule) {
    checks_.push_back({"", std::move(rule)});
  }
  void check(std::string option, std::function<std::optional<std::string>(const T&)> rule) {
    checks_.push_back({std::move(option), std::move(rule)});
  }

  // Parses `node` (a map) into `out`, reporting every problem. Keys in `handled_elsewhere` belong to the
  // caller (e.g. `type` and `inputs`), are skipped here, and are offered as suggestions for typos.
  bool parse(const YAML::Node& node, T& out, const ParseContext& ctx, const std::string& path,
             const std::vector<std::string>& handled_elsewhere = {}) const {
    const std::size_t errors_before = ctx.diagnostics->size();
    if (!node.IsMap()) {
      if (node.IsNull()) {
        check_required({}, node, ctx, path);
        return ctx.diagnostics->size() == errors_before;
      }
      ctx.error(node, path, fmt::format("expected a map of options, got {}", describe_node_shape(node)));
      return false;
    }
    std::map<std::string, int> seen;  // key -> line
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const int line = ctx.location(it->first).line;
      if (auto [pos, inserted] = seen.emplace(key, line); !inserted) {
        ctx.error(it->first, path,
                  fmt::format("option '{}' is given twice (first at line {})", key, pos->second));
        continue;
      }
      if (std::find(handled_elsewhere.begin(), handled_elsewhere.end(), key) != handled_elsewhere.end())
        continue;
      const Option* opt = find(key);
      if (opt == nullptr) {
        report_unknown(it->first, key, ctx, path, handled_elsewhere);
        continue;
      }
      if (it->second.IsNull() && opt->info_.kind != OptionKind::section) {
        // `key:` and nothing: said where the value is missing.
        ctx.diagnostics->error(ctx.value_location(it->first, it->second), join(path, key),
                               wrong_shape(*opt, "nothing"));
        continue;
      }
      opt->parse_(it->second, out, ctx, join(path, key));
    }
    check_required(seen, node, ctx, path);
    if (ctx.diagnostics->size() == errors_before) {
      for (const auto& [option, rule] : checks_) {
        auto message = rule(out);
        if (!message) continue;
        if (option.empty() || !node.IsMap() || !node[option].IsDefined()) {
          ctx.error(node, option.empty() ? path : join(path, option), *message);
        } else {
          ctx.error(node[option], join(path, option), *message);
        }
      }
    }
    return ctx.diagnostics->size() == errors_before;
  }

  std::vector<OptionInfo> describe() const override {
    const T defaults{};
    std::vector<OptionInfo> out;
    for (const auto& opt : options_) {
      OptionInfo info = opt.info_;
      info.default_text = opt.info_.required ? "" : opt.render_default_(defaults);
      out.push_back(std::move(info));
    }
    return out;
  }

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& opt : options_)
      out.push_back(opt.info_.name);
    return out;
  }

 private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // "expected an integer, got a list"; "expected one of block, drop_newest; got nothing".
  static std::string wrong_shape(const Option& opt, std::string_view got) {
    if (opt.info_.kind == OptionKind::choice) {
      return fmt::format("expected one of {}; got {}", fmt::join(opt.info_.choices, ", "), got);
    }
    return fmt::format("expected {}, got {}", detail::expected_text(opt.info_.kind), got);
  }

  const Option* find(std::string_view key) const {
    for (const auto& opt : options_) {
      if (opt.info_.name == key) return &opt;
    }
    return nullptr;
  }

  void report_unknown(const YAML::Node& key_node, const std::string& key, const ParseContext& ctx,
                      const std::string& path, const std::vector<std::string>& handled_elsewhere) const {
    std::vector<std::string> candidates = names();
    candidates.insert(candidates.end(), handled_elsewhere.begin(), handled_elsewhere.end());
    if (auto best = closest_match(key, candidates)) {
      ctx.error(key_node, path, fmt::format("unknown option '{}'; did you mean '{}'?", key, *best));
    } else if (candidates.empty()) {
      ctx.error(key_node, path, fmt::format("unknown option '{}'; this component takes no options", key));
    } else {
      ctx.error(key_node, path,
                fmt::format("unknown option '{}'; valid options: {}", key, fmt::join(candidates, ", ")));
    }
  }

  void check_required(const std::map<std::string, int>& seen, const YAML::Node& node, const ParseContext& ctx,
                      const std::string& path) const {
    for (const auto& opt : options_) {
      if (opt.info_.required && !seen.contains(opt.info_.name)) {
        ctx.error(node, path, fmt::format("missing required option '{}'", opt.info_.name));
      }
    }
  }

  template <class M>
  static void parse_value(const YAML::Node& node, M& out, const Option& opt, const ParseContext& ctx,
                          const std::string& path) {
    constexpr OptionKind kind = detail::kind_of<M>();
    if constexpr (kind == OptionKind::section) {
      M::options().parse(node, out, ctx, path);
    } else if constexpr (kind == OptionKind::string_list) {
      std::vector<std::string> values;
      if (node.IsSequence()) {
        for (const auto& item : node) {
          if (auto s = ctx.scalar(item, path, "a string")) values.push_back(std::move(*s));
        }
      } else if (auto s = ctx.scalar(node, path, "a list of strings")) {
        values.push_back(std::move(*s));  // a single value is a list of one
      }
      out = std::move(values);
    } else if constexpr (kind == OptionKind::string_map) {
      if (!node.IsMap()) {
        ctx.error(node, path, fmt::format("expected a map of strings, got {}", describe_node_shape(node)));
        return;
      }
      M values;
      std::map<std::string, int> seen;  // key -> line
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (auto [pos, inserted] = seen.emplace(key, ctx.location(it->first).line); !inserted) {
          ctx.error(it->first, path,
                    fmt::format("key '{}' is given twice (first at line {})", key, pos->second));
          continue;
        }
        if (auto s = ctx.scalar(it->second, join(path, key), "a value")) values[key] = std::move(*s);
      }
      out = std::move(values);
    } else {
      if (kind == OptionKind::choice && !node.IsScalar()) {
        ctx.error(node, path, wrong_shape(opt, describe_node_shape(node)));
        return;
      }
      auto text = ctx.scalar(node, path, detail::expected_text(kind));
      if (!text) return;
      if (auto value = convert<M>(*text, opt, ctx, node, path)) out = std::move(*value);
    }
  }

  template <class M>
  static std::optional<M> convert(const std::string& text, const Option& opt, const ParseContext& ctx,
                                  const YAML::Node& node, const std::string& path) {
    constexpr OptionKind kind = detail::kind_of<M>();
    auto fail = [&]() -> std::optional<M> {
      ctx.error(node, path, fmt::format("expected {}, got '{}'", detail::expected_text(kind), text));
      return std::nullopt;
    };
    auto in_range = [&](double v) {
      if (auto problem = detail::check_range(v, opt.info_)) {
        ctx.error(node, path, *problem);
        return false;
      }
      return true;
    };
    if constexpr (kind == OptionKind::boolean) {
      if (text == "true") return true;
      if (text == "false") return false;
      return fail();
    } else if constexpr (kind == OptionKind::choice) {
      for (std::size_t i = 0; i < opt.info_.choices.size(); ++i) {
        if (opt.info_.choices[i] == text) return static_cast<M>(opt.choice_values_[i]);
      }
      ctx.error(node, path, detail::choice_error(text, opt.info_.choices));
      return std::nullopt;
    } else if constexpr (kind == OptionKind::integer) {
      M value{};
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      // An integer that `M` cannot hold (`-1` for an unsigned option, `300` for a uint8_t): out of range,
      // with the option's own bounds when it has them, else the type's.
      const bool negative_unsigned = std::is_unsigned_v<M> && text.size() > 1 && text[0] == '-' &&
                                     text.find_first_not_of("0123456789", 1) == std::string::npos &&
                                     text.find_first_not_of('0', 1) != std::string::npos;
      if (ec == std::errc::result_out_of_range || negative_unsigned) {
        double approx = 0;
        std::from_chars(text.data(), text.data() + text.size(), approx);
        if (auto problem = detail::check_range(approx, opt.info_)) {
          ctx.error(node, path, fmt::format("{}{}", text, problem->substr(problem->find(' '))));
        } else {
          ctx.error(node, path,
                    fmt::format("{} is out of range ({} to {})", text, +std::numeric_limits<M>::min(),
                                +std::numeric_limits<M>::max()));
        }
        return std::nullopt;
      }
      if (ec != std::errc() || end != text.data() + text.size()) return fail();
      if (!in_range(static_cast<double>(value))) return std::nullopt;
      return value;
    } else if constexpr (kind == OptionKind::floating) {
      M value{};
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      // `nan` and `inf` parse, but no range holds them: not a number an option can take.
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return fail();
      if (!in_range(static_cast<double>(value))) return std::nullopt;
      return value;
    } else if constexpr (kind == OptionKind::string) {
      return text;
    } else if constexpr (kind == OptionKind::byte_size) {
      auto value = parse_byte_size(text);
      if (!value) return fail();
      if (!in_range(static_cast<double>(value->bytes))) return std::nullopt;
      return value;
    } else if constexpr (kind == OptionKind::duration) {
      auto value = parse_duration(text);
      if (!value) return fail();
      if (!in_range(static_cast<double>(value->count()))) return std::nullopt;
      return value;
    }
  }

  template <class M>
  static std::string render(const M& value, const Option& opt) {
    constexpr OptionKind kind = detail::kind_of<M>();
    if constexpr (kind == OptionKind::boolean) {
      return value ? "true" : "false";
    } else if constexpr (kind == OptionKind::choice) {
      for (std::size_t i = 0; i < opt.choice_values_.size(); ++i) {
        if (opt.choice_values_[i] == static_cast<std::int64_t>(value)) return opt.info_.choices[i];
      }
      return "";
    } else if constexpr (kind == OptionKind::integer || kind == OptionKind::floating) {
      return fmt::format("{}", value);
    } else if constexpr (kind == OptionKind::string) {
      return value;
    } else if constexpr (kind == OptionKind::byte_size) {
      return format_byte_size(value);
    } else if constexpr (kind == OptionKind::duration) {
      return format_duration(value);
    } else if constexpr (kind == OptionKind::string_list) {
      return value.empty() ? "[]" : fmt::format("[{}]", fmt::join(value, ", "));
    } else if constexpr (kind == OptionKind::string_map) {
      return value.empty() ? "{}" : "(map)";
    } else {
      return "";
    }
  }

  std::deque<Option> options_;
  std::vector<std::pair<std::string, std::function<std::optional<std::string>(const T&)>>> checks_;
};

}  // namespace pyrolog::config
