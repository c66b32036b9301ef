#include "http/endpoints.h"

namespace pyrolog {

HttpResponse serve_observability(std::string_view target, const MetricsRegistry& metrics,
                                 const AgentStatus& status) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/metrics") {
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics.render_prometheus()};
  }
  if (path == "/health") {
    const HealthReport report = status.health();
    return {report.healthy ? 200u : 503u, "application/json", report.to_json()};
  }
  if (path == "/") {
    return {200, "text/plain; charset=utf-8",
            "pyrolog\n/metrics  Prometheus metrics\n/health   200 when healthy, 503 otherwise (JSON)\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found; try /metrics or /health\n"};
}

}  // namespace pyrolog
