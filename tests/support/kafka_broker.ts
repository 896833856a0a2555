/**
 * A real Apache Kafka broker for tests and benchmarks: Kafka 4.x from
 * Maven Central (tests/peers/kafka/pom.xml), in KRaft mode as a single
 * combined broker and controller, on free loopback ports, with a fresh log
 * directory in a temporary directory. Besides PLAINTEXT it listens with
 * SASL_PLAINTEXT (PLAIN and SCRAM-SHA-256) for the user `flume`, and with
 * SSL (a certificate for 127.0.0.1 made by keytool, trusted through a JKS
 * truststore or a PEM file).
 *
 * The Java peers' jars (committed pom.xml files under tests/peers/NAME/)
 * are fetched with Maven into `.tools/peers/NAME/lib` on first use, with
 * progress on stderr; tests skip with a plain message where `java` is
 * absent.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Admin, Consumer } from "@platformatic/kafka";
import { freePorts, javaAvailable, peerClasspath, shellQuote } from "./java_peers.ts";

export { freePorts, javaAvailable };

/** What a test prints when it skips for want of java. */
export const NO_JAVA = "(needs java for the Kafka broker; ignored where java is absent)";

/** The SASL user the broker knows. */
export const KAFKA_SASL_USER = { username: "flume", password: "flume-secret" } as const;

/** The SSL listener and what a client needs to trust it. */
export interface KafkaTls {
  /** `127.0.0.1:PORT` of the SSL listener. */
  readonly bootstrap: string;
  /** The broker's certificate, PEM. */
  readonly caPem: string;
  /** A JKS truststore holding the certificate. */
  readonly trustStore: string;
  readonly trustStorePassword: string;
}

