import type { Channel, Transaction } from "../core/channel.ts";
import type { Clock } from "../core/clock.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../core/component.ts";
import { type CounterGroup, SINK_COUNTERS } from "../core/counters.ts";
import type { Event } from "../core/event.ts";
import type { Status } from "../core/lifecycle.ts";
import type { Log } from "../core/log.ts";
import { redactUrl } from "../sources/websocket/handshake.ts";
import { ProblemLog } from "./_problem_log.ts";
import { BATCH_CONTENT_TYPES, BatchBodyEncoder, type BatchFormat } from "./http_batch_body.ts";
import { postBody, type PostResult } from "./http_request.ts";
import { HTTP_SINK_SPEC, statusRules } from "./http_sink_spec.ts";
import { StatusRules } from "./http_status_rules.ts";
import { countBatch, takeBatch } from "./sink_batch.ts";

/** The `http` sink type. */
export const HTTP_SINK: SinkDefinition = {
  spec: HTTP_SINK_SPEC,
  create(ctx: ComponentContext, channel: Channel): Sink {
    const s = ctx.settings;
    const batchSize = s.number("batchSize");
    const batchFormat = (s.string("batchFormat") ?? "json").toLowerCase() as BatchFormat;
    return new HttpSink(ctx.name, channel, {
      counters: ctx.counters.create("SINK", ctx.name, SINK_COUNTERS),
      log: ctx.log,
      clock: ctx.clock,
      endpoint: new URL((s.string("endpoint") ?? "").trim()),
      connectTimeout: s.number("connectTimeout"),
      requestTimeout: s.number("requestTimeout"),
      contentType: s.string("contentTypeHeader"),
      accept: s.string("acceptHeader"),
      rules: statusRules(s),
      batchSize,
      batchFormat,
    });
  },
};

/** Collaborators and options of an HttpSink, named as Flume names them. */
export interface HttpSinkOptions {
  readonly counters: CounterGroup;
  readonly log: Log;
  readonly clock: Clock;
  /** The `http:` or `https:` URL to POST to. */
  readonly endpoint: URL;
  /** Milliseconds to connect. @default 5000 */
  readonly connectTimeout?: number;
  /** Milliseconds to wait for the answer once connected. @default 5000 */
  readonly requestTimeout?: number;
  /** @default "text/plain", or the batch format's type when batchSize > 1 */
  readonly contentType?: string;
  /** @default "text/plain" */
  readonly accept?: string;
  /** @default Flume's defaults: roll back and back off after every status, count nothing */
  readonly rules?: StatusRules;
  /** Events per request. @default 1 */
  readonly batchSize?: number;
  /** The body of a request holding several events. @default "json" */
  readonly batchFormat?: BatchFormat;
}

/** Flume's defaults: defaultBackoff, defaultRollback true; defaultIncrementMetrics false. */
const FLUME_DEFAULT_RULES = { rollback: true, backoff: true, incrementMetrics: false };

/**
 * Flume's HttpSink: takes an event, POSTs its body, and lets the response
 * status decide whether the transaction rolls back (the event stays in the
 * channel) or commits, whether process() backs off, and whether the event
 * counts as drained. Events with an empty body are consumed without a
 * request. A request without a status (refused, timed out, malformed)
 * rolls back and backs off. With batchSize > 1 it takes up to batchSize
 * events and sends them in one body, and the status rules apply to all.
 */
