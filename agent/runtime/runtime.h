#pragma once

#include <chrono>
#include <string>

#include "config/env_substitution.h"

namespace pyrolog {

struct RunOptions {
  std::string config_path;
  // Print a one-line summary (events in, out, per second) every `summary_interval`; 0 turns it off.
  std::chrono::milliseconds summary_interval{0};
  // How long a graceful stop (SIGTERM, SIGINT, a reload) may take to deliver what was accepted.
  std::chrono::milliseconds shutdown_deadline{std::chrono::seconds(30)};
  config::EnvLookup env = config::process_environment();
};

// Runs the agent until SIGTERM or SIGINT: loads and validates the config, opens and starts the pipeline on a
// small thread pool, reloads on SIGHUP (a new config is validated first; if it is invalid the running
// pipeline keeps going). Returns the process exit code: 0 after a clean stop, 1 when the pipeline could not
// start or the shutdown deadline passed, 2 for an invalid config.
int run_agent(const RunOptions& options);

}  // namespace pyrolog
