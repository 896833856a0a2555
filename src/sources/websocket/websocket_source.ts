import type { ChannelProcessor } from "../../core/channel_processor.ts";
import type { Clock } from "../../core/clock.ts";
import type { Settings } from "../../config/settings.ts";
import type {
  ComponentContext,
  ConnectVerdict,
  Source,
  SourceDefinition,
} from "../../core/component.ts";
import { type CounterCell, type CounterGroup, SOURCE_COUNTERS } from "../../core/counters.ts";
import { TextEvent } from "../../core/event.ts";
import type { Log } from "../../core/log.ts";
import { explainTlsFailure } from "../../tls/explain.ts";
import { diagnoseEndpoint } from "./diagnose_endpoint.ts";
import { Backlog } from "./backlog.ts";
import { ReconnectBackoff } from "./backoff.ts";
import { type ConnectionOutcome, runConnection } from "./connection.ts";
import { handshakeHeaders, initMessages, redactUrl } from "./handshake.ts";
import { builtinSocket, type OpenSocket, unverifiedSocket } from "./socket.ts";
import { loadTlsMaterial, type TlsMaterial } from "./tls_material.ts";
import { WEBSOCKET_SOURCE_SPEC } from "./spec.ts";

/** The counters of the WebSocket source: Flume's, then its own. */
export const WEBSOCKET_COUNTERS: readonly string[] = [
  ...SOURCE_COUNTERS,
  "EventDroppedCount",
  "ConnectionAttemptCount",
  "ConnectionCreatedCount",
  "ConnectionFailedCount",
  "ConnectionClosedCount",
  "ConnectionAbandonedCount",
];

/** Settings of a WebSocketSource, in milliseconds where they are durations. */
export interface WebSocketSourceOptions {
  readonly endpoint: string;
  /** How sockets are opened (TLS material, verification). @default Deno's built-in WebSocket */
  readonly sockets?: () => Promise<OpenSocket>;
  /** Called once the source has stopped, to release TLS clients. */
  readonly release?: () => void;
  /** Logged as a warning at every start (trustAllCerts). */
  readonly startWarning?: string;
  readonly headers: readonly [string, string][];
  readonly initMessages: readonly string[];
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly ping?: { readonly message: string; readonly intervalMs: number };
  readonly backlogCapacity: number;
  readonly counters: CounterGroup;
  readonly log: Log;
  readonly clock: Clock;
  /** A number in [0, 1) for the jitter; injected for tests. @default Math.random */
  readonly random?: () => number;
}

/** The `websocket` source type. */
export const WEBSOCKET_SOURCE: SourceDefinition = {
  spec: WEBSOCKET_SOURCE_SPEC,
  create(ctx: ComponentContext, processor: ChannelProcessor): Source {
    const s = ctx.settings;
    const seconds = (name: string): number => Math.round(s.number(name) * 1000);
    const retryDelayMs = seconds("retryDelay");
    const endpoint = (s.string("endpoint") ?? "").trim();
    return new WebSocketSource(ctx.name, processor, {
      endpoint,
      ...socketOptions(endpoint, loadTlsMaterial(s)),
      headers: handshakeHeaders(s),
      initMessages: initMessages(s),
      retryDelayMs,
      retryMaxDelayMs: s.has("retryMaxDelay") ? seconds("retryMaxDelay") : retryDelayMs,
      connectTimeoutMs: seconds("connectTimeout"),
      idleTimeoutMs: seconds("idleTimeout"),
      ping: s.has("pingMessage")
        ? { message: s.string("pingMessage") ?? "", intervalMs: seconds("pingInterval") }
        : undefined,
      backlogCapacity: s.number("backlogCapacity"),
      counters: ctx.counters.create("SOURCE", ctx.name, WEBSOCKET_COUNTERS),
      log: ctx.log,
      clock: ctx.clock,
    });
  },
  diagnose(settings: Settings): Promise<ConnectVerdict> {
    return diagnoseEndpoint((settings.string("endpoint") ?? "").trim(), loadTlsMaterial(settings));
  },
};

/** How a source opens its sockets, given its TLS material. */
function socketOptions(
  endpoint: string,
  tls: TlsMaterial,
): Pick<WebSocketSourceOptions, "sockets" | "release" | "startWarning"> {
  if (!endpoint.startsWith("wss:")) return {};
  if (tls.trustAll) {
    return {
      sockets: () => unverifiedSocket(tls.clientCertificate),
      startWarning: `trustAllCerts = true: the server's certificate is NOT verified for ` +
        `${redactUrl(endpoint)}; anyone on the network path can read or change the feed ` +
        `(development only)`,
    };
  }
  if (tls.caCertsPem.length === 0 && !tls.clientCertificate) return {};
  const client = Deno.createHttpClient({
    caCerts: [...tls.caCertsPem],
    cert: tls.clientCertificate?.certChainPem,
    key: tls.clientCertificate?.keyPem,
  });
  return {
    sockets: () => Promise.resolve(builtinSocket(client)),
    release: () => client.close(),
  };
}

