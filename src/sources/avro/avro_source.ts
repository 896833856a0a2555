import { formatAddress, listenError } from "../../util/listen_address.ts";
import dns from "node:dns";
import { connStream } from "../../avro/byte_stream.ts";
import { deflateStream } from "../../avro/deflate_stream.ts";
import { FramedConnection } from "../../avro/framed_connection.ts";
import type { AvroFlumeEvent, AvroStatus } from "../../avro/protocol.ts";
import { loadServerKey, type ServerKey } from "../../tls/keystore_files.ts";
import { defineSource } from "../../api/component.ts";
import type { Clock } from "../../api/clock.ts";
import type { CounterGroup } from "../../api/counters.ts";
import type { Log } from "../../api/log.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import { ipAllowed, type IpFilterRule, parseIpFilterRules } from "./ip_filter.ts";
import { respond } from "./responder.ts";
import { AVRO_SOURCE_PROPERTIES, checkAvroSource } from "./spec.ts";
import { closeQuietly } from "../../util/close_quietly.ts";

/** What validation prepares: the TLS key and the parsed ipFilter rules. */
interface Prepared {
  readonly key?: ServerKey;
  readonly rules?: readonly IpFilterRule[];
}

/** Flume's AvroSource: the receiving end of another agent's avro sink (Avro IPC). */
export const AVRO_SOURCE = defineSource({
  type: "avro",
  aliases: ["org.apache.flume.source.AvroSource"],
  summary: "Receives events from Flume avro sinks (and Flume's RPC clients) over Avro IPC; " +
    "one channel transaction per appendBatch, answered OK once committed, FAILED when the " +
    "channels cannot take it",
  example: `
a1.sources = r1
a1.sources.r1.type = avro
a1.sources.r1.bind = 0.0.0.0
a1.sources.r1.port = 4141
a1.sources.r1.compression-type = deflate
a1.sources.r1.ssl = true
a1.sources.r1.keystore = /etc/flume/server.jks
a1.sources.r1.keystore-password = \${env:KEYSTORE_PASSWORD}
a1.sources.r1.keystore-type = JKS
a1.sources.r1.ipFilter = true
a1.sources.r1.ipFilterRules = allow:ip:10.*,allow:name:localhost,deny:ip:*
a1.sources.r1.channels = c1`,
  properties: AVRO_SOURCE_PROPERTIES,
  check: checkAvroSource,
  prepare: (config, props): Prepared => {
    const key = config.ssl && config.keystore !== undefined &&
        !(config["keystore-password"] === undefined && props.has("keystore-password"))
      ? loadServerKey({
        property: "keystore",
        path: config.keystore.trim(),
        password: config["keystore-password"],
        type: config["keystore-type"],
      })
      : undefined;
    const rules = config.ipFilter && config.ipFilterRules
      ? parseIpFilterRules(config.ipFilterRules)
      : undefined;
    return { key, rules };
  },
  create: ({ config, prepared, sender, log, clock, counters }) =>
    new AvroSource(sender, {
      hostname: config.bind.trim(),
      port: config.port,
      deflate: config["compression-type"] === "deflate",
      key: prepared.key,
      rules: prepared.rules,
      log,
      clock,
      counters,
    }),
});

/** Settings and collaborators of an AvroSource. */
export interface AvroSourceOptions {
  readonly hostname: string;
  /** 0 picks a free port: see {@linkcode AvroSource.boundPort}. */
  readonly port: number;
  /** `compression-type = deflate`. @default false */
  readonly deflate?: boolean;
  /** TLS with this key and chain. @default plain TCP */
  readonly key?: ServerKey;
  /** ipFilterRules. @default every client accepted */
  readonly rules?: readonly IpFilterRule[];
  readonly log: Log;
  readonly clock: Clock;
  readonly counters: CounterGroup<string>;
}

/** Least time between two warnings about FAILED answers. */
const WARN_EVERY_MS = 10_000;

/** Level of the compression of answers, as Flume's AvroSource (JZlibEncoder(6)). */
const ANSWER_COMPRESSION_LEVEL = 6;

/**
 * A TCP (or TLS) server speaking Avro IPC with Netty's framing. Each
 * appendBatch (or append) is put into the channels in one transaction, at
 * once, through the sender's tryBatch: OK once every required channel
 * committed it, FAILED when they cannot take all of it now (the sending
 * sink rolls back and retries later), as Flume's AvroSource answers on a
 * ChannelException.
 */
