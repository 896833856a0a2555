import type { Clock } from "../../api/clock.ts";
import { defineSource } from "../../api/component.ts";
import type { CounterGroup, SenderCounter, SourceCounter } from "../../api/counters.ts";
import { TextEvent } from "../../api/event.ts";
import type { ComponentHealth } from "../../api/health.ts";
import type { Log } from "../../api/log.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { explainTlsFailure } from "../../tls/explain.ts";
import { Backoff } from "../../util/backoff.ts";
import { explainNetworkError, networkTargetOf } from "../../util/net_errors.ts";
import { peerLine, peerText } from "../../util/peer_text.ts";
import { redactUrl } from "../../util/redact.ts";
import { type ConnectionOutcome, runConnection } from "./connection.ts";
import { handshakeHeaders, initMessages } from "./handshake.ts";
import { frameSocket } from "./frame_socket.ts";
import { TOO_LARGE } from "./frames.ts";
import { type OpenSocket, type SessionOffer, unverifiedSocket } from "./socket.ts";
import type { HeartbeatOptions } from "./heartbeat.ts";
import { describeSession, heartbeatOptions, sessionOffer } from "./session.ts";
import {
  checkWebSocketSettings,
  prepareTls,
  WEBSOCKET_PATTERNS,
  WEBSOCKET_PROPERTIES,
} from "./spec.ts";
import type { TlsMaterial } from "./tls_material.ts";
import type { RawProperties } from "../../api/properties.ts";
import {
  type CredentialPlan,
  credentialPlan,
  type Credentials,
  hasCommands,
  resolveCredentials,
} from "./credentials.ts";
import { diagnoseEndpoints } from "./diagnose_endpoints.ts";
import { EndpointRotation, splitEndpoints } from "./endpoints.ts";
import { proxyResolver, type ProxySettings } from "./proxy.ts";

/** Characters of an error text shown at most (TLS explanations quote whole chains). */
const CAUSE_MAX = 600;

/** The WebSocket source's counters beyond Flume's (EventDroppedCount is the sender's). */
export const WEBSOCKET_COUNTERS = [
  "ConnectionAttemptCount",
  "ConnectionCreatedCount",
  "ConnectionFailedCount",
  "ConnectionClosedCount",
  "ConnectionAbandonedCount",
  "MessageTooLargeCount",
  "PongReceivedCount",
  "PongTimeoutCount",
  "EndpointSwitchCount",
  "EndpointIndex",
] as const;

/** A counter of the WebSocket source. */
type WebSocketCounter = SourceCounter | SenderCounter | typeof WEBSOCKET_COUNTERS[number];

/** Settings of a WebSocketSource, in milliseconds where they are durations. */
export interface WebSocketSourceOptions {
  /** One URL, or several separated by whitespace (tried in turn, `endpoints.ts`). */
  readonly endpoint: string;
  /** How sockets are opened (our client with the TLS material, or the unverified one). */
  readonly sockets: () => Promise<OpenSocket>;
  /** With `whenFull = block`: the sender, whose pause stops the socket's reads. */
  readonly pressure?: SourceSender;
  /** Logged as a warning at every start (trustAllCerts). */
  readonly startWarning?: string;
  readonly headers: readonly [string, string][];
  readonly initMessages: readonly string[];
  /** When set, replaces headers and initMessages: computed at every attempt (commands). */
  readonly credentials?: CredentialPlan;
  /** How long a credential command may run. @default 10000 */
  readonly commandTimeoutMs?: number;
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly ping?: { readonly message: string; readonly intervalMs: number };
  /** Heartbeats that expect an answer (pongMessage, protocol pings). */
  readonly heartbeats?: HeartbeatOptions;
  /** What the handshake offers (subprotocols, permessage-deflate). @default nothing */
  readonly offer?: SessionOffer;
  readonly counters: CounterGroup<WebSocketCounter>;
  readonly log: Log;
  readonly clock: Clock;
  /** A number in [0, 1) for the jitter; injected for tests. @default Math.random */
  readonly random?: () => number;
}

