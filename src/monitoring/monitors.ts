/**
 * The monitoring server types, chosen with `-Dflume.monitoring.type`:
 * `http` (Flume's JSON reporting) and `prometheus`. Both take
 * `-Dflume.monitoring.port` and `-Dflume.monitoring.host`, and both answer
 * `/health` and the dashboard.
 *
 * @module
 */
import { defineMonitor } from "../api/component.ts";
import { int, type Reporter, string } from "../api/properties.ts";
import type { CheckedProperties } from "../api/properties.ts";
import { MonitoringServer } from "./monitoring_server.ts";

/** Flume's default monitoring port. */
export const DEFAULT_MONITORING_PORT = 41414;

/** The properties of both types. */
const MONITOR_PROPERTIES = {
  port: int({
    default: DEFAULT_MONITORING_PORT,
    min: 0,
    max: 65535,
    doc: "The port to listen on; 0 picks any free port",
  }),
  host: string({
    default: "127.0.0.1",
    doc: "The address to listen on: 0.0.0.0 for every interface",
  }),
} as const;

/** Refuses a host that no listener could take: empty, or with a scheme, path or port. */
function checkHost(props: CheckedProperties<typeof MONITOR_PROPERTIES>, report: Reporter): void {
  const host = props.get("host");
  if (host === undefined) return;
  if (host.trim() === "" || /[\s/]|^\w+:\/\//.test(host)) {
    report({
      property: "host",
      message: `Invalid -Dflume.monitoring.host "${host}": expected an address or host name`,
      hint: "e.g. 127.0.0.1, 0.0.0.0 or ::1; the port is -Dflume.monitoring.port",
    });
  }
}

/** `-Dflume.monitoring.type=http`: Flume's JSON on `/metrics`. */
export const HTTP_MONITOR = defineMonitor({
  type: "http",
  aliases: ["org.apache.flume.instrumentation.http.HTTPMetricsServer"],
  summary: "Flume's JSON reporting: every counter group on `GET /metrics`, values as strings",
  properties: MONITOR_PROPERTIES,
  check: checkHost,
  create: ({ config, agent, log }) =>
    new MonitoringServer({
      type: "http",
      format: "json",
      hostname: config.host.trim(),
      port: config.port,
      agent,
      log,
    }),
});

/** `-Dflume.monitoring.type=prometheus`: the counters in Prometheus's text format on `/metrics`. */
export const PROMETHEUS_MONITOR = defineMonitor({
  type: "prometheus",
  summary: "The counters in Prometheus's text format on `GET /metrics`",
  properties: MONITOR_PROPERTIES,
  check: checkHost,
  create: ({ config, agent, log }) =>
    new MonitoringServer({
      type: "prometheus",
      format: "prometheus",
      hostname: config.host.trim(),
      port: config.port,
      agent,
      log,
    }),
});