export class HttpSink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup;
  readonly endpoint: URL;
  readonly batchSize: number;
  readonly rules: StatusRules;
  readonly #log: Log;
  readonly #clock: Clock;
  readonly #shownUrl: string;
  readonly #headers: Record<string, string>;
  readonly #connectTimeout: number;
  readonly #requestTimeout: number;
  readonly #encoder: BatchBodyEncoder | undefined;
  readonly #problems: ProblemLog;
  /** Requests since the last one whose events were accepted (2xx, committed). */
  #failedRequests = 0;
  #client: Deno.HttpClient | undefined;

  /** A sink POSTing what it takes from `channel` to `options.endpoint`. */
  constructor(name: string, channel: Channel, options: HttpSinkOptions) {
    this.name = name;
    this.channel = channel;
    this.counters = options.counters;
    this.endpoint = options.endpoint;
    this.batchSize = options.batchSize ?? 1;
    this.rules = options.rules ?? new StatusRules(FLUME_DEFAULT_RULES);
    this.#log = options.log;
    this.#clock = options.clock;
    this.#shownUrl = redactUrl(options.endpoint.href);
    const format = options.batchFormat ?? "json";
    this.#encoder = this.batchSize > 1 ? new BatchBodyEncoder(format) : undefined;
    this.#headers = {
      "Content-Type": options.contentType ??
        (this.batchSize > 1 ? BATCH_CONTENT_TYPES[format] : "text/plain"),
      "Accept": options.accept ?? "text/plain",
    };
    this.#connectTimeout = options.connectTimeout ?? 5000;
    this.#requestTimeout = options.requestTimeout ?? 5000;
    this.#problems = new ProblemLog(options.log, options.clock);
  }

  start(): Promise<void> {
    this.#client ??= Deno.createHttpClient({});
    const per = this.#encoder
      ? `up to ${this.batchSize} events per request as ${this.#encoder.format}`
      : "one request per event";
    this.#log.info(`Posting to ${this.#shownUrl}, ${per}`);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.#client?.close();
    this.#client = undefined;
    return Promise.resolve();
  }

  async process(): Promise<Status> {
    const client = this.#client;
    if (!client) throw new Error(`Sink "${this.name}" is not started`);
    const tx = this.channel.getTransaction();
    try {
      tx.begin();
      const taken = takeBatch(tx, this.batchSize);
      this.#countBatch(taken.length);
      const events = taken.filter((e) => e.body.byteLength > 0);
      if (taken.length > events.length) {
        this.#problems.report(
          "empty",
          `Consumed ${taken.length - events.length} event(s) with an empty body without a request`,
        );
      }
      if (events.length === 0) {
        await tx.commit();
        return taken.length < this.batchSize ? "IDLE" : "READY";
      }
      this.counters.add("EventDrainAttemptCount", events.length);
      const result = await postBody(this.endpoint, this.#body(events), {
        client,
        clock: this.#clock,
        headers: this.#headers,
        connectTimeoutMs: this.#connectTimeout,
        requestTimeoutMs: this.#requestTimeout,
        shownUrl: this.#shownUrl,
      });
      return await this.#settle(tx, events.length, result);
    } catch (err) {
      throw new Error(`Failed to deliver events to ${this.#shownUrl}`, { cause: err });
    } finally {
      tx.close(); // rolls back a transaction left open by an error
    }
  }

  /** Commits or rolls back after `result`, counts, logs, and says whether to back off. */
  async #settle(tx: Transaction, count: number, result: PostResult): Promise<Status> {
    if ("failure" in result) {
      this.#failedRequests++;
      tx.rollback();
      this.counters.add("ConnectionFailedCount");
      this.#problems.report(
        "failure",
        `${result.failure}: ${count} event(s) rolled back for retry, backing off`,
      );
      return "BACKOFF";
    }
    const { status } = result;
    const ok = status >= 200 && status < 300;
    const outcome = this.rules.outcome(status);
    if (outcome.rollback) tx.rollback();
    else await tx.commit();
    if (outcome.incrementMetrics) this.counters.add("EventDrainSuccessCount", count);
    if (!ok) this.counters.add("EventWriteFail", count);
    const answered = `Endpoint answered ${status} ${result.statusText}`.trimEnd();
    const decidedBy = this.rules.source("rollback", status);
    const backoff = outcome.backoff ? ", backing off" : "";
    if (outcome.rollback || !ok) this.#failedRequests++;
    if (outcome.rollback) {
      this.#problems.report(
        `rollback ${status}`,
        `${answered}: ${count} event(s) rolled back for retry (${decidedBy})${backoff}`,
      );
    } else if (!ok) {
      this.#problems.report(
        `drop ${status}`,
        `${answered}: ${count} event(s) dropped (${decidedBy} = false)${backoff}`,
      );
    } else if (this.#failedRequests > 0) {
      this.#log.info(`Delivering again after ${this.#failedRequests} failed request(s)`);
      this.#failedRequests = 0;
      this.#problems.reset();
    }
    return outcome.backoff ? "BACKOFF" : "READY";
  }

  #body(events: readonly Event[]): Uint8Array {
    return this.#encoder ? this.#encoder.encode(events) : events[0].body;
  }

  #countBatch(taken: number): void {
    countBatch(this.counters, taken, this.batchSize);
  }
}
