#include "config/agent_config.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "base/suggest.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

using config::Diagnostics;
using config::ParseContext;

const config::OptionTable<HttpOptions>& HttpOptions::options() {
  static const auto table = [] {
    config::OptionTable<HttpOptions> t;
    t.add("enabled", &HttpOptions::enabled,
          "Serve `/metrics` (Prometheus text format) and `/health` over HTTP. `false` opens no port.");
    t.add("address", &HttpOptions::address,
          "Where the endpoint listens, `host:port`. The default keeps it on the loopback interface; port 0 "
          "picks a free port (logged). A reload moves the endpoint to a new address, or keeps it on the old "
          "one if it cannot listen there.")
        .example("0.0.0.0:9180");
    t.add("sink_stall_timeout", &HttpOptions::sink_stall_timeout,
          "`/health` reports a sink unhealthy when batches wait for it and it delivered nothing for this "
          "long (a full disk, a broker that is down).")
        .range(1'000, 86'400'000);
    t.check("address", [](const HttpOptions& h) -> std::optional<std::string> {
      const auto colon = h.address.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == h.address.size())
        return fmt::format("expected host:port, got '{}'", h.address);
      const std::string port = h.address.substr(colon + 1);
      if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
          std::stoi(port) > 65535)
        return fmt::format("'{}' is not a port number (0 to 65535)", port);
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

const config::OptionTable<GlobalOptions>& GlobalOptions::options() {
  static const auto table = [] {
    config::OptionTable<GlobalOptions> t;
    t.add("data_dir", &GlobalOptions::data_dir,
          "Directory for the agent's state: source positions, channels. Relative paths are relative to the "
          "working directory.");
    t.add("log_level", &GlobalOptions::log_level,
          "Least severe level logged: debug, info, warning or error.");
    t.add("threads", &GlobalOptions::threads,
          "Worker threads that run sources, transforms and sinks; 0 means one per CPU core.")
        .range(0, 256);
    t.add("http", &GlobalOptions::http, "The self-monitoring HTTP endpoint (see docs/operations.md).");
    t.check("log_level", [](const GlobalOptions& g) -> std::optional<std::string> {
      log::Level level{};
      if (log::parse_level(g.log_level, level)) return std::nullopt;
      return fmt::format("expected one of debug, info, warning, error; got '{}'", g.log_level);
    });
    t.check("data_dir", [](const GlobalOptions& g) -> std::optional<std::string> {
      if (g.data_dir.empty()) return "must not be empty";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

const ComponentConfig* AgentConfig::find(const std::string& name) const {
  for (const auto& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

constexpr std::array<std::pair<std::string_view, ComponentKind>, 3> kSections{{
    {"sources", ComponentKind::source},
    {"transforms", ComponentKind::transform},
    {"sinks", ComponentKind::sink},
}};

bool valid_component_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Where the value of `name` in `map` is (after `name:` when it is empty); the map's place when it is absent.
config::Location value_location(const config::ParseContext& ctx, const YAML::Node& map,
                                const std::string& name) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.Scalar() == name) return ctx.value_location(it->first, it->second);
  }
  return ctx.location(map);
}

struct InputRef {
  std::string text;
  config::Location where;
};

class Loader {
 public:
  Loader(const std::string& file, const config::EnvLookup& env, Diagnostics& diagnostics) {
    ctx_.file = file;
    ctx_.env = env;
    ctx_.diagnostics = &diagnostics;
  }

  std::optional<AgentConfig> load(const YAML::Node& root) {
    AgentConfig out;
    out.file = ctx_.file;
    if (root.IsNull() || !root.IsDefined()) {
      error_at_document("the configuration is empty; it needs at least 'sources' and 'sinks'");
      return std::nullopt;
    }
    if (!root.IsMap()) {
      ctx_.error(root, "",
                 fmt::format("expected a map at the top level, got {}", config::describe_node_shape(root)));
      return std::nullopt;
    }
    std::vector<std::string> sections;
    for (const auto& s : kSections)
      sections.emplace_back(s.first);
    GlobalOptions::options().parse(root, out.global, ctx_, "", sections);

    for (const auto& [section, kind] : kSections) {
      const YAML::Node node = root[std::string(section)];
      if (!node.IsDefined() || node.IsNull()) continue;
      if (!node.IsMap()) {
        ctx_.error(
            node, std::string(section),
            fmt::format("expected a map of {} by name, got {}", section, config::describe_node_shape(node)));
        declared_.insert(kind);  // said once, as the section's shape; names in it are unknown
        sections_ok_ = false;
        continue;
      }
      if (node.size() > 0) declared_.insert(kind);
      for (auto it = node.begin(); it != node.end(); ++it)
        load_component(it->first, it->second, kind, out);
    }
    check_topology(root, out);
    if (!ctx_.diagnostics->empty()) return std::nullopt;
    build_each(out);
    if (!ctx_.diagnostics->empty()) return std::nullopt;
    return out;
  }

 private:
  void error_at_document(std::string message) {
    ctx_.diagnostics->error({ctx_.file, 0, 0}, "", std::move(message));
  }

  void load_component(const YAML::Node& key, const YAML::Node& body, ComponentKind kind, AgentConfig& out) {
    const std::string section = fmt::format("{}s", kind_name(kind));
    const std::string name = key.Scalar();
    const std::string path = section + "." + name;
    if (!valid_component_name(name)) {
      ctx_.error(key, path,
                 "a component name is 1 to 128 letters, digits, '_' or '-' ('.' is kept for a transform's "
                 "named outputs)");
      return;
    }
    if (auto it = names_.find(name); it != names_.end()) {
      ctx_.error(key, path,
                 fmt::format("the name '{}' is already used by the {} at line {}", name,
                             kind_name(it->second.kind), it->second.where.line));
      return;
    }
    names_.emplace(name, Seen{kind, ctx_.location(key)});

    if (!body.IsMap()) {
      ctx_.error(body.IsDefined() && !body.IsNull() ? body : key, path,
                 fmt::format("expected a map with 'type' and the {}'s options, got {}", kind_name(kind),
                             config::describe_node_shape(body)));
      return;
    }
    ComponentConfig c;
    c.name = name;
    c.kind = kind;
    c.where = ctx_.location(key);

    const YAML::Node type_node = body["type"];
    const auto known = PluginRegistry::instance().types(kind);
    const std::string missing_type =
        known.empty()
            ? fmt::format("missing 'type'; this build has no {} types", kind_name(kind))
            : fmt::format("missing 'type'; a {} is one of: {}", kind_name(kind), fmt::join(known, ", "));
    if (!type_node.IsDefined()) {
      ctx_.error(key, path, missing_type);
      return;
    }
    if (type_node.IsNull()) {  // `type:` and nothing
      ctx_.diagnostics->error(value_location(ctx_, body, "type"), path + ".type", missing_type);
      return;
    }
    auto type = ctx_.scalar(type_node, path + ".type", "a type name");
    if (!type) return;
    c.type = *type;
    c.plugin = PluginRegistry::instance().find(kind, c.type);
    if (c.plugin == nullptr) {
      std::string message = fmt::format("unknown {} type '{}'", kind_name(kind), c.type);
      if (auto best = closest_match(c.type, known)) message += fmt::format("; did you mean '{}'?", *best);
      message += known.empty() ? fmt::format(" (this build has no {} types)", kind_name(kind))
                               : fmt::format(" (known: {})", fmt::join(known, ", "));
      ctx_.error(type_node, path + ".type", message);
      return;
    }

    std::vector<std::string> handled{"type"};
    const YAML::Node inputs = body["inputs"];
    if (kind == ComponentKind::source) {
      if (inputs.IsDefined()) {
        ctx_.error(inputs, path + ".inputs", "a source takes no 'inputs'; it reads from the outside world");
      }
      handled.emplace_back("inputs");
    } else {
      handled.emplace_back("inputs");
      load_inputs(key, inputs, value_location(ctx_, body, "inputs"), path, c);
    }
    if (kind == ComponentKind::sink) {
      handled.emplace_back("channel");
      const YAML::Node channel = body["channel"];
      if (channel.IsDefined()) {
        ChannelConfig::options().parse(channel, c.channel, ctx_, path + ".channel");
        if (c.channel.type == ChannelType::memory && !(channel.IsMap() && channel["max_bytes"].IsDefined()))
          c.channel.max_bytes = ByteSize{ChannelConfig::kMemoryMaxBytes};
      }
    }
    c.options = c.plugin->parse(body, ctx_, path, handled);
    out.components.push_back(std::move(c));
  }

  void load_inputs(const YAML::Node& key, const YAML::Node& inputs, const config::Location& inputs_where,
                   const std::string& path, ComponentConfig& c) {
    auto& refs = input_refs_[c.name];
    if (!inputs.IsDefined() || inputs.IsNull() || (inputs.IsSequence() && inputs.size() == 0)) {
      const std::string message =
          fmt::format("a {} needs 'inputs': the sources or transforms it reads from", kind_name(c.kind));
      if (inputs.IsDefined()) {
        ctx_.diagnostics->error(inputs_where, path + ".inputs", message);
      } else {
        ctx_.error(key, path, message);
      }
      return;
    }
    auto add = [&](const YAML::Node& item) {
      if (auto text = ctx_.scalar(item, path + ".inputs", "a component name")) {
        c.inputs.push_back(*text);
        refs.push_back(InputRef{*text, ctx_.location(item)});
      }
    };
    if (inputs.IsSequence()) {
      for (const auto& item : inputs)
        add(item);
    } else {
      add(inputs);
    }
  }

  void check_topology(const YAML::Node& root, AgentConfig& out) {
    // A section that is missing or empty; one that is there but broken was reported as such.
    const bool any_source = declared_.contains(ComponentKind::source);
    const bool any_sink = declared_.contains(ComponentKind::sink);
    if (!any_source) ctx_.error(root, "", "the configuration has no sources");
    if (!any_sink) ctx_.error(root, "", "the configuration has no sinks");

    std::map<std::string, const ComponentConfig*> by_name;
    for (const auto& c : out.components)
      by_name[c.name] = &c;
    std::vector<std::string> readable;  // names an input may use
    for (const auto& [name, seen] : names_) {
      if (seen.kind != ComponentKind::sink) readable.push_back(name);
    }

    std::set<std::string> read_by_someone;
    bool unresolved = false;
    for (const auto& c : out.components) {
      const std::string path = fmt::format("{}s.{}.inputs", kind_name(c.kind), c.name);
      std::set<std::string> listed;
      for (const auto& ref : input_refs_[c.name]) {
        std::string base = ref.text;
        std::string output;
        if (auto dot = ref.text.find('.'); dot != std::string::npos) {
          base = ref.text.substr(0, dot);
          output = ref.text.substr(dot + 1);
        }
        if (!listed.insert(ref.text).second) {
          ctx_.diagnostics->error(ref.where, path, fmt::format("'{}' is listed twice", ref.text));
          continue;
        }
        auto seen = names_.find(base);
        if (seen == names_.end()) {
          unresolved = true;
          if (!sections_ok_) continue;  // the names of a broken section are unknown
          std::string message = fmt::format("'{}' names no source or transform", ref.text);
          if (auto best = closest_match(ref.text, readable))
            message += fmt::format("; did you mean '{}'?", *best);
          ctx_.diagnostics->error(ref.where, path, message);
          continue;
        }
        if (seen->second.kind == ComponentKind::sink) {
          ctx_.diagnostics->error(
              ref.where, path, fmt::format("'{}' is a sink; inputs name sources and transforms", ref.text));
          continue;
        }
        if (base == c.name) {
          ctx_.diagnostics->error(ref.where, path, fmt::format("'{}' reads from itself", c.name));
          continue;
        }
        if (ref.text.find('.') != std::string::npos) {
          auto target = by_name.find(base);
          if (target != by_name.end()) {
            if (auto problem = output_problem(*target->second, output)) {
              ctx_.diagnostics->error(ref.where, path, *problem);
              continue;
            }
          }
        }
        read_by_someone.insert(base);
      }
    }

    // Every source and transform must feed something: otherwise its events would go nowhere, silently. Any
    // problem found so far (a misspelt input, a component that failed to load, no sinks) may explain it.
    const bool explained = unresolved || !ctx_.diagnostics->empty();
    for (const auto& c : out.components) {
      if (explained) break;
      if (c.kind != ComponentKind::sink && !read_by_someone.contains(c.name)) {
        ctx_.diagnostics->error(
            c.where, fmt::format("{}s.{}", kind_name(c.kind), c.name),
            fmt::format("no transform or sink reads from '{}': its events would go nowhere", c.name));
      }
    }

    check_cycles(out);
  }

  // What is wrong with reading `output` of `c` (`c.output` in an input), if anything.
  std::optional<std::string> output_problem(const ComponentConfig& c, const std::string& output) const {
    if (c.kind != ComponentKind::transform) {
      return fmt::format("'{}' is a {}; only transforms have named outputs", c.name, kind_name(c.kind));
    }
    if (c.options == nullptr) return std::nullopt;  // its options are broken, and reported
    const auto outputs = c.plugin->outputs ? c.plugin->outputs(c.options.get()) : std::vector<std::string>{};
    if (std::find(outputs.begin(), outputs.end(), output) != outputs.end()) return std::nullopt;
    if (outputs.empty()) return fmt::format("'{}' has no named outputs; read it as '{}'", c.name, c.name);
    std::string message = fmt::format("'{}' has no output named '{}'", c.name, output);
    if (auto best = closest_match(output, outputs)) message += fmt::format("; did you mean '{}'?", *best);
    message += fmt::format(" (outputs: {})", fmt::join(outputs, ", "));
    return message;
  }

  void check_cycles(const AgentConfig& out) {
    // Depth-first search over transforms; a back edge is a cycle, reported once with its path, at the input
    // that closes it.
    std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
    std::vector<std::string> stack;
    std::set<std::string> reported;
    std::function<void(const ComponentConfig&)> visit = [&](const ComponentConfig& c) {
      state[c.name] = 1;
      stack.push_back(c.name);
      const auto& refs = input_refs_[c.name];
      for (std::size_t i = 0; i < c.inputs.size(); ++i) {
        const std::string& input = c.inputs[i];
        const std::string base = input.substr(0, input.find('.'));
        const ComponentConfig* next = out.find(base);
        if (next == nullptr || next->kind != ComponentKind::transform || base == c.name) continue;
        if (state[base] == 1) {
          auto from = std::find(stack.begin(), stack.end(), base);
          std::vector<std::string> cycle(from, stack.end());
          cycle.push_back(base);
          std::set<std::string> members(cycle.begin(), cycle.end());
          std::string key = fmt::format("{}", fmt::join(members, ","));
          if (reported.insert(key).second) {
            ctx_.diagnostics->error(i < refs.size() ? refs[i].where : c.where,
                                    fmt::format("transforms.{}.inputs", c.name),
                                    fmt::format("transforms form a cycle: {}", fmt::join(cycle, " <- ")));
          }
        } else if (state[base] == 0) {
          visit(*next);
        }
      }
      stack.pop_back();
      state[c.name] = 2;
    };
    for (const auto& c : out.components) {
      if (c.kind == ComponentKind::transform && state[c.name] == 0) visit(c);
    }
  }

  void build_each(const AgentConfig& out) {
    for (const auto& c : out.components) {
      const std::string path = fmt::format("{}s.{}", kind_name(c.kind), c.name);
      try {
        switch (c.kind) {
          case ComponentKind::source:
            c.plugin->make_source(c.options.get());
            break;
          case ComponentKind::transform:
            c.plugin->make_transform(c.options.get());
            break;
          case ComponentKind::sink:
            c.plugin->make_sink(c.options.get());
            break;
        }
      } catch (const ComponentConfigError& e) {
        ctx_.diagnostics->error(c.where, path, e.what());
      }
    }
  }

  struct Seen {
    ComponentKind kind;
    config::Location where;
  };
  ParseContext ctx_;
  std::map<std::string, Seen> names_;
  std::set<ComponentKind> declared_;  // kinds with at least one entry in their section
  bool sections_ok_ = true;           // every section present is a map
  std::map<std::string, std::vector<InputRef>> input_refs_;
};

}  // namespace

ConfigLoadResult load_config_text(const std::string& text, const std::string& file_name,
                                  const config::EnvLookup& env) {
  ConfigLoadResult result;
  YAML::Node root;
  try {
    // Every document, so that a second one (after `---`) is not silently ignored.
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (!documents.empty()) root = documents.front();
    for (std::size_t i = 1; i < documents.size(); ++i) {
      if (documents[i].IsNull()) continue;  // a trailing `---` holds nothing
      const YAML::Mark mark = documents[i].Mark();
      result.diagnostics.error({file_name, mark.line + 1, mark.column + 1}, "",
                               "the file holds more than one YAML document; a configuration is one document");
      return result;
    }
  } catch (const YAML::ParserException& e) {
    result.diagnostics.error({file_name, e.mark.line + 1, e.mark.column + 1}, "",
                             fmt::format("invalid YAML: {}", e.msg));
    return result;
  }
  Loader loader(file_name, env, result.diagnostics);
  result.config = loader.load(root);
  return result;
}

ConfigLoadResult load_config_file(const std::string& path, const config::EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigLoadResult result;
    result.diagnostics.error({path, 0, 0}, "", fmt::format("cannot read the file: {}", std::strerror(errno)));
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), path, env);
}

}  // namespace pyrolog
