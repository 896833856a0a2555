import { loadTrustedCerts } from "../../tls/keystore_files.ts";
import type { Clock } from "../../api/clock.ts";
import { defineSink } from "../../api/component.ts";
import type { CounterGroup, SinkCounter } from "../../api/counters.ts";
import type { Event } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import type { Delivery, SinkWriter } from "../../api/sink.ts";
import { errorMessage } from "../../util/errors.ts";
import { ProblemLog } from "../_problem_log.ts";
import { AvroRpcClient } from "./avro_rpc_client.ts";
import { type ConnectOptions, openStream } from "./connect.ts";
import { AVRO_SINK_PROPERTIES, checkAvroSink, effectiveTimeout } from "./spec.ts";

/** The `avro` sink type. */
export const AVRO_SINK = defineSink({
  type: "avro",
  aliases: ["org.apache.flume.sink.AvroSink"],
  summary: "Sends events to another Flume agent's avro source (Avro IPC appendBatch); the " +
    "transaction commits only when the peer answers OK",
  example: `
a1.sinks = k1
a1.sinks.k1.type = avro
a1.sinks.k1.channel = c1
a1.sinks.k1.hostname = collector.example.com
a1.sinks.k1.port = 4545
a1.sinks.k1.batch-size = 100
a1.sinks.k1.connect-timeout = 20000
a1.sinks.k1.request-timeout = 20000
a1.sinks.k1.compression-type = deflate
a1.sinks.k1.compression-level = 6
a1.sinks.k1.ssl = true
a1.sinks.k1.truststore = /etc/flume/truststore.jks
a1.sinks.k1.truststore-password = \${env:TRUSTSTORE_PASSWORD}
a1.sinks.k1.truststore-type = JKS`,
  properties: AVRO_SINK_PROPERTIES,
  batchSizeProperty: "batch-size",
  check: checkAvroSink,
  prepare: (config, props): readonly string[] | undefined => {
    if (!config.ssl || config["trust-all-certs"] || config.truststore === undefined) {
      return undefined;
    }
    if (config["truststore-password"] === undefined && props.has("truststore-password")) {
      return undefined; // an unset ${env:…}, reported on its own line
    }
    return loadTrustedCerts({
      property: "truststore",
      path: config.truststore.trim(),
      password: config["truststore-password"],
      type: config["truststore-type"],
    });
  },
  create: ({ config, prepared, counters, log, clock }) =>
    new AvroSink({
      counters,
      log,
      clock,
      batchSize: config["batch-size"],
      resetIntervalMs: config["reset-connection-interval"] || undefined,
      requestTimeoutMs: effectiveTimeout(config["request-timeout"]),
      connect: {
        hostname: config.hostname.trim(),
        port: config.port,
        timeoutMs: effectiveTimeout(config["connect-timeout"]),
        tls: config.ssl
          ? { caCerts: prepared ?? [], trustAll: config["trust-all-certs"] }
          : undefined,
        deflateLevel: config["compression-type"] === "deflate"
          ? config["compression-level"]
          : undefined,
      },
    }),
});

/** Collaborators and settings of an AvroSink. */
export interface AvroSinkOptions {
  readonly counters: CounterGroup<SinkCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** Events per appendBatch. */
  readonly batchSize: number;
  /** Where and how to connect; its timeout also bounds the first (handshake) call. */
  readonly connect: ConnectOptions;
  /** Milliseconds for the answer of every call after the first. */
  readonly requestTimeoutMs: number;
  /** Milliseconds after which the connection is made again. @default never */
  readonly resetIntervalMs?: number;
}

/**
 * Flume's AvroSink: one connection to the next hop, made when first
 * needed; each batch is one appendBatch, committed when the peer answers
 * OK. FAILED, an error, a timeout or a broken connection rolls the batch
 * back, backs off, and closes the connection; the next batch connects
 * again.
 */
export class AvroSink implements SinkWriter {
  readonly batchSize: number;
  readonly #options: AvroSinkOptions;
  readonly #problems: ProblemLog;
  readonly #target: string;
  #client: AvroRpcClient | undefined;
  #connectedAt = 0;
  #failures = 0;

  /** A sink sending to `options.connect`. */
  constructor(options: AvroSinkOptions) {
    this.batchSize = options.batchSize;
    this.#options = options;
    this.#problems = new ProblemLog(options.log, options.clock);
    const { hostname, port } = options.connect;
    this.#target = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  }

  start(): Promise<void> {
    const { connect, log } = this.#options;
    const how = [
      connect.tls ? (connect.tls.trustAll ? "TLS, any certificate trusted" : "TLS") : undefined,
      connect.deflateLevel !== undefined ? `deflate level ${connect.deflateLevel}` : undefined,
    ].filter((s) => s !== undefined);
    if (connect.tls?.trustAll) {
      log.warn(
        `trust-all-certs = true: the certificate of ${this.#target} is not checked ` +
          `(development only)`,
      );
    }
    log.info(
      `Sending to avro source ${this.#target}${how.length ? ` (${how.join(", ")})` : ""}, ` +
        `up to ${this.batchSize} events per batch`,
    );
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#disconnect();
    return Promise.resolve();
  }

  async deliver(events: readonly Event[]): Promise<Delivery> {
    const count = events.length;
    let client: AvroRpcClient;
    try {
      client = await this.#connected();
    } catch (err) {
      this.#options.counters.add("ConnectionFailedCount");
      return this.#failed(count, `Cannot connect to ${this.#target}: ${errorMessage(err)}`);
    }
    let status;
    try {
      status = await client.appendBatch(events);
    } catch (err) {
      this.#disconnect();
      return this.#failed(count, `Failed to send a batch to ${this.#target}: ${errorMessage(err)}`);
    }
    if (status !== "OK") {
      this.#disconnect();
      return this.#failed(count, `${this.#target} answered ${status}`);
    }
    if (this.#failures > 0) {
      this.#options.log.info(
        `Delivering to ${this.#target} again after ${this.#failures} failure(s)`,
      );
      this.#failures = 0;
      this.#problems.reset();
    }
    return { outcome: "commit", attempted: count, drained: count };
  }

  #failed(count: number, reason: string): Delivery {
    this.#failures++;
    this.#problems.report(
      "failure",
      `${reason}: ${count} event(s) rolled back for retry, backing off`,
    );
    return { outcome: "rollback", backoff: true, attempted: count, drained: 0, reason };
  }

  async #connected(): Promise<AvroRpcClient> {
    const { resetIntervalMs, clock, counters, log } = this.#options;
    if (
      this.#client && resetIntervalMs !== undefined &&
      clock.now() - this.#connectedAt >= resetIntervalMs
    ) {
      log.debug(`Resetting the connection to ${this.#target} (reset-connection-interval)`);
      this.#disconnect();
    }
    if (this.#client?.usable) return this.#client;
    this.#disconnect();
    const stream = await openStream(this.#options.connect);
    counters.add("ConnectionCreatedCount");
    this.#client = new AvroRpcClient(stream, {
      handshakeTimeoutMs: this.#options.connect.timeoutMs,
      requestTimeoutMs: this.#options.requestTimeoutMs,
    });
    this.#connectedAt = clock.now();
    log.debug(`Connected to ${this.#target}`);
    return this.#client;
  }

  #disconnect(): void {
    if (!this.#client) return;
    this.#client.close();
    this.#client = undefined;
    this.#options.counters.add("ConnectionClosedCount");
  }
}
