/**
 * The benchmark's scenarios and the flume.conf each agent scenario runs.
 * Component sizes are realistic production values, stated in the report.
 *
 * @module
 */

/** Which process a scenario runs. */
export type ScenarioId =
  | "sender"
  | "ceiling"
  | "frame-reader"
  | "memory-null"
  | "file-null"
  | "memory-file_roll"
  | "memory-file_roll-text"
  | "memory-http-slow"
  | "memory-logger"
  | "memory-kafka"
  | "memory-avro";

/** One measured configuration. */
export interface Scenario {
  readonly id: ScenarioId;
  /** `(a)`…`(d)` as the issue names them; `(0)` for the sender check. */
  readonly tag: string;
  readonly title: string;
  /** Events/s of this scenario over the ceiling's, at least; undefined when none. */
  readonly minRatio?: number;
  /** Peak RSS in MB (10^6 bytes), at most, by message size in bytes; undefined when none. */
  readonly maxRssMb?: Readonly<Record<number, number>>;
  /** p99 latency in ms at the latency rate, at most; undefined when not measured. */
  readonly maxP99Ms?: number;
  /** The share of the run's messages this scenario gets (a slow sink gets fewer). @default 1 */
  readonly share?: number;
}

/** Every scenario, in report order. */
export const SCENARIOS: readonly Scenario[] = [
  { id: "sender", tag: "(0)", title: "sender alone → raw TCP reader (no WebSocket parsing)" },
  { id: "ceiling", tag: "(a)", title: "ceiling: bare built-in WebSocket, counts messages" },
  {
    id: "frame-reader",
    tag: "(a')",
    title: "limit: frame reader on Deno.connect, decodes every text payload",
  },
  {
    id: "memory-null",
    tag: "(b)",
    title: "agent: websocket → memory → null",
    minRatio: 0.9,
    maxRssMb: { 200: 150, 2048: 250 },
    maxP99Ms: 5,
  },
  {
    id: "file-null",
    tag: "(c)",
    title: "websocket → file → null",
    minRatio: 0.5,
    maxP99Ms: 20,
  },
  {
    id: "memory-file_roll",
    tag: "(d)",
    title: "websocket → memory → file_roll (json)",
    minRatio: 0.7,
  },
  {
    id: "memory-file_roll-text",
    tag: "(d')",
    title: "websocket → memory → file_roll (TEXT, the Flume guide's sizes)",
    minRatio: 0.7,
  },
  {
    id: "memory-http-slow",
    tag: "(e)",
    title: "websocket → memory → http sink, server answers in 50 ms (1000 per request)",
    share: 0.05,
  },
  {
    id: "memory-logger",
    tag: "(f)",
    title: "websocket → memory → logger (one event per transaction)",
    share: 0.2,
  },
  {
    id: "memory-kafka",
    tag: "(g)",
    title: "websocket → memory → kafka (a local Kafka 4 broker, acks 1)",
  },
  {
    id: "memory-avro",
    tag: "(h)",
    title: "websocket → memory → avro sink → a flume-ws avro source (another process) → null",
  },
];

/** The scenario with this id. */
export function scenario(id: ScenarioId): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new RangeError(`Unknown scenario "${id}"`);
  return found;
}

/** True for the scenarios that run an agent. */
export function isAgentScenario(id: ScenarioId): boolean {
  return id !== "sender" && id !== "ceiling" && id !== "frame-reader";
}

/** The Flume guide's memory channel and file_roll sizes, for the TEXT scenario. */
export const GUIDE_TEXT_SETTINGS: Readonly<
  Record<string, Readonly<Record<string, string | number>>>
> = {
  "memory channel": { capacity: 100_000, transactionCapacity: 1000 },
  "file_roll sink": { "sink.serializer": "TEXT", "sink.batchSize": 1000, "sink.rollInterval": 30 },
};

/** How the slow http sink posts: ndjson batches, 2xx a success. */
export const HTTP_SINK_SETTINGS: Readonly<Record<string, string | number>> = {
  batchSize: 1000,
  batchFormat: "ndjson",
  "rollback.2XX": "false",
  "backoff.2XX": "false",
  "incrementMetrics.2XX": "true",
};

/** How the kafka sink produces: Flume's defaults but for a larger batch. */
export const KAFKA_SINK_SETTINGS: Readonly<Record<string, string | number>> = {
  "kafka.topic": "bench",
  flumeBatchSize: 1000,
  "kafka.producer.acks": 1,
};

