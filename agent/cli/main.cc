// pyrolog: the command line.

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/malloc_tuning.h"
#include "base/units.h"
#include "cli/channel_command.h"
#include "config/agent_config.h"
#include "docsgen/reference_doc.h"
#include "grok_command.h"
#include "plugin/plugin_registry.h"
#include "runtime/runtime.h"
#include "version.h"

namespace pyrolog {
namespace {

constexpr std::string_view kUsage = R"(pyrolog: a log-ingestion agent

Usage: pyrolog <command> [options]

Commands:
  run       Run the agent on a configuration until SIGTERM or SIGINT
  check     Validate a configuration and print every problem
  version   Print the version
  channel   Inspect, verify or repair a disk channel directory
  grok      Try a grok pattern on lines: the fields, or where it stopped matching
  doc       Write the generated configuration reference
  help      Show help for a command

Run 'pyrolog help <command>' or 'pyrolog <command> --help' for a command's options.
)";

struct Command {
  std::string_view help;
  std::function<int(const std::vector<std::string_view>&)> run;
};

constexpr std::string_view kRunHelp =
    R"(Usage: pyrolog run --config FILE [--summary] [--shutdown-deadline DURATION]

Runs the agent. SIGTERM and SIGINT stop it gracefully: sources stop reading, everything accepted is delivered,
then it exits 0. Past the deadline, what waits in disk channels is kept for the next start; if events held in
memory channels had to be dropped, the exit status is 1. SIGHUP reloads FILE: the new configuration is validated first, and if it is invalid the running
pipeline goes on and the problems are logged.

Options:
  --config FILE                The configuration (YAML).
  --summary                    Print a one-line summary every second: events in and out, per second.
  --shutdown-deadline DURATION How long a stop may take to deliver what was accepted (default 30s).
)";

constexpr std::string_view kCheckHelp = R"(Usage: pyrolog check --config FILE

Validates FILE: YAML syntax, every option's type and range, component types, inputs, cycles, and what only
building a component can tell (a grok pattern that does not compile). Prints every problem as
FILE:LINE:COLUMN: PATH: MESSAGE and exits 1 if there is any, 0 if there is none.
)";

constexpr std::string_view kVersionHelp = "Usage: pyrolog version\n\nPrints the version.\n";

constexpr std::string_view kDocHelp = R"(Usage: pyrolog doc reference DIR

Writes the configuration reference (one Markdown page per plugin, generated from the option tables) into DIR.
)";

// Finds `--name VALUE` or `--name=VALUE`.
std::optional<std::string> option_value(const std::vector<std::string_view>& args, std::string_view name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) return std::string(args[i + 1]);
    if (args[i].size() > name.size() && args[i].substr(0, name.size()) == name &&
        args[i][name.size()] == '=') {
      return std::string(args[i].substr(name.size() + 1));
    }
  }
  return std::nullopt;
}

bool has_flag(const std::vector<std::string_view>& args, std::string_view name) {
  for (auto a : args) {
    if (a == name) return true;
  }
  return false;
}

int usage_error(std::string_view message, std::string_view help) {
  std::fprintf(stderr, "pyrolog: %.*s\n\n%.*s", static_cast<int>(message.size()), message.data(),
               static_cast<int>(help.size()), help.data());
  return 64;  // EX_USAGE
}

// Flags a command does not know are errors, not silently ignored.
std::optional<std::string> unknown_flag(const std::vector<std::string_view>& args,
                                        std::initializer_list<std::string_view> with_value,
                                        std::initializer_list<std::string_view> flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a.substr(0, 2) != "--") continue;
    std::string_view name = a.substr(0, a.find('='));
    if (std::find(with_value.begin(), with_value.end(), name) != with_value.end()) {
      if (a.find('=') == std::string_view::npos) ++i;
      continue;
    }
    if (std::find(flags.begin(), flags.end(), name) == flags.end()) return std::string(a);
  }
  return std::nullopt;
}

int cmd_run(const std::vector<std::string_view>& args) {
  if (auto bad = unknown_flag(args, {"--config", "--shutdown-deadline"}, {"--summary"})) {
    return usage_error(fmt::format("unknown option '{}'", *bad), kRunHelp);
  }
  tune_malloc();
  RunOptions options;
  auto config = option_value(args, "--config");
  if (!config) return usage_error("run needs --config FILE", kRunHelp);
  options.config_path = *config;
  if (has_flag(args, "--summary")) options.summary_interval = std::chrono::seconds(1);
  if (auto d = option_value(args, "--shutdown-deadline")) {
    auto parsed = parse_duration(*d);
    if (!parsed)
      return usage_error(fmt::format("--shutdown-deadline: expected a duration, got '{}'", *d), kRunHelp);
    options.shutdown_deadline = *parsed;
  }
  return run_agent(options);
}

int cmd_check(const std::vector<std::string_view>& args) {
  if (auto bad = unknown_flag(args, {"--config"}, {})) {
    return usage_error(fmt::format("unknown option '{}'", *bad), kCheckHelp);
  }
  auto config = option_value(args, "--config");
  if (!config) return usage_error("check needs --config FILE", kCheckHelp);
  auto loaded = load_config_file(*config, config::process_environment());
  if (!loaded.config) {
    std::fputs(loaded.diagnostics.to_string().c_str(), stdout);
    std::printf("%s: %zu problem(s)\n", config->c_str(), loaded.diagnostics.size());
    return 1;
  }
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& c : loaded.config->components)
    ++counts[static_cast<int>(c.kind)];
  std::printf("%s: OK (%zu sources, %zu transforms, %zu sinks)\n", config->c_str(), counts[0], counts[1],
              counts[2]);
  return 0;
}

int cmd_version(const std::vector<std::string_view>&) {
  std::printf("pyrolog %s\n", kVersion);
  return 0;
}

int cmd_doc(const std::vector<std::string_view>& args) {
  if (args.size() != 2 || args[0] != "reference") return usage_error("doc takes: reference DIR", kDocHelp);
  const std::filesystem::path dir(args[1]);
  for (const auto& [path, text] : render_reference_pages()) {
    const auto file = dir / path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::fprintf(stderr, "pyrolog: cannot write %s\n", file.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string_view, Command> commands{
      {"run", {kRunHelp, cmd_run}},
      {"check", {kCheckHelp, cmd_check}},
      {"version", {kVersionHelp, cmd_version}},
      {"doc", {kDocHelp, cmd_doc}},
      {"channel", {kChannelHelp, run_channel_command}},
      {"grok", {kGrokCommandHelp, run_grok_command}},
  };
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(std::string(kUsage).c_str(), args.empty() ? stderr : stdout);
    return args.empty() ? 64 : 0;
  }
  if (args[0] == "--version") return cmd_version({});
  if (args[0] == "help") {
    if (args.size() < 2) {
      std::fputs(std::string(kUsage).c_str(), stdout);
      return 0;
    }
    auto it = commands.find(args[1]);
    if (it == commands.end()) return usage_error(fmt::format("unknown command '{}'", args[1]), kUsage);
    std::fputs(std::string(it->second.help).c_str(), stdout);
    return 0;
  }
  auto it = commands.find(args[0]);
  if (it == commands.end()) return usage_error(fmt::format("unknown command '{}'", args[0]), kUsage);
  std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (has_flag(rest, "--help") || has_flag(rest, "-h")) {
    std::fputs(std::string(it->second.help).c_str(), stdout);
    return 0;
  }
  return it->second.run(rest);
}

}  // namespace pyrolog

int main(int argc, char** argv) {
  return pyrolog::main(argc, argv);
}