/** The `websocket` source type. */
export const WEBSOCKET_SOURCE = defineSource({
  type: "websocket",
  aliases: ["com.deniscoady.flume.websocket.WebSocketSource"],
  summary: "A WebSocket client (`ws://`, `wss://`) that reconnects forever; each frame is an event",
  example: `
a1.sources = w1
a1.sources.w1.type = websocket
a1.sources.w1.channels = c1
a1.sources.w1.endpoint = wss://feed.example.com/ws
a1.sources.w1.initMessage = {"type":"subscribe","channels":["ticker"]}
a1.sources.w1.header.Authorization = Bearer \${env:FEED_TOKEN}`,
  properties: WEBSOCKET_PROPERTIES,
  patterns: WEBSOCKET_PATTERNS,
  counters: WEBSOCKET_COUNTERS,
  check: checkWebSocketSettings,
  prepare: prepareTls,
  backlogCapacity: (config) => config.backlogCapacity,
  target: (config) => redactUrl(config.endpoint),
  diagnose: (config, tls) =>
    diagnoseEndpoints(config.endpoint, tls, proxyResolver(config.proxy, envLookup)),
  create: ({ config, prepared, properties, sender, counters, log, clock }) =>
    new WebSocketSource(sender, {
      endpoint: config.endpoint,
      ...socketOptions(
        config.endpoint,
        prepared,
        config.maxMessageSize,
        proxyResolver(config.proxy, envLookup),
        sessionOffer(config),
      ),
      heartbeats: heartbeatOptions(config),
      offer: sessionOffer(config),
      headers: handshakeHeaders(config.cookies ?? [], properties),
      initMessages: initMessages(config, properties),
      credentials: commandPlan(config, properties),
      commandTimeoutMs: config.commandTimeout,
      retryDelayMs: config.retryDelay,
      retryMaxDelayMs: config.retryMaxDelay ?? config.retryDelay,
      connectTimeoutMs: config.connectTimeout,
      idleTimeoutMs: config.idleTimeout,
      pressure: config.whenFull === "block" ? sender : undefined,
      ping: config.pingMessage !== undefined && config.pingInterval !== undefined
        ? { message: config.pingMessage, intervalMs: config.pingInterval }
        : undefined,
      counters,
      log,
      clock,
    }),
});

/** How a source opens its sockets, given its TLS material. */
function socketOptions(
  endpoint: string,
  tls: TlsMaterial,
  maxMessageBytes: number,
  proxyFor: (endpoint: URL) => ProxySettings | undefined,
  offer: SessionOffer,
): Pick<WebSocketSourceOptions, "sockets" | "startWarning"> {
  const secure = splitEndpoints(endpoint).filter((url) => url.startsWith("wss:"));
  if (secure.length > 0 && tls.trustAll) {
    return {
      sockets: () => unverifiedSocket(maxMessageBytes, tls.clientCertificate, offer),
      startWarning: `trustAllCerts = true: the server's certificate is NOT verified for ` +
        `${redactUrl(endpoint)}; anyone on the network path can read or change the feed ` +
        `(development only)${unusedProxy(secure, proxyFor)}`,
    };
  }
  const open = frameSocket({
    caCerts: tls.caCertsPem,
    clientCertificate: tls.clientCertificate,
    maxMessageBytes,
    proxyFor,
    offer,
  });
  const proxied = secure.map((url) => proxyFor(new URL(url))).find((p) => p !== undefined);
  // Deno's startTls, which runs TLS inside the proxy's tunnel, takes no client certificate.
  const startWarning = proxied !== undefined && tls.clientCertificate !== undefined
    ? `the keystore's client certificate is not sent through proxy ${proxied.shown}: ` +
      `Deno cannot present one inside a tunnel; a server that requires it will refuse the ` +
      `connection`
    : undefined;
  return { sockets: () => Promise.resolve(open), startWarning };
}

/** The environment's proxy ignored by the trustAllCerts client, said in its start warning. */
function unusedProxy(
  secure: readonly string[],
  proxyFor: (endpoint: URL) => ProxySettings | undefined,
): string {
  try {
    const proxy = secure.map((url) => proxyFor(new URL(url))).find((p) => p !== undefined);
    return proxy === undefined
      ? ""
      : `; the environment's proxy ${proxy.shown} is not used with trustAllCerts (direct ` +
        `connection)`;
  } catch {
    return "";
  }
}

