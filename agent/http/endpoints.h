#pragma once

#include <string_view>

#include "http/http_server.h"
#include "metrics/metrics.h"
#include "runtime/agent_status.h"

namespace pyrolog {

// The agent's HTTP routes: `/metrics` (Prometheus text format 0.0.4), `/health` (200 with a JSON body when
// every component is healthy and the agent is running, else 503 naming the unhealthy components and why),
// `/` (an index). Anything else is 404.
HttpResponse serve_observability(std::string_view target, const MetricsRegistry& metrics,
                                 const AgentStatus& status);

}  // namespace pyrolog