/** A running broker. */
export interface KafkaBroker {
  /** `127.0.0.1:PORT` of the PLAINTEXT listener. */
  readonly bootstrap: string;
  /** `127.0.0.1:PORT` of the SASL_PLAINTEXT listener. */
  readonly saslBootstrap: string;
  /** The SSL listener. */
  readonly tls: KafkaTls;
  /** The broker's data directory (its log.dirs). */
  readonly logDir: string;
  /** The broker's own output, for failure messages. */
  output(): Promise<string>;
  /** Kills the broker with SIGKILL (no clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the broker again on the same ports and log directory, and waits until it serves. */
  restart(): Promise<void>;
  /** Stops the broker (SIGKILL to its process group) and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startKafka}. */
export interface StartKafkaOptions {
  /** Partitions of an auto-created topic. @default 1 */
  readonly partitions?: number;
  /** Milliseconds to wait for the broker to serve. @default 180000 */
  readonly readyTimeoutMs?: number;
}

/** Starts a broker (fetching its jars on first use) and waits until it serves metadata. */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const classpath = await peerClasspath("kafka");
  const dir = await Deno.makeTempDir({ prefix: "flume-ws-kafka-" });
  const logDir = `${dir}/data`;
  const keys = await makeKeys(dir);
  const [port, saslPort, sslPort, controllerPort] = freePorts(4);
  const config = `${dir}/server.properties`;
  await Deno.writeTextFile(
    config,
    serverProperties({
      port,
      saslPort,
      sslPort,
      controllerPort,
      logDir,
      keyStore: keys.keyStore,
      partitions: options.partitions ?? 1,
    }),
  );
  await format(classpath, config, dir);
  const timeout = options.readyTimeoutMs ?? 180_000;
  const bootstrap = `127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  let generation = 0;
  const launch = async (): Promise<void> => {
    generation++;
    child = spawnBroker(classpath, config, `${dir}/broker-${generation}.log`);
    await waitUntilServing(bootstrap, child, timeout, () => brokerOutput(dir));
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
  try {
    await launch();
  } catch (err) {
    await kill();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  return {
    bootstrap,
    saslBootstrap: `127.0.0.1:${saslPort}`,
    tls: {
      bootstrap: `127.0.0.1:${sslPort}`,
      caPem: keys.caPem,
      trustStore: keys.trustStore,
      trustStorePassword: KEY_PASSWORD,
    },
    logDir,
    output: () => brokerOutput(dir),
    kill,
    restart: async (): Promise<void> => {
      await kill();
      await launch();
    },
    stop: async (): Promise<void> => {
      await kill();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

function serverProperties(
  o: {
    port: number;
    saslPort: number;
    sslPort: number;
    controllerPort: number;
    logDir: string;
    partitions: number;
    keyStore: string;
  },
): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},SASL_PLAINTEXT://127.0.0.1:${o.saslPort},` +
    `SSL://127.0.0.1:${o.sslPort},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port},SASL_PLAINTEXT://127.0.0.1:${o.saslPort},` +
    `SSL://127.0.0.1:${o.sslPort}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT," +
    "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL",
    `ssl.keystore.location=${o.keyStore}`,
    `ssl.keystore.password=${KEY_PASSWORD}`,
    `ssl.key.password=${KEY_PASSWORD}`,
    "ssl.keystore.type=PKCS12",
    "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256",
    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" +
    "org.apache.kafka.common.security.plain.PlainLoginModule required " +
    `user_${KAFKA_SASL_USER.username}="${KAFKA_SASL_USER.password}";`,
    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=" +
    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    `log.dirs=${o.logDir}`,
    `num.partitions=${o.partitions}`,
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=true",
    "log.flush.interval.messages=1",
    "",
  ].join("\n");
}

/** The password of the broker's keystore and of the client's truststore. */
const KEY_PASSWORD = "test-keys";

/** Makes the broker's key and certificate (for 127.0.0.1) and a JKS truststore with keytool. */
async function makeKeys(
  dir: string,
): Promise<{ keyStore: string; caPem: string; trustStore: string }> {
  const keyStore = `${dir}/broker.p12`;
  const caPem = `${dir}/broker.pem`;
  const trustStore = `${dir}/trust.jks`;
  const common = ["-storepass", KEY_PASSWORD, "-noprompt"];
  await keytool(dir, [
    "-genkeypair",
    "-alias",
    "broker",
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-validity",
    "3",
    "-dname",
    "CN=127.0.0.1",
    "-ext",
    "SAN=ip:127.0.0.1,dns:localhost",
    "-keystore",
    keyStore,
    "-storetype",
    "PKCS12",
    "-keypass",
    KEY_PASSWORD,
    ...common,
  ]);
  await keytool(dir, [
    "-exportcert",
    "-rfc",
    "-alias",
    "broker",
    "-keystore",
    keyStore,
    "-file",
    caPem,
    ...common,
  ]);
  await keytool(dir, [
    "-importcert",
    "-alias",
    "ca",
    "-file",
    caPem,
    "-keystore",
    trustStore,
    "-storetype",
    "JKS",
    ...common,
  ]);
  return { keyStore, caPem, trustStore };
}

async function keytool(dir: string, args: string[]): Promise<void> {
  const { success, stdout, stderr } = await new Deno.Command("keytool", {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) {
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`keytool ${args[0]} failed:\n${text}`);
  }
}

/** Formats the log directory with a fresh cluster id and the SASL user's SCRAM credential. */
async function format(classpath: string, config: string, dir: string): Promise<void> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const clusterId = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  const { success, stdout, stderr } = await new Deno.Command("java", {
    args: [
      "-Xmx256m",
      "-cp",
      classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      config,
      "--add-scram",
      `SCRAM-SHA-256=[name=${KAFKA_SASL_USER.username},password=${KAFKA_SASL_USER.password}]`,
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) {
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`Kafka's storage format failed:\n${text}`);
  }
}

