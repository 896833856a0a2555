/**
 * A real Apache Flume agent reading a Kafka topic: its Kafka source with
 * `useFlumeEventFormat = true`, a memory channel and a file_roll sink
 * writing `header_and_text` lines, so a test can read back what flume-ws's
 * kafka sink produced, headers included.
 *
 * @module
 */
import { startFlume } from "./flume_agent.ts";

/** A running Flume agent reading one topic. */
export interface FlumeKafkaReader {
  /** Every line the sink wrote so far, across its files. */
  lines(): Promise<string[]>;
  /** The agent's log, for failure messages. */
  log(): Promise<string>;
  /** Kills the agent and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startFlumeKafkaReader}. */
export interface FlumeReaderOptions {
  readonly bootstrap: string;
  readonly topic: string;
  readonly groupId: string;
}

/** Starts Flume reading `topic` from its beginning into a file_roll directory. */
export async function startFlumeKafkaReader(
  options: FlumeReaderOptions,
): Promise<FlumeKafkaReader> {
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-flume-kafka-" });
  const directory = `${dir}/out`;
  await Deno.mkdir(directory);
  const flume = await startFlume(flumeConf(options), { dir }).catch(async (err) => {
    await Deno.remove(dir, { recursive: true });
    throw err;
  });
  return {
    lines: async (): Promise<string[]> => {
      const names: string[] = [];
      for await (const e of Deno.readDir(directory)) names.push(e.name);
      names.sort();
      const texts = await Promise.all(names.map((n) => Deno.readTextFile(`${directory}/${n}`)));
      return texts.join("").split("\n").filter((l) => l !== "");
    },
    log: () => flume.log(),
    stop: async (): Promise<void> => {
      await flume.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * The headers and body of a `header_and_text` line: Java's `Map.toString()`
 * (`{a=1, b=2}`), a space, the body. Header values must not hold `, ` or `=`.
 */
export function parseHeaderAndText(
  line: string,
): { headers: Record<string, string>; body: string } {
  const end = line.indexOf("} ");
  if (!line.startsWith("{") || end < 0) {
    throw new RangeError(`Not a header_and_text line: "${line}"`);
  }
  const inner = line.slice(1, end);
  const headers: Record<string, string> = {};
  for (const pair of inner === "" ? [] : inner.split(", ")) {
    const eq = pair.indexOf("=");
    headers[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { headers, body: line.slice(end + 2) };
}

/** The agent's flume.conf; `@DIR@` is its directory (startFlume fills it in). */
function flumeConf(o: FlumeReaderOptions): string {
  return [
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.sources.r1.type = org.apache.flume.source.kafka.KafkaSource",
    "a1.sources.r1.channels = c1",
    `a1.sources.r1.kafka.bootstrap.servers = ${o.bootstrap}`,
    `a1.sources.r1.kafka.topics = ${o.topic}`,
    `a1.sources.r1.kafka.consumer.group.id = ${o.groupId}`,
    "a1.sources.r1.kafka.consumer.auto.offset.reset = earliest",
    "a1.sources.r1.useFlumeEventFormat = true",
    "a1.sources.r1.batchSize = 100",
    "a1.sources.r1.batchDurationMillis = 200",
    "a1.channels.c1.type = memory",
    "a1.channels.c1.capacity = 10000",
    "a1.channels.c1.transactionCapacity = 1000",
    "a1.sinks.k1.type = file_roll",
    "a1.sinks.k1.channel = c1",
    "a1.sinks.k1.sink.directory = @DIR@/out",
    "a1.sinks.k1.sink.rollInterval = 0",
    "a1.sinks.k1.sink.serializer = header_and_text",
    "a1.sinks.k1.sink.batchSize = 1",
    "",
  ].join("\n");
}
