/**
 * The counters in Prometheus's text exposition format (version 0.0.4), for
 * `-Dflume.monitoring.type=prometheus`. Flume has no Prometheus reporter of
 * its own (its 1.10 guide documents JMX, Ganglia and JSON), so the names
 * follow Prometheus's conventions: `flume_` and the Flume counter name in
 * snake case, a counter's `Count` suffix turned into `_total`
 * (`EventReceivedCount` → `flume_event_received_total`, `ChannelWriteFail`
 * → `flume_channel_write_fail_total`), gauges without a suffix
 * (`flume_channel_size`), times in seconds (`flume_start_time_seconds`).
 * Every sample carries `component` (source, channel, sink), `name` (w1)
 * and `type` (websocket) labels.
 *
 * @module
 */
import { type CounterGroup, GAUGE_COUNTERS } from "../api/counters.ts";
import type { MonitoredAgent } from "../api/monitor.ts";
import type { HealthReport } from "./health.ts";

/** The content type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A Prometheus metric type as the text format names it. */
export type MetricType = "counter" | "gauge";

/** One metric family: its HELP and TYPE, then its samples. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: { readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/** Gauges whose Prometheus name is not their snake-cased Flume name. */
const GAUGE_NAMES: Readonly<Record<string, string>> = {
  OpenConnectionCount: "flume_open_connections",
};

/** What each Flume counter counts, for `# HELP`. */
const HELP: Readonly<Record<string, string>> = {
  EventReceivedCount: "Events the source received",
  EventAcceptedCount: "Events the source put into its channels",
  AppendBatchReceivedCount: "Batches the source received",
  AppendBatchAcceptedCount: "Batches the source put into its channels",
  OpenConnectionCount: "Connections open now",
  ChannelWriteFail: "Batches a channel refused",
  EventReadFail: "Events the source could not read",
  GenericProcessingFail: "Other processing failures of the source",
  EventDroppedCount: "Events dropped: the backlog was full, or left at shutdown",
  InterceptorDropCount: "Events the source's interceptors left out",
  JsonExtractorSkipCount: "Events whose body json_extractor could not read as a JSON object",
  RegexExtractorSkipCount: "Values regex_extractor's millis serializer could not read as a date",
  OptionalChannelWriteFail: "Events an optional channel refused (logged, not retried)",
  EventUnroutedCount: "Events the channel selector sent to no channel",
  ConnectionAttemptCount: "Connection attempts",
  ConnectionCreatedCount: "Connections opened",
  ConnectionFailedCount: "Connection attempts that failed",
  ConnectionClosedCount: "Connections closed",
  ConnectionAbandonedCount: "Connections dropped after the peer did not answer the close",
  MessageTooLargeCount: "Messages over maxMessageSize, lost",
  EndpointSwitchCount: "Attempts that went to another endpoint than the one before",
  EndpointIndex: "Which endpoint (1 = the first listed) the source connects to now",
  EventPutAttemptCount: "Events offered to the channel",
  EventPutSuccessCount: "Events committed into the channel",
  EventTakeAttemptCount: "Takes from the channel",
  EventTakeSuccessCount: "Events taken from the channel",
  ChannelCapacity: "Events the channel holds at most",
  ChannelSize: "Events in the channel now",
  ChannelFillPercentage: "How full the channel is now, in percent",
  BatchEmptyCount: "Sink transactions that found the channel empty",
  BatchUnderflowCount: "Sink transactions that took less than a full batch",
  BatchCompleteCount: "Sink transactions that took a full batch",
  EventDrainAttemptCount: "Events the sink tried to deliver",
  EventDrainSuccessCount: "Events the sink delivered",
  EventWriteFail: "Events or batches the sink failed to write",
  ChannelReadFail: "Sink transactions the channel failed",
  StartTime: "When the component started, seconds since the epoch",
  StopTime: "When the component stopped, seconds since the epoch; 0 while it runs",
};

/** The Prometheus name and type of a Flume counter (`StartTime` and `StopTime` included). */
export function prometheusName(counter: string): { name: string; type: MetricType } {
  if (counter === "StartTime") return { name: "flume_start_time_seconds", type: "gauge" };
  if (counter === "StopTime") return { name: "flume_stop_time_seconds", type: "gauge" };
  const snake = counter.replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_");
  if (GAUGE_COUNTERS.includes(counter)) {
    return { name: GAUGE_NAMES[counter] ?? `flume_${snake}`, type: "gauge" };
  }
  return { name: `flume_${snake.replace(/_count$/, "")}_total`, type: "counter" };
}

/**
 * Every counter of `agent` as metric families, in the order the groups
 * list them, and, with `health`, `flume_component_up` (1 while /health
 * counts the source or sink up, 0 while down).
 */
export function metricFamilies(agent: MonitoredAgent, health?: HealthReport): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const add = (
    name: string,
    type: MetricType,
    help: string,
    sample: MetricFamily["samples"][0],
  ) => {
    let family = families.get(name);
    if (!family) families.set(name, family = { name, help, type, samples: [] });
    family.samples.push(sample);
  };
  for (const group of agent.counters.groups()) {
    const labels = labelsOf(group, agent.componentType(group.id));
    for (const [counter, value] of Object.entries(group.snapshot())) {
      if (typeof value !== "number") continue; // Type is a label
      const { name, type } = prometheusName(counter);
      const seconds = counter === "StartTime" || counter === "StopTime";
      add(name, type, HELP[counter] ?? `Flume's ${counter}`, {
        labels,
        value: seconds ? value / 1000 : value,
      });
    }
  }
  for (const [id, verdict] of Object.entries(health?.components ?? {})) {
    const group = agent.counters.get(id);
    if (!group) continue;
    add("flume_component_up", "gauge", "1 while /health counts the component up, else 0", {
      labels: labelsOf(group, agent.componentType(id)),
      value: verdict.status === "ok" ? 1 : 0,
    });
  }
  return [...families.values()];
}

/** The text exposition of `families`: HELP, TYPE, then the samples of each, one per line. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const { labels, value } of family.samples) {
      const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      lines.push(`${family.name}{${pairs.join(",")}} ${formatValue(value)}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** The labels of a group's samples: component, name and, when known, type. */
function labelsOf(group: CounterGroup<string>, type: string | undefined): Record<string, string> {
  const labels: Record<string, string> = { component: group.kind.toLowerCase(), name: group.name };
  if (type !== undefined) labels.type = type;
  return labels;
}

/** A sample value as the format writes it (`+Inf`, `NaN`, digits). */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}
