/**
 * The Kafka sink's writer: produces a taken batch and waits for the
 * broker's acknowledgement before the framework commits the channel
 * transaction; any failure rolls the batch back and backs off.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { MessageToProduce, Producer } from "@platformatic/kafka";
import type { Clock } from "../../api/clock.ts";
import type { CounterCell, CounterGroup, SinkCounter } from "../../api/counters.ts";
import type { Event } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import type { Delivery, SinkWriter } from "../../api/sink.ts";
import { ProblemLog } from "../_problem_log.ts";
import type { KafkaSinkCounter } from "./counters.ts";
import { kafkaErrorText } from "./kafka_errors.ts";
import type { ProducerOptions, TlsMaterial } from "./producer_options.ts";
import { type KafkaRecord, RecordBuilder } from "./record_builder.ts";

/** Bytes a record takes in a batch beyond its key and value (varints, attributes), about. */
const RECORD_OVERHEAD = 20;

/** Collaborators and settings of a KafkaSink. */
export interface KafkaSinkOptions {
  readonly counters: CounterGroup<SinkCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** `host:port` brokers. */
  readonly bootstrap: readonly string[];
  readonly batchSize: number;
  /** 0, 1 or -1 (all). */
  readonly acks: number;
  readonly records: RecordBuilder;
  readonly producer: ProducerOptions;
  readonly tls?: TlsMaterial;
}

/** Flume's KafkaSink. */
export class KafkaSink implements SinkWriter {
  readonly batchSize: number;
  readonly #options: KafkaSinkOptions;
  readonly #counters: CounterGroup<SinkCounter | KafkaSinkCounter>;
  readonly #sendTimer: CounterCell;
  readonly #rollbacks: CounterCell;
  readonly #problems: ProblemLog;
  readonly #shown: string;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #failures = 0;

  /** A writer producing to `options.bootstrap`. */
  constructor(options: KafkaSinkOptions) {
    this.#options = options;
    this.batchSize = options.batchSize;
    this.#counters = options.counters as CounterGroup<SinkCounter | KafkaSinkCounter>;
    this.#sendTimer = this.#counters.cell("KafkaEventSendTimer");
    this.#rollbacks = this.#counters.cell("RollbackCount");
    this.#problems = new ProblemLog(options.log, options.clock);
    this.#shown = options.bootstrap.join(",");
  }

  async start(): Promise<void> {
    // Loaded on first use, so that an agent without a kafka sink never loads the client.
    this.#producer ??= this.#newProducer(await import("@platformatic/kafka"));
    const p = this.#options.producer;
    this.#options.log.info(
      `Producing to Kafka at ${this.#shown} (acks ${this.#options.acks}, compression ` +
        `${p.compression}, ${p.securityProtocol}), up to ${this.batchSize} events per batch`,
    );
  }

  async stop(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close(true).catch(() => {});
  }

  /** Produces `events` in order and waits for the acknowledgement; rolls back on any failure. */
  async deliver(events: readonly Event[]): Promise<Delivery> {
    const producer = this.#producer;
    if (!producer) throw new Error(`Sink producing to ${this.#shown} is not started`);
    let records: KafkaRecord[];
    try {
      records = events.map((e) => this.#options.records.build(e));
    } catch (err) {
      return this.#rollback(events.length, err instanceof Error ? err.message : String(err));
    }
    const started = performance.now();
    try {
      // Pipelined on the broker connections, in order; all acknowledged before the commit.
      const sends = [...this.#chunks(records)].map((chunk) =>
        producer.send({ messages: chunk as MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] })
      );
      const results = await Promise.allSettled(sends);
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    } catch (err) {
      return this.#rollback(events.length, `Kafka at ${this.#shown}: ${kafkaErrorText(err)}`);
    } finally {
      this.#sendTimer.value += Math.round(performance.now() - started);
    }
    if (this.#failures > 0) {
      this.#options.log.info(
        `Producing to Kafka at ${this.#shown} again after ${this.#failures} failed batch(es)`,
      );
      this.#failures = 0;
      this.#problems.reset();
    }
    return { outcome: "commit" };
  }

  #rollback(count: number, reason: string): Delivery {
    this.#failures++;
    this.#rollbacks.value++;
    this.#problems.report(
      reason.split(":")[0],
      `Failed to produce ${count} event(s): ${reason}; rolled back for retry, backing off`,
    );
    return { outcome: "rollback", backoff: true, drained: 0, attempted: count, reason };
  }

  /**
   * The records in produce requests of at most batch.size (when set) and
   * max.request.size bytes, one record at least: a broker refuses a record
   * batch above its message.max.bytes (1 MB by default).
   */
  *#chunks(records: KafkaRecord[]): Generator<KafkaRecord[]> {
    const { batchBytes, maxRequestBytes } = this.#options.producer;
    const limit = Math.min(batchBytes ?? maxRequestBytes, maxRequestBytes);
    let chunk: KafkaRecord[] = [];
    let bytes = 0;
    for (const r of records) {
      const size = r.value.byteLength + (r.key?.byteLength ?? 0) + RECORD_OVERHEAD;
      if (chunk.length > 0 && bytes + size > limit) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(r);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
  }

  #newProducer(
    kafka: typeof import("@platformatic/kafka"),
  ): Producer<Buffer, Buffer, Buffer, Buffer> {
    const o = this.#options;
    const p = o.producer;
    const tls = o.tls;
    return new kafka.Producer({
      clientId: p.clientId,
      bootstrapBrokers: [...o.bootstrap],
      acks: o.acks,
      compression: p.compression,
      idempotent: p.idempotent,
      partitioner: kafka.compatibilityPartitioner,
      autocreateTopics: true,
      ...(p.requestTimeoutMs === undefined
        ? {}
        : { timeout: p.requestTimeoutMs, requestTimeout: p.requestTimeoutMs }),
      ...(p.connectTimeoutMs === undefined ? {} : { connectTimeout: p.connectTimeoutMs }),
      ...(p.retries === undefined ? {} : { retries: p.retries }),
      ...(p.retryDelayMs === undefined ? {} : { retryDelay: p.retryDelayMs }),
      ...(p.metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: p.metadataMaxAgeMs }),
      ...(p.maxInflights === undefined ? {} : { maxInflights: p.maxInflights }),
      ...(p.sasl ? { sasl: { mechanism: p.saslMechanism, ...p.sasl } } : {}),
      ...(tls
        ? {
          tls: {
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
            ...(tls.verifyHostname ? {} : { checkServerIdentity: (): undefined => undefined }),
          },
        }
        : {}),
    });
  }
}
