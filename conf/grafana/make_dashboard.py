#!/usr/bin/env python3
"""Writes conf/grafana/pyrolog-dashboard.json, the Grafana dashboard for the agent's metrics (run it after changing the panels here; the JSON is checked in).

Kept as code so that panel ids, grid positions and the datasource references stay consistent.
"""
import json
import sys
from pathlib import Path

DS = {"type": "prometheus", "uid": "${datasource}"}
SEL = 'instance=~"$instance"'
panels = []
next_id = 1
y = 0


def row(title):
    global next_id, y
    panels.append({"type": "row", "title": title, "id": next_id, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
    next_id += 1
    y += 1


def panel(title, targets, unit="short", kind="timeseries", w=12, h=8, x=0, description="", max_=None,
          thresholds=None):
    global next_id
    p = {
        "type": kind, "title": title, "id": next_id, "datasource": DS, "description": description,
        "gridPos": {"h": h, "w": w, "x": x, "y": y},
        "targets": [{"datasource": DS, "refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
                    for i, (expr, legend) in enumerate(targets)],
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {},
    }
    if max_ is not None:
        p["fieldConfig"]["defaults"]["max"] = max_
        p["fieldConfig"]["defaults"]["min"] = 0
    if thresholds:
        p["fieldConfig"]["defaults"]["thresholds"] = {
            "mode": "absolute",
            "steps": [{"color": "green", "value": None}] + [{"color": c, "value": v} for v, c in thresholds]}
    if kind == "timeseries":
        p["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}}
        p["fieldConfig"]["defaults"]["custom"] = {"fillOpacity": 10, "lineWidth": 1}
    if kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "value", "graphMode": "area"}
    next_id += 1
    panels.append(p)


def line(*specs):
    """A row of panels of equal width; advances y."""
    global y
    w = 24 // len(specs)
    h = 0
    for i, (args, kwargs) in enumerate(specs):
        kwargs = dict(kwargs, w=w, x=i * w)
        h = max(h, kwargs.get("h", 8))
        panel(*args, **kwargs)
    y += h


def spec(*args, **kwargs):
    return (args, kwargs)


row("Overview")
line(
    spec("Agents up", [(f'sum(up{{job=~"$job", {SEL}}})', "up")], kind="stat", h=4),
    spec("Events in /s (sources)",
         [(f'sum(rate(pyrolog_component_received_events_total{{kind="source", {SEL}}}[$__rate_interval]))', "in")],
         unit="ops", kind="stat", h=4),
    spec("Events out /s (sinks)",
         [(f'sum(rate(pyrolog_component_sent_events_total{{kind="sink", {SEL}}}[$__rate_interval]))', "out")],
         unit="ops", kind="stat", h=4),
    spec("Unhealthy components", [(f'count(pyrolog_component_healthy{{{SEL}}} == 0) or vector(0)', "unhealthy")],
         kind="stat", h=4, thresholds=[(1, "red")]),
)

row("Events by component")
line(
    spec("Received events /s",
         [(f'sum by (instance, component, kind) (rate(pyrolog_component_received_events_total{{{SEL}}}[$__rate_interval]))',
           "{{instance}} {{kind}} {{component}}")], unit="ops"),
    spec("Sent events /s",
         [(f'sum by (instance, component, kind) (rate(pyrolog_component_sent_events_total{{{SEL}}}[$__rate_interval]))',
           "{{instance}} {{kind}} {{component}}")], unit="ops"),
)
line(
    spec("Bytes in and out /s",
         [(f'sum by (instance, component) (rate(pyrolog_component_received_bytes_total{{{SEL}}}[$__rate_interval]))',
           "in {{instance}} {{component}}"),
          (f'sum by (instance, component) (rate(pyrolog_component_sent_bytes_total{{{SEL}}}[$__rate_interval]))',
           "out {{instance}} {{component}}")], unit="Bps"),
    spec("Errors and drops /s",
         [(f'sum by (instance, component) (rate(pyrolog_component_errors_total{{{SEL}}}[$__rate_interval]))',
           "errors {{instance}} {{component}}"),
          (f'sum by (instance, component, reason) (rate(pyrolog_component_discarded_events_total{{{SEL}}}[$__rate_interval]))',
           "dropped {{instance}} {{component}} {{reason}}")], unit="ops"),
)

row("Batch latency")
line(
    spec("Batch latency p99",
         [(f'histogram_quantile(0.99, sum by (instance, component, kind, le) (rate(pyrolog_component_batch_latency_seconds_bucket{{{SEL}}}[$__rate_interval])))',
           "{{instance}} {{kind}} {{component}}")], unit="s",
         description="Time a batch spends in each component, 99th percentile: a source from handing it over to every channel taking it (transforms and backpressure included), a transform processing it, a sink from taking it off its channel to its acknowledgement."),
    spec("Batch latency mean",
         [(f'sum by (instance, component, kind) (rate(pyrolog_component_batch_latency_seconds_sum{{{SEL}}}[$__rate_interval])) / sum by (instance, component, kind) (rate(pyrolog_component_batch_latency_seconds_count{{{SEL}}}[$__rate_interval]))',
           "{{instance}} {{kind}} {{component}}")], unit="s"),
)

row("Channels")
line(
    spec("Channel fill",
         [(f'max by (instance, component) (pyrolog_channel_bytes{{{SEL}}}) / max by (instance, component) (pyrolog_channel_max_bytes{{{SEL}}})',
           "{{instance}} {{component}}")], unit="percentunit", max_=1,
         description="Bytes held in the channel in front of each sink over its max_bytes. At 100% the sources stop reading (when_full: block).",
         thresholds=[(0.8, "orange"), (0.95, "red")]),
    spec("Channel bytes",
         [(f'max by (instance, component) (pyrolog_channel_bytes{{{SEL}}})', "{{instance}} {{component}}")],
         unit="bytes"),
    spec("Unacknowledged batches (sink lag)",
         [(f'max by (instance, component) (pyrolog_channel_lag_batches{{{SEL}}})', "{{instance}} {{component}}")],
         description="Batches in the channel that the sink has not delivered yet."),
)

row("Parsing")
line(
    spec("Transform outcomes /s",
         [(f'sum by (instance, component, outcome) (rate(pyrolog_transform_events_total{{{SEL}}}[$__rate_interval]))',
           "{{instance}} {{component}} {{outcome}}")], unit="ops"),
    spec("Parse failure ratio",
         [(f'sum by (instance, component) (rate(pyrolog_transform_events_total{{outcome=~"no_match|limit_exceeded|conversion_failed|error", {SEL}}}[$__rate_interval])) / sum by (instance, component) (rate(pyrolog_transform_events_total{{{SEL}}}[$__rate_interval]))',
           "{{instance}} {{component}}")], unit="percentunit", max_=1, thresholds=[(0.05, "orange")]),
)

row("Tail sources")
line(
    spec("Files followed / open",
         [(f'sum by (instance, component) (pyrolog_tail_files{{{SEL}}})', "followed {{instance}} {{component}}"),
          (f'sum by (instance, component) (pyrolog_tail_files_open{{{SEL}}})', "open {{instance}} {{component}}")]),
    spec("Rotations and truncations /h",
         [(f'sum by (instance, component) (increase(pyrolog_tail_rotations_total{{{SEL}}}[1h]))', "rotations {{instance}} {{component}}"),
          (f'sum by (instance, component) (increase(pyrolog_tail_truncations_total{{{SEL}}}[1h]))', "truncations {{instance}} {{component}}")]),
)
line(
    spec("Bytes behind",
         [(f'sum by (instance, component) (pyrolog_tail_behind_bytes{{{SEL}}})', "{{instance}} {{component}}")],
         unit="bytes",
         description="Bytes of the followed files not read yet (file size minus read offset). Near 0 when the source keeps up; a backlog that does not shrink means it falls behind."),
    spec("Files furthest behind",
         [(f'topk(10, pyrolog_tail_file_behind_bytes{{{SEL}}})', "{{instance}} {{component}} {{path}}")],
         unit="bytes", description="The 10 open files with the most bytes not read yet."),
)

row("Kafka sinks")
line(
    spec("In flight",
         [(f'sum by (instance, component) (pyrolog_kafka_in_flight_messages{{{SEL}}})', "{{instance}} {{component}}")],
         description="Messages produced and not yet acknowledged by the brokers."),
    spec("Delivery latency",
         [(f'histogram_quantile(0.5, sum by (instance, component, le) (rate(pyrolog_kafka_delivery_latency_seconds_bucket{{{SEL}}}[$__rate_interval])))',
           "p50 {{instance}} {{component}}"),
          (f'histogram_quantile(0.99, sum by (instance, component, le) (rate(pyrolog_kafka_delivery_latency_seconds_bucket{{{SEL}}}[$__rate_interval])))',
           "p99 {{instance}} {{component}}"),
          (f'max by (instance, component) (pyrolog_kafka_delivery_latency_max_seconds{{{SEL}}})', "max {{instance}} {{component}}")],
         unit="s", description="Per message, from taking its batch off the channel to the broker's acknowledgement."),
    spec("Brokers up", [(f'sum by (instance, component) (pyrolog_kafka_brokers_up{{{SEL}}})', "{{instance}} {{component}}")]),
)
line(
    spec("Retries and errors /s",
         [(f'sum by (instance, component) (rate(pyrolog_kafka_retries_total{{{SEL}}}[$__rate_interval]))', "retries {{instance}} {{component}}"),
          (f'sum by (instance, component, reason) (rate(pyrolog_kafka_errors_total{{{SEL}}}[$__rate_interval]))', "errors {{instance}} {{component}} {{reason}}")],
         unit="ops"),
    spec("Dead letters /h",
         [(f'sum by (instance, component, destination) (increase(pyrolog_kafka_dead_letters_total{{{SEL}}}[1h]))',
           "{{instance}} {{component}} {{destination}}")]),
)

dashboard = {
    "title": "Pyrolog",
    "uid": "pyrolog-agent",
    "description": "Pyrolog log agents: events in and out per component, batch latency, channel fill, parsing, tail and Kafka.",
    "tags": ["pyrolog", "logs"],
    "timezone": "browser",
    "editable": True,
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "graphTooltip": 1,
    "annotations": {"list": []},
    "links": [],
    "templating": {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1},
        {"name": "job", "label": "Job", "type": "custom", "query": "pyrolog", "current": {"text": "pyrolog", "value": "pyrolog"},
         "hide": 2, "options": []},
        {"name": "instance", "label": "Instance", "type": "query", "datasource": DS,
         "query": {"query": "label_values(pyrolog_component_received_events_total, instance)", "refId": "instance"},
         "definition": "label_values(pyrolog_component_received_events_total, instance)",
         "includeAll": True, "multi": True, "allValue": ".*", "current": {}, "refresh": 2, "sort": 1, "hide": 0},
    ]},
    "panels": panels,
}

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "pyrolog-dashboard.json"
out.write_text(json.dumps(dashboard, indent=2) + "\n")
print(out)
