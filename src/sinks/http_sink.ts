import type { Clock } from "../api/clock.ts";
import { defineSink } from "../api/component.ts";
import type { CounterGroup, SinkCounter } from "../api/counters.ts";
import type { Event } from "../api/event.ts";
import type { Log } from "../api/log.ts";
import type { Delivery, SinkWriter } from "../api/sink.ts";
import { redactUrl } from "../util/redact.ts";
import { ProblemLog } from "./_problem_log.ts";
import { BATCH_CONTENT_TYPES, BatchBodyEncoder, type BatchFormat } from "./http_batch_body.ts";
import { postBody, type PostResult } from "./http_request.ts";
import {
  checkHttpSinkSettings,
  HTTP_SINK_PATTERNS,
  HTTP_SINK_PROPERTIES,
  statusRules,
} from "./http_sink_spec.ts";
import { peerLine } from "../util/peer_text.ts";
import { StatusRules } from "./http_status_rules.ts";

/** The `http` sink type. */
export const HTTP_SINK = defineSink({
  type: "http",
  aliases: ["org.apache.flume.sink.http.HttpSink"],
  summary: "POSTs each event's body to an HTTP endpoint; per-status rollback, backoff and metrics",
  example: `
a1.sinks = k1
a1.sinks.k1.type = http
a1.sinks.k1.channel = c1
a1.sinks.k1.endpoint = https://collector.example.com/ingest
a1.sinks.k1.contentTypeHeader = application/json
a1.sinks.k1.defaultBackoff = true
a1.sinks.k1.defaultRollback = true
a1.sinks.k1.backoff.200 = false
a1.sinks.k1.rollback.200 = false
a1.sinks.k1.backoff.4XX = false
a1.sinks.k1.rollback.4XX = false`,
  properties: HTTP_SINK_PROPERTIES,
  patterns: HTTP_SINK_PATTERNS,
  check: checkHttpSinkSettings,
  create: ({ config, properties, counters, log, clock }) =>
    new HttpSink({
      counters,
      log,
      clock,
      endpoint: new URL(config.endpoint),
      connectTimeout: config.connectTimeout,
      requestTimeout: config.requestTimeout,
      contentType: config.contentTypeHeader,
      accept: config.acceptHeader,
      rules: statusRules(config, properties),
      batchSize: config.batchSize,
      batchFormat: config.batchFormat,
    }),
});

/** Collaborators and options of an HttpSink, named as Flume names them. */
export interface HttpSinkOptions {
  readonly counters: CounterGroup<SinkCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** The `http:` or `https:` URL to POST to. */
  readonly endpoint: URL;
  /** Milliseconds to connect. */
  readonly connectTimeout: number;
  /** Milliseconds to wait for the answer once connected. */
  readonly requestTimeout: number;
  /** The Content-Type header; undefined: text/plain, or the batch format's type when batchSize > 1 */
  readonly contentType: string | undefined;
  /** The Accept header. */
  readonly accept: string;
  /** What each response status decides. */
  readonly rules: StatusRules;
  /** Events per request. */
  readonly batchSize: number;
  /** The body of a request holding several events. */
  readonly batchFormat: BatchFormat;
}

/**
 * Flume's HttpSink: takes an event, POSTs its body, and lets the response
 * status decide whether the transaction rolls back (the event stays in the
 * channel) or commits, whether process() backs off, and whether the event
 * counts as drained. Events with an empty body are consumed without a
 * request. A request without a status (refused, timed out, malformed)
 * rolls back and backs off. With batchSize > 1 it takes up to batchSize
 * events and sends them in one body, and the status rules apply to all.
 */
export class HttpSink implements SinkWriter {
  readonly #counters: CounterGroup<SinkCounter>;
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

  /** A writer POSTing batches to `options.endpoint`. */
  constructor(options: HttpSinkOptions) {
    this.#counters = options.counters;
    this.endpoint = options.endpoint;
    this.batchSize = options.batchSize;
    this.rules = options.rules;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#shownUrl = redactUrl(options.endpoint.href);
    const format = options.batchFormat;
    this.#encoder = this.batchSize > 1 ? new BatchBodyEncoder(format) : undefined;
    this.#headers = {
      "Content-Type": options.contentType ??
        (this.batchSize > 1 ? BATCH_CONTENT_TYPES[format] : "text/plain"),
      "Accept": options.accept,
    };
    this.#connectTimeout = options.connectTimeout;
    this.#requestTimeout = options.requestTimeout;
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

  /**
   * Consumes events with an empty body without a request; POSTs the rest
   * and lets the status rules answer commit or rollback, backoff, and
   * whether the events count as drained.
   */
  async deliver(taken: readonly Event[]): Promise<Delivery> {
    const client = this.#client;
    if (!client) throw new Error(`Sink posting to ${this.#shownUrl} is not started`);
    const events = taken.filter((e) => e.body.byteLength > 0);
    if (taken.length > events.length) {
      this.#problems.report(
        "empty",
        `Consumed ${taken.length - events.length} event(s) with an empty body without a request`,
      );
    }
    if (events.length === 0) return { outcome: "commit", drained: 0, attempted: 0 };
    let result: PostResult;
    try {
      result = await postBody(this.endpoint, this.#body(events), {
        client,
        clock: this.#clock,
        headers: this.#headers,
        connectTimeoutMs: this.#connectTimeout,
        requestTimeoutMs: this.#requestTimeout,
        shownUrl: this.#shownUrl,
      });
    } catch (err) {
      throw new Error(`Failed to deliver events to ${this.#shownUrl}`, { cause: err });
    }
    return this.#settle(events.length, result);
  }

  /** What to do after `result`: counts, logs, and answers commit or rollback and backoff. */
  #settle(count: number, result: PostResult): Delivery {
    if ("failure" in result) {
      this.#failedRequests++;
      this.#counters.add("ConnectionFailedCount");
      this.#problems.report(
        "failure",
        `${result.failure}: ${count} event(s) rolled back for retry, backing off`,
      );
      return {
        outcome: "rollback",
        backoff: true,
        drained: 0,
        attempted: count,
        reason: result.failure,
      };
    }
    const { status } = result;
    const ok = status >= 200 && status < 300;
    const outcome = this.rules.outcome(status);
    const answered = `Endpoint answered ${status} ${peerLine(result.statusText)}`.trimEnd();
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
    return {
      outcome: outcome.rollback ? "rollback" : "commit",
      backoff: outcome.backoff,
      drained: outcome.incrementMetrics ? count : 0,
      failed: ok ? 0 : count,
      attempted: count,
      reason: outcome.rollback ? `${answered} (${decidedBy})` : undefined,
    };
  }

  #body(events: readonly Event[]): Uint8Array {
    return this.#encoder ? this.#encoder.encode(events) : events[0].body;
  }
}