export class AvroSource implements Source {
  readonly #sender: SourceSender;
  readonly #options: AvroSourceOptions;
  #listener: Deno.Listener | undefined;
  #accepting: Promise<void> | undefined;
  readonly #connections = new Map<Deno.Conn, Promise<void>>();
  #stopping = false;
  #lastWarning = -Infinity;
  /** FAILED answers since the last warning. */
  #refusedSince = 0;

  /** A source sending through `sender`; it listens from start(). */
  constructor(sender: SourceSender, options: AvroSourceOptions) {
    this.#sender = sender;
    this.#options = options;
  }

  /** The port listened on (the one picked when configured 0); 0 before start(). */
  boundPort(): number {
    return this.#listener ? (this.#listener.addr as Deno.NetAddr).port : 0;
  }

  start(): Promise<void> {
    const { hostname, port, key, log, counters } = this.#options;
    this.#stopping = false;
    try {
      this.#listener = key
        ? Deno.listenTls({ hostname, port, transport: "tcp", cert: key.cert, key: key.key })
        : Deno.listen({ hostname, port, transport: "tcp" });
    } catch (err) {
      throw listenError(err, formatAddress(hostname, port));
    }
    counters.gauge("OpenConnectionCount", () => this.#connections.size);
    const addr = this.#listener.addr as Deno.NetAddr;
    log.info(`Listening on ${formatAddress(addr.hostname, addr.port)}${key ? " (TLS)" : ""}`);
    this.#accepting = this.#accept(this.#listener);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#listener?.close();
    await this.#accepting;
    for (const conn of this.#connections.keys()) closeQuietly(conn);
    await Promise.all(this.#connections.values());
    this.#listener = undefined;
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        const serving = this.#serve(conn).finally(() => {
          this.#connections.delete(conn);
          closeQuietly(conn);
        });
        this.#connections.set(conn, serving);
      }
    } catch (err) {
      if (!this.#stopping) this.#options.log.error(`Avro listener failed: ${errorMessage(err)}`);
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const { log, rules, deflate } = this.#options;
    const peer = conn.remoteAddr as Deno.NetAddr;
    const who = formatAddress(peer.hostname, peer.port);
    if (rules && !(await ipAllowed(rules, clientIdentity(peer.hostname)))) {
      log.warn(`Refused connection from ${who}: ipFilterRules deny it`);
      return;
    }
    log.debug(`Connection from ${who}`);
    const raw = connStream(conn);
    const stream = deflate ? deflateStream(raw, ANSWER_COMPRESSION_LEVEL) : raw;
    const connection = new FramedConnection(stream);
    try {
      await respond(connection, (events) => this.#append(events));
      log.debug(`Connection from ${who} closed`);
    } catch (err) {
      if (!this.#stopping) log.info(`Connection from ${who} ended: ${errorMessage(err)}`);
    } finally {
      connection.close();
    }
  }

  async #append(events: AvroFlumeEvent[]): Promise<AvroStatus> {
    const ok = await this.#sender.tryBatch(
      events.map((e) => ({ headers: e.headers, body: e.body })),
    );
    if (!ok) this.#refused(events.length);
    return ok ? "OK" : "FAILED";
  }

  /** Warns about a FAILED answer: at once, then one summary per WARN_EVERY_MS. */
  #refused(events: number): void {
    const { log, clock } = this.#options;
    this.#refusedSince++;
    const now = clock.now();
    if (now - this.#lastWarning < WARN_EVERY_MS) return;
    log.warn(
      `Channel could not take ${
        this.#refusedSince === 1 ? `a batch of ${events} event(s)` : `${this.#refusedSince} batches`
      } now: answered FAILED (the sender retries). Consider a larger channel capacity, a ` +
        `transactionCapacity of at least the sender's batch-size, or faster sinks`,
    );
    this.#refusedSince = 0;
    this.#lastWarning = now;
  }
}

/** The client as the ipFilter sees it; its name is looked up only when a rule needs it. */
function clientIdentity(address: string): {
  address: string;
  localAddresses: string[];
  hostName: () => Promise<string>;
} {
  return {
    address,
    localAddresses: Deno.networkInterfaces().map((i) => i.address),
    hostName: () => dns.promises.lookupService(address, 0).then((r) => r.hostname, () => address),
  };
}