/** How the avro sink sends: one appendBatch of 1000 events, no compression. */
export const AVRO_SINK_SETTINGS: Readonly<Record<string, string | number>> = {
  hostname: "127.0.0.1",
  "batch-size": 1000,
};

/** The component settings every agent scenario uses; printed with the results. */
export const AGENT_SETTINGS: Readonly<Record<string, Readonly<Record<string, string | number>>>> = {
  "websocket source": { retryDelay: 1, backlogCapacity: 10_000 },
  "memory channel": { capacity: 100_000, transactionCapacity: 10_000 },
  "file channel": { capacity: 1_000_000, transactionCapacity: 10_000 },
  // Sinks take as much as one channel transaction holds: a durable channel
  // or file pays one fsync per batch.
  "null sink (and latency sink)": { batchSize: 10_000 },
  "file_roll sink": {
    "sink.serializer": "json",
    "sink.batchSize": 10_000,
    "sink.rollInterval": 30,
  },
};

/** Where an agent scenario connects and keeps its files. */
export interface ConfTarget {
  /** The sender's `ws://` URL. */
  readonly url: string;
  /** A fresh directory for the file channel and the file_roll sink. */
  readonly workDir: string;
  /** Use the latency sink instead of the null sink. */
  readonly latency?: boolean;
  /** The slow http server's URL, for the http scenario. */
  readonly httpUrl?: string;
  /** The Kafka broker's `host:port`, for the kafka scenario. */
  readonly kafkaBootstrap?: string;
  /** The port of the receiving agent's avro source, for the avro scenario. */
  readonly avroPort?: number;
}

/** The flume.conf (agent `a1`: source w1, channel c1, sink k1) of an agent scenario. */
export function agentConf(id: ScenarioId, target: ConfTarget): string {
  if (!isAgentScenario(id)) throw new RangeError(`Scenario "${id}" runs no agent`);
  const lines = [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
    `a1.sources.w1.endpoint = ${target.url}`,
    ...settingLines("a1.sources.w1", AGENT_SETTINGS["websocket source"]),
  ];
  if (id === "file-null") {
    lines.push(
      "a1.channels.c1.type = file",
      `a1.channels.c1.checkpointDir = ${target.workDir}/checkpoint`,
      `a1.channels.c1.dataDirs = ${target.workDir}/data`,
      ...settingLines("a1.channels.c1", AGENT_SETTINGS["file channel"]),
    );
  } else {
    const memory = id === "memory-file_roll-text"
      ? GUIDE_TEXT_SETTINGS["memory channel"]
      : AGENT_SETTINGS["memory channel"];
    lines.push("a1.channels.c1.type = memory", ...settingLines("a1.channels.c1", memory));
  }
  lines.push("a1.sinks.k1.channel = c1");
  if (id === "memory-file_roll" || id === "memory-file_roll-text") {
    const sink = id === "memory-file_roll"
      ? AGENT_SETTINGS["file_roll sink"]
      : GUIDE_TEXT_SETTINGS["file_roll sink"];
    lines.push(
      "a1.sinks.k1.type = file_roll",
      `a1.sinks.k1.sink.directory = ${target.workDir}/out`,
      ...settingLines("a1.sinks.k1", sink),
    );
  } else if (id === "memory-http-slow") {
    lines.push(
      "a1.sinks.k1.type = http",
      `a1.sinks.k1.endpoint = ${target.httpUrl}`,
      ...settingLines("a1.sinks.k1", HTTP_SINK_SETTINGS),
    );
  } else if (id === "memory-kafka") {
    lines.push(
      "a1.sinks.k1.type = kafka",
      `a1.sinks.k1.kafka.bootstrap.servers = ${target.kafkaBootstrap}`,
      ...settingLines("a1.sinks.k1", KAFKA_SINK_SETTINGS),
    );
  } else if (id === "memory-avro") {
    lines.push(
      "a1.sinks.k1.type = avro",
      `a1.sinks.k1.port = ${target.avroPort}`,
      ...settingLines("a1.sinks.k1", AVRO_SINK_SETTINGS),
    );
  } else if (id === "memory-logger") {
    lines.push("a1.sinks.k1.type = logger");
  } else {
    lines.push(
      `a1.sinks.k1.type = ${target.latency ? "latency" : "null"}`,
      ...settingLines("a1.sinks.k1", AGENT_SETTINGS["null sink (and latency sink)"]),
    );
  }
  return lines.join("\n") + "\n";
}

function settingLines(
  prefix: string,
  settings: Readonly<Record<string, string | number>>,
): string[] {
  return Object.entries(settings).map(([k, v]) => `${prefix}.${k} = ${v}`);
}
