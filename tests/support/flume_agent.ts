/**
 * A real Apache Flume 1.11.0 agent for the avro source and sink tests:
 * `org.apache.flume:flume-ng-node` and its Kafka source, with their
 * dependencies from Maven Central (tests/peers/flume/pom.xml), fetched once
 * into `.tools/peers/flume/lib` (see java_peers.ts), run as
 * `java -cp 'DIR/*' org.apache.flume.node.Application -n a1 -f FILE` with a
 * log4j2 configuration writing to a file. Also reads
 * what Flume's file_roll sink wrote with `sink.serializer = avro_event`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import avro from "avsc";
import type { Event } from "../../src/api/event.ts";
import { freePorts, javaAvailable, peerClasspath, shellQuote } from "./java_peers.ts";

export { freePorts, javaAvailable };

/** The Flume version the tests run. */
export const FLUME_VERSION = "1.11.0";

/** What a test prints when it skips for want of java. */
export const NO_JAVA = "(needs java for the Apache Flume peer; ignored where java is absent)";

/** A running Flume agent. */
export interface FlumeAgent {
  /** The agent's temporary directory (its flume.conf, logs, and whatever the test puts there). */
  readonly dir: string;
  /** The agent's log so far (its last 8000 characters), for failure messages. */
  log(): Promise<string>;
  /** Kills the JVM with SIGKILL (no clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the same configuration again and waits until it is ready. */
  restart(): Promise<void>;
  /** Kills the JVM and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startFlume}. */
export interface StartFlumeOptions {
  /** Ports (on 127.0.0.1) to wait for, e.g. an avro source's. @default none */
  readonly ports?: readonly number[];
  /** A log line to wait for. @default none */
  readonly logLine?: RegExp;
  /** Milliseconds to wait until ready. @default 120000 */
  readonly readyTimeoutMs?: number;
  /** An existing directory to run in (kept by stop()). @default a new temporary one */
  readonly dir?: string;
}

/**
 * Starts Flume on `conf` (agent `a1`; `@DIR@` in it is replaced by the
 * agent's directory), fetching Flume first when it is not cached, and
 * waits until every port in `options.ports` accepts connections and
 * `options.logLine` was logged.
 */
export async function startFlume(
  conf: string,
  options: StartFlumeOptions = {},
): Promise<FlumeAgent> {
  const classpath = await peerClasspath("flume");
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "flume-ws-flume-peer-" });
  await Deno.writeTextFile(`${dir}/flume.conf`, conf.replaceAll("@DIR@", dir));
  await Deno.writeTextFile(`${dir}/log4j2.xml`, LOG4J2_XML.replace("LOGFILE", `${dir}/flume.log`));
  let child: Deno.ChildProcess | undefined;
  let exited = false;
  const log = async (): Promise<string> => {
    const parts = await Promise.all(
      ["flume.log", "stdout.log"].map((f) => Deno.readTextFile(`${dir}/${f}`).catch(() => "")),
    );
    return parts.join("\n").slice(-8000);
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running) return;
    try {
      Deno.kill(-running.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await running.status;
  };
  const launch = async (): Promise<void> => {
    const java = [
      "java",
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      `-Dlog4j.configurationFile=${dir}/log4j2.xml`,
      "-cp",
      classpath,
      "org.apache.flume.node.Application",
      "-n",
      "a1",
      "-f",
      `${dir}/flume.conf`,
    ].map(shellQuote).join(" ");
    exited = false;
    const spawned = new Deno.Command("sh", {
      args: ["-c", `exec setsid ${java} >> ${shellQuote(`${dir}/stdout.log`)} 2>&1`],
      cwd: dir,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child = spawned;
    spawned.status.then(() => exited = true);
    await waitReady(options, () => exited, log);
  };
  try {
    await launch();
  } catch (err) {
    await kill();
    if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  return {
    dir,
    log,
    kill,
    restart: async (): Promise<void> => {
      await kill();
      await launch();
    },
    stop: async (): Promise<void> => {
      await kill();
      if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function waitReady(
  options: StartFlumeOptions,
  exited: () => boolean,
  log: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const pending = new Set(options.ports ?? []);
  let logged = options.logLine === undefined;
  while (pending.size > 0 || !logged) {
    if (exited()) throw new Error(`Flume exited before it was ready:\n${await log()}`);
    if (Date.now() > deadline) throw new Error(`Flume was not ready in time:\n${await log()}`);
    for (const port of [...pending]) {
      if (await accepts(port)) pending.delete(port);
    }
    if (!logged) logged = options.logLine!.test(await log());
    if (pending.size > 0 || !logged) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function accepts(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The events in the Avro container files Flume's file_roll sink wrote in
 * `directory` with `sink.serializer = avro_event`, files in name order. A
 * block still being written is left out (read again later).
 */
export async function readAvroEventFiles(directory: string): Promise<Event[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(directory)) if (entry.isFile) names.push(entry.name);
  names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const events: Event[] = [];
  for (const name of names) {
    const bytes = await Deno.readFile(`${directory}/${name}`);
    if (bytes.length === 0) continue;
    events.push(...await decodeContainer(bytes));
  }
  return events;
}

function decodeContainer(bytes: Uint8Array): Promise<Event[]> {
  const events: Event[] = [];
  return new Promise((resolve) => {
    const decoder = new avro.streams.BlockDecoder();
    decoder.on("data", (record: { headers: Record<string, string>; body: Uint8Array }) => {
      events.push({ headers: { ...record.headers }, body: new Uint8Array(record.body) });
    });
    decoder.on("end", () => resolve(events));
    decoder.on("error", () => resolve(events));
    decoder.end(Buffer.from(bytes));
  });
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR">
  <Appenders>
    <File name="File" fileName="LOGFILE">
      <PatternLayout pattern="%d{ISO8601} %-5p [%t] %c{1}: %m%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.kafka" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="File"/></Root>
  </Loggers>
</Configuration>
`;