/** Starts the broker in its own process group, its output going to `logFile`. */
function spawnBroker(classpath: string, config: string, logFile: string): Deno.ChildProcess {
  const java = ["java", "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka", config]
    .map(shellQuote).join(" ");
  return new Deno.Command("sh", {
    args: ["-c", `exec setsid ${java} > ${shellQuote(logFile)} 2>&1`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function brokerOutput(dir: string): Promise<string> {
  const texts: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".log")) texts.push(await Deno.readTextFile(`${dir}/${entry.name}`));
  }
  return texts.join("\n").slice(-6000);
}

/** Waits until the broker answers a metadata request; fails early when it exits. */
async function waitUntilServing(
  bootstrap: string,
  child: Deno.ChildProcess,
  timeoutMs: number,
  output: () => Promise<string>,
): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exited) throw new Error(`The Kafka broker exited while starting:\n${await output()}`);
    if (Date.now() > deadline) {
      throw new Error(`The Kafka broker did not serve within ${timeoutMs} ms:\n${await output()}`);
    }
    if (await answersMetadata(bootstrap)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function answersMetadata(bootstrap: string): Promise<boolean> {
  const [hostname, port] = bootstrap.split(":");
  try {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conn.close();
  } catch {
    return false;
  }
  const admin = new Admin({
    clientId: "flume-ws-test-ready",
    bootstrapBrokers: [bootstrap],
    retries: 0,
    timeout: 5000,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** A record read back from a topic. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: bigint;
  /** The key as UTF-8 text; undefined without one. */
  readonly key?: string;
  readonly value: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
}

/** The end offset of each partition of `topic` (0 for every one when it has no records). */
export async function endOffsets(bootstrap: string, topic: string): Promise<bigint[]> {
  const consumer = new Consumer({
    groupId: `flume-ws-test-offsets-${crypto.randomUUID()}`,
    clientId: "flume-ws-test-offsets",
    bootstrapBrokers: [bootstrap],
    retries: 1,
  });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return offsets.get(topic) ?? [];
  } catch (err) {
    if (err instanceof Error && err.message.includes(`Unknown topic ${topic}`)) return [];
    throw err;
  } finally {
    await consumer.close(true).catch(() => {});
  }
}

/** Waits until `topic` holds at least `count` records in all; returns the end offsets. */
export async function waitForRecords(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 120_000,
): Promise<bigint[]> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (true) {
    try {
      const ends = await endOffsets(bootstrap, topic);
      const total = ends.reduce((a, b) => a + Number(b), 0);
      if (total >= count) return ends;
      last = `${total} record(s)`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Topic "${topic}" did not reach ${count} records in ${timeoutMs} ms: ${last}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Every record of `topic`, read with the client's consumer from the start
 * of each partition to its current end, sorted by partition then offset.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  timeoutMs = 120_000,
): Promise<ReadRecord[]> {
  const ends = await endOffsets(bootstrap, topic);
  const wanted = ends.reduce((a, b) => a + Number(b), 0);
  if (wanted === 0) return [];
  const consumer = new Consumer({
    groupId: `flume-ws-test-read-${crypto.randomUUID()}`,
    clientId: "flume-ws-test-read",
    bootstrapBrokers: [bootstrap],
  });
  const records: ReadRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Read ${records.length} of ${wanted} records of "${topic}"`)),
        timeoutMs,
      );
    });
    const reading = (async (): Promise<void> => {
      for await (const m of stream) {
        records.push({
          partition: m.partition,
          offset: m.offset,
          key: m.key === undefined || m.key === null ? undefined : Buffer.from(m.key).toString(),
          value: new Uint8Array(m.value),
          headers: new Map([...m.headers].map(([k, v]) => [k.toString(), v.toString()])),
        });
        if (records.length >= wanted) break;
      }
    })();
    try {
      await Promise.race([reading, timeout]);
    } finally {
      await stream.close().catch(() => {});
      await reading.catch(() => {});
    }
  } finally {
    clearTimeout(timer);
    await consumer.close(true).catch(() => {});
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
}

/** Creates `topic` with `partitions` and waits until every partition has a leader that answers. */
export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  timeoutMs = 60_000,
): Promise<void> {
  const admin = new Admin({ clientId: "flume-ws-test-admin", bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close().catch(() => {});
  }
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const ends = await endOffsets(bootstrap, topic).catch(() => []);
    if (ends.length === partitions) return;
    if (Date.now() > deadline) {
      throw new Error(`Topic "${topic}" has no leaders after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