/** Shared by events without headers; copy before adding any. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The WebSocket source: connects, sends the init messages, turns every
 * frame into an event (text as UTF-8 bytes, binary as is, no headers) and
 * reconnects for as long as the agent runs, one connection at a time.
 */
export class WebSocketSource implements Source {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly #options: WebSocketSourceOptions;
  readonly #backlog: Backlog;
  readonly #backoff: ReconnectBackoff;
  readonly #where: string;
  readonly #received: CounterCell;
  #open: OpenSocket = builtinSocket();
  #stop = new AbortController();
  #loop: Promise<void> | undefined;

  /** A source feeding `processor`; nothing happens until start(). */
  constructor(name: string, processor: ChannelProcessor, options: WebSocketSourceOptions) {
    this.name = name;
    this.counters = options.counters;
    this.#options = options;
    this.#where = redactUrl(options.endpoint);
    this.#received = options.counters.cell("EventReceivedCount");
    this.#backlog = new Backlog(processor, {
      capacity: options.backlogCapacity,
      counters: options.counters,
      log: options.log,
      clock: options.clock,
    });
    this.#backoff = new ReconnectBackoff({
      baseMs: options.retryDelayMs,
      maxMs: options.retryMaxDelayMs,
      random: options.random,
    });
  }

  /** Events received but not yet accepted by the channels. */
  get backlog(): number {
    return this.#backlog.size;
  }

  async start(): Promise<void> {
    if (this.#options.startWarning) this.#options.log.warn(this.#options.startWarning);
    if (this.#options.sockets) this.#open = await this.#options.sockets();
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  /** Closes the connection, cancels a pending retry and hands the backlog over. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
    await this.#backlog.close();
    this.#options.release?.();
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, log, counters } = this.#options;
    while (!signal.aborted) {
      counters.add("ConnectionAttemptCount");
      log.debug(`Connecting to ${this.#where}`);
      const outcome = await runConnection({
        url: this.#options.endpoint,
        open: this.#open,
        headers: this.#options.headers,
        initMessages: this.#options.initMessages,
        connectTimeoutMs: this.#options.connectTimeoutMs,
        idleTimeoutMs: this.#options.idleTimeoutMs,
        ping: this.#options.ping,
        clock,
        log,
        signal,
        onOpen: () => {
          counters.add("ConnectionCreatedCount");
          counters.set("OpenConnectionCount", 1);
          log.info(`Connected to ${this.#where}`);
        },
        onMessage: (data) => this.#receive(data),
      });
      counters.set("OpenConnectionCount", 0);
      this.#report(outcome, signal.aborted);
      if (signal.aborted) break;
      if (outcome.messages > 0) this.#backoff.reset();
      const delay = this.#backoff.next();
      log.info(
        `Reconnecting to ${this.#where} in ${(delay / 1000).toFixed(1)} s ` +
          `(attempt ${this.#backoff.failures + 1})`,
      );
      await clock.sleep(delay, signal);
    }
  }

  #receive(data: string | Uint8Array): void {
    this.#received.value++;
    this.#backlog.push(
      typeof data === "string"
        ? new TextEvent(data, NO_HEADERS)
        : { headers: NO_HEADERS, body: data },
    );
  }

  #report(outcome: ConnectionOutcome, stopping: boolean): void {
    const { log, counters } = this.#options;
    if (!outcome.opened) {
      counters.add("ConnectionFailedCount");
      if (!stopping) {
        log.warn(
          `Cannot connect to ${this.#where}: ${
            explainTlsFailure(outcome.cause ?? "connection failed")
          }`,
        );
      }
      return;
    }
    counters.add("ConnectionClosedCount");
    if (outcome.abandoned) {
      counters.add("ConnectionAbandonedCount");
      log.warn(
        `${this.#where} did not answer the close: socket abandoned (its messages are ignored; ` +
          `Deno's WebSocket cannot drop the TCP connection, the OS will)`,
      );
    }
    const code = outcome.code ?? 1006;
    const detail = `code ${code}${outcome.reason ? ` "${outcome.reason}"` : ""}` +
      `${outcome.cause && !stopping ? `: ${outcome.cause}` : ""}, ${outcome.messages} message(s)`;
    if (stopping || code === 1000) log.info(`Connection to ${this.#where} closed: ${detail}`);
    else log.warn(`Connection to ${this.#where} lost: ${detail}`);
  }
}