/** The credential plan when a command computes part of it; undefined otherwise (fixed values). */
function commandPlan(
  config: { readonly initMessage?: string; readonly initMessages?: readonly string[] } & {
    readonly cookies?: readonly string[];
  },
  properties: RawProperties,
): CredentialPlan | undefined {
  const plan = credentialPlan(config, config.cookies ?? [], properties);
  return hasCommands(plan) ? plan : undefined;
}

/** The agent's environment; nothing when it may not read it. */
function envLookup(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Shared by events without headers; copy before adding any. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The WebSocket source: connects, sends the init messages, turns every
 * frame into an event (text as UTF-8 bytes, binary as is, no headers) and
 * reconnects for as long as the agent runs, one connection at a time.
 */
export class WebSocketSource implements Source {
  readonly #options: WebSocketSourceOptions;
  readonly #sender: SourceSender;
  readonly #backoff: Backoff;
  readonly #endpoints: EndpointRotation;
  /** The endpoint of the current attempt, redacted. */
  #where: string;
  #open: OpenSocket | undefined;
  #connected = false;
  #lastError: string | undefined;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;

  /** A source sending through `sender`; nothing happens until start(). */
  constructor(sender: SourceSender, options: WebSocketSourceOptions) {
    this.#sender = sender;
    this.#options = options;
    this.#endpoints = new EndpointRotation(splitEndpoints(options.endpoint));
    this.#where = redactUrl(this.#endpoints.current);
    this.#backoff = new Backoff({
      initialMs: options.retryDelayMs,
      maxMs: options.retryMaxDelayMs,
      jitter: 0.2,
      random: options.random,
    });
  }

  async start(): Promise<void> {
    if (this.#options.startWarning) this.#options.log.warn(this.#options.startWarning);
    this.#open = await this.#options.sockets();
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  /**
   * Connected or not, and the connections in a row that failed or ended
   * before delivering a message (what the reconnect schedule counts).
   */
  health(): ComponentHealth {
    return {
      connected: this.#connected,
      consecutiveFailures: this.#backoff.failures,
      lastError: this.#lastError,
    };
  }

  /** Closes the connection and cancels a pending retry; the framework then closes the sender. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, log, counters } = this.#options;
    while (!signal.aborted) {
      const endpoint = this.#endpoints.current;
      this.#where = redactUrl(endpoint);
      counters.add("ConnectionAttemptCount");
      counters.set("EndpointIndex", this.#endpoints.index + 1);
      log.debug(`Connecting to ${this.#where}`);
      const attempt = await this.#credentials(endpoint, signal);
      if (attempt instanceof Error) {
        counters.add("ConnectionFailedCount");
        if (signal.aborted) break;
        this.#lastError = attempt.message;
        log.warn(`Cannot connect to ${this.#where}: ${attempt.message}`);
        await this.#retry(false, signal);
        continue;
      }
      let delivered = false; // healthy: the connection delivered an event
      const outcome = await runConnection({
        url: attempt.url,
        open: this.#open!,
        headers: attempt.headers,
        initMessages: attempt.initMessages,
        connectTimeoutMs: this.#options.connectTimeoutMs,
        idleTimeoutMs: this.#options.idleTimeoutMs,
        ping: this.#options.ping,
        heartbeats: this.#options.heartbeats,
        onPong: () => counters.add("PongReceivedCount"),
        clock,
        log,
        signal,
        onOpen: (session) => {
          counters.add("ConnectionCreatedCount");
          counters.set("OpenConnectionCount", 1);
          this.#connected = true;
          const which = this.#endpoints.size > 1
            ? ` (endpoint ${this.#endpoints.index + 1} of ${this.#endpoints.size})`
            : "";
          const agreed = describeSession(session, this.#options.offer ?? {});
          log.info(`Connected to ${this.#where}${which}${agreed}`);
        },
        pressure: this.#options.pressure,
        onMessage: (data) => {
          delivered = true;
          this.#backoff.reset(); // a delivering connection ends a run of failures
          this.#receive(data);
        },
      });
      counters.set("OpenConnectionCount", 0);
      this.#connected = false;
      this.#report(outcome, signal.aborted, endpoint);
      if (signal.aborted) break;
      await this.#retry(delivered, signal);
    }
  }

  /**
   * Waits before the next attempt, which goes to the next endpoint after a
   * failure and back to the first after a healthy connection (one that
   * delivered a message).
   */
  async #retry(healthy: boolean, signal: AbortSignal): Promise<void> {
    const { clock, log, counters } = this.#options;
    const delay = this.#backoff.next();
    if (this.#endpoints.settle(healthy)) {
      counters.add("EndpointSwitchCount");
      this.#where = redactUrl(this.#endpoints.current);
      log.info(
        `Switching to endpoint ${this.#endpoints.index + 1} of ${this.#endpoints.size}: ` +
          this.#where,
      );
    }
    log.info(
      `Reconnecting to ${this.#where} in ${(delay / 1000).toFixed(1)} s ` +
        `(attempt ${this.#backoff.failures + 1})`,
    );
    await clock.sleep(delay, signal);
  }

  /** What this attempt sends: fixed, or computed by the credential commands. */
  async #credentials(endpoint: string, signal: AbortSignal): Promise<Credentials | Error> {
    const plan = this.#options.credentials;
    if (plan === undefined) {
      return {
        url: endpoint,
        headers: [...this.#options.headers],
        initMessages: [...this.#options.initMessages],
      };
    }
    try {
      return await resolveCredentials(plan, endpoint, {
        timeoutMs: this.#options.commandTimeoutMs ?? 10_000,
        log: this.#options.log,
        signal,
      });
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  #receive(data: string | Uint8Array): void {
    this.#sender.send(
      typeof data === "string"
        ? new TextEvent(data, NO_HEADERS)
        : { headers: NO_HEADERS, body: data },
    );
  }

  /** A connection failure in plain words: `host not found: NAME`, `connection refused by …`. */
  #explain(cause: string, endpoint: string): string {
    return explainNetworkError(cause, networkTargetOf(endpoint));
  }

  #report(outcome: ConnectionOutcome, stopping: boolean, endpoint: string): void {
    const { log, counters } = this.#options;
    if (!outcome.opened) {
      counters.add("ConnectionFailedCount");
      if (!stopping) {
        const cause = explainTlsFailure(
          peerLine(this.#explain(outcome.cause ?? "connection failed", endpoint), CAUSE_MAX),
        );
        this.#lastError = this.#hideEndpoint(cause);
        log.warn(`Cannot connect to ${this.#where}: ${cause}`);
      }
      return;
    }
    counters.add("ConnectionClosedCount");
    if (outcome.abandoned) {
      counters.add("ConnectionAbandonedCount");
      log.warn(
        `${this.#where} did not answer the close: connection dropped (what it still sends ` +
          `is ignored)`,
      );
    }
    if (outcome.pongTimedOut) counters.add("PongTimeoutCount"); // logged below, with the cause
    const code = outcome.code ?? 1006;
    if (code === 1009 && outcome.cause?.includes(TOO_LARGE)) {
      counters.add("MessageTooLargeCount"); // the message is lost: counted, and logged below
    }
    // The reason and the error text come from the peer: escaped, so they cannot forge log lines.
    const reason = outcome.reason ? ` "${peerText(outcome.reason)}"` : "";
    const cause = outcome.cause && !stopping
      ? `: ${peerLine(this.#explain(outcome.cause, endpoint), CAUSE_MAX)}`
      : "";
    const detail = `code ${code}${reason}${cause}, ${outcome.messages} message(s)`;
    if (!stopping) {
      this.#lastError = this.#hideEndpoint(
        `connection ${code === 1000 ? "closed" : "lost"}: ${detail}`,
      );
    }
    if (stopping || code === 1000) log.info(`Connection to ${this.#where} closed: ${detail}`);
    else log.warn(`Connection to ${this.#where} lost: ${detail}`);
  }

  /** `text` with the endpoint as written (credentials, tokens) replaced by its redacted form. */
  #hideEndpoint(text: string): string {
    let hidden = text;
    for (const url of splitEndpoints(this.#options.endpoint)) {
      hidden = hidden.replaceAll(url, redactUrl(url));
    }
    return hidden;
  }
}
