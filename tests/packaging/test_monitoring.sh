#!/usr/bin/env bash
# Checks conf/prometheus/pyrolog-alerts.yml and conf/grafana/pyrolog-dashboard.json:
#   - promtool check rules, and promtool test rules (tests/packaging/pyrolog-alerts.test.yml);
#   - the dashboard is what conf/grafana/make_dashboard.py writes, and every PromQL query in it parses
#     (each is checked by promtool as a recording rule, with Grafana's variables replaced).
# Needs promtool (Debian package prometheus). Exit status 0 when everything passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$root/conf/prometheus/pyrolog-alerts.yml"
(cd "$root/tests/packaging" && promtool test rules pyrolog-alerts.test.yml)

/usr/bin/python3 "$root/conf/grafana/make_dashboard.py" "$tmp/dashboard.json" >/dev/null
if ! cmp -s "$tmp/dashboard.json" "$root/conf/grafana/pyrolog-dashboard.json"; then
  echo "FAIL: conf/grafana/pyrolog-dashboard.json is stale: run conf/grafana/make_dashboard.py" >&2
  exit 1
fi

/usr/bin/python3 - "$root/conf/grafana/pyrolog-dashboard.json" "$tmp/queries.yml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exprs = []
def walk(panels):
    for p in panels:
        walk(p.get("panels", []))
        for t in p.get("targets", []):
            exprs.append(t["expr"])
walk(d["panels"])
ids = [p["id"] for p in d["panels"]]
assert len(ids) == len(set(ids)), "duplicate panel ids"
with open(sys.argv[2], "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$instance", ".*").replace("$job", "pyrolog")
        f.write(f"      - record: dashboard_query_{i}\n        expr: {json.dumps(e)}\n")
print(f"dashboard: {len(d['panels'])} panels, {len(exprs)} queries")
PY
promtool check rules "$tmp/queries.yml" >/dev/null
echo "test_monitoring: OK"
