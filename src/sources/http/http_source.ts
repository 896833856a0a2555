import { defineSource } from "../../api/component.ts";
import type { Clock } from "../../api/clock.ts";
import type { CounterGroup } from "../../api/counters.ts";
import type { Log } from "../../api/log.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import { BlobHandler } from "./blob_handler.ts";
import { BadRequestError, type HttpHandler } from "./handler.ts";
import { JsonHandler } from "./json_handler.ts";
import { listenError } from "../../util/listen_address.ts";
import { loadServerIdentity, type ServerIdentity } from "./server_identity.ts";
import { checkHttpSettings, HTTP_PATTERNS, HTTP_PROPERTIES, isBlob, tlsSettings } from "./spec.ts";

/** Flume's HTTPSource: events by HTTP POST (and GET), one channel transaction per request. */
export const HTTP_SOURCE = defineSource({
  type: "http",
  aliases: ["org.apache.flume.source.http.HTTPSource"],
  summary: "Accepts events by HTTP POST (JSON array or a BLOB), one transaction per request; " +
    "503 when the channels cannot take the whole request now",
  example: `
a1.sources = r1
a1.sources.r1.type = http
a1.sources.r1.bind = 0.0.0.0
a1.sources.r1.port = 5140
a1.sources.r1.handler = org.apache.flume.source.http.JSONHandler
a1.sources.r1.ssl = true
a1.sources.r1.keystore = /etc/flume/server.p12
a1.sources.r1.keystore-password = \${env:KEYSTORE_PASSWORD}
a1.sources.r1.keystore-type = PKCS12
a1.sources.r1.channels = c1`,
  properties: HTTP_PROPERTIES,
  patterns: HTTP_PATTERNS,
  check: checkHttpSettings,
  prepare: (config, props) => loadServerIdentity(tlsSettings(config, (n) => props.has(n)), props),
  create: ({ config, prepared, sender, log, clock, counters }) =>
    new HttpSource(sender, {
      hostname: config.bind.trim(),
      port: config.port,
      handler: isBlob(config.handler)
        ? new BlobHandler(config["handler.maxBlobLength"], log)
        : new JsonHandler(),
      identity: prepared,
      log,
      clock,
      counters,
    }),
});

/** Settings and collaborators of an HttpSource. */
export interface HttpSourceOptions {
  readonly hostname: string;
  /** 0 picks a free port: see {@linkcode HttpSource.boundPort}. */
  readonly port: number;
  readonly handler: HttpHandler;
  /** HTTPS with this key and chain. @default plain HTTP */
  readonly identity?: ServerIdentity;
  readonly log: Log;
  readonly clock: Clock;
  readonly counters: CounterGroup<string>;
}

/**
 * An HTTP server on `Deno.serve`. POST and GET (Flume's doGet is its
 * doPost) hand the request to the handler and its events to the channels
 * in one transaction, all or nothing, at once: 200 when every required
 * channel committed them, 400 when the handler cannot read the request,
 * 503 when the channels have no room for all of them now (the client
 * retries; nothing of the request lands), 500 on anything else. TRACE and
 * OPTIONS get 403, as Flume's security constraint answers them; other
 * methods 405.
 */
export class HttpSource implements Source {
  readonly #sender: SourceSender;
  readonly #options: HttpSourceOptions;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #port = 0;
  #lastWarning = -Infinity;
  /** 503 answers since the last warning. */
  #refusedSince = 0;

  /** A source sending through `sender`; it listens from start(). */
  constructor(sender: SourceSender, options: HttpSourceOptions) {
    this.#sender = sender;
    this.#options = options;
  }

  /** The port listened on (the one picked when configured 0); 0 before start(). */
  boundPort(): number {
    return this.#port;
  }

  async start(): Promise<void> {
    const { hostname, port, identity, log } = this.#options;
    const listening = Promise.withResolvers<Deno.NetAddr>();
    const tls = identity ? { cert: identity.cert, key: identity.key } : {};
    try {
      this.#server = Deno.serve({
        hostname,
        port,
        ...tls,
        onListen: (addr) => listening.resolve(addr),
        onError: (err) => {
          log.error(`HTTP source failed to answer a request: ${errorMessage(err)}`);
          return text(500, "Internal error");
        },
      }, (request) => this.#answer(request));
    } catch (err) {
      throw listenError(
        err,
        hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`,
      );
    }
    const addr = await listening.promise;
    this.#port = addr.port;
    const where = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
    log.info(`Listening on ${where}:${addr.port}${identity ? " (https)" : ""}`);
  }

  async stop(): Promise<void> {
    await this.#server?.shutdown();
    this.#server = undefined;
  }

  /** Warns about a 503: at once, then one summary per WARN_EVERY_MS. */
  #refused(events: number): void {
    const { log, clock } = this.#options;
    this.#refusedSince++;
    const now = clock.now();
    if (now - this.#lastWarning < WARN_EVERY_MS) return;
    log.warn(
      `Channel could not take ${
        this.#refusedSince === 1
          ? `a request's ${events} event(s)`
          : `${this.#refusedSince} requests`
      } now: answered 503. ` +
        `Consider increasing the channel capacity or make sure the sinks perform faster`,
    );
    this.#refusedSince = 0;
    this.#lastWarning = now;
  }

  async #answer(request: Request): Promise<Response> {
    const { method } = request;
    if (method === "TRACE" || method === "OPTIONS") return text(403, "Forbidden");
    if (method !== "POST" && method !== "GET") {
      await request.body?.cancel();
      return new Response(`HTTP method ${method} is not supported\n`, {
        status: 405,
        headers: { allow: "GET, POST", "content-type": "text/plain; charset=utf-8" },
      });
    }
    const { handler, log, counters } = this.#options;
    let events;
    try {
      events = await handler.events(request);
    } catch (err) {
      if (err instanceof BadRequestError) {
        counters.add("EventReadFail");
        log.warn(`Bad request from client: ${err.message}`);
        return text(400, `Bad request from client. ${err.message}`);
      }
      counters.add("GenericProcessingFail");
      log.warn(`Handler failed: ${errorMessage(err)}`);
      return text(500, "Handler failed to read the request");
    }
    if (await this.#sender.tryBatch(events)) return new Response(null, { status: 200 });
    this.#refused(events.length);
    return text(503, "Error appending event to channel. Channel might be full.", {
      "retry-after": "1",
    });
  }
}

/** Least time between two warnings about 503 answers. */
const WARN_EVERY_MS = 10_000;

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}
