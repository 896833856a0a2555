import { defineSource } from "../../api/component.ts";
import type { CounterGroup } from "../../api/counters.ts";
import type { Log } from "../../api/log.ts";
import { boolean, int } from "../../api/properties.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import { formatAddress, LISTEN_PROPERTIES, listenError } from "./listen_address.ts";
import { LineReader } from "./line_reader.ts";
import { closeQuietly } from "../../util/close_quietly.ts";

const ENCODER = new TextEncoder();
const OK = ENCODER.encode("OK\n");

/** Flume's NetcatSource: each line a client sends over TCP becomes an event. */
export const NETCAT_SOURCE = defineSource({
  type: "netcat",
  aliases: ["org.apache.flume.source.NetcatSource"],
  summary: "Listens on a TCP port and turns each line of text into an event (`nc -k -l`)",
  example: `
a1.sources = r1
a1.sources.r1.type = netcat
a1.sources.r1.bind = 0.0.0.0
a1.sources.r1.port = 6666
a1.sources.r1.max-line-length = 512
a1.sources.r1.ack-every-event = true
a1.sources.r1.channels = c1`,
  properties: {
    ...LISTEN_PROPERTIES,
    "max-line-length": int({
      default: 512,
      min: 1,
      doc: "Most bytes in one line, its newline included; a longer line gets `FAILED: Event " +
        "exceeds the maximum length (N chars, including newline)` and the connection is closed",
    }),
    "ack-every-event": boolean({
      default: true,
      doc: "Answer `OK` for every line once the channels accepted its event; while they are " +
        "full the source stops reading the connection, so TCP slows the client down",
    }),
  },
  create: ({ config, sender, log, counters }) =>
    new NetcatSource(sender, {
      hostname: config.bind.trim(),
      port: config.port,
      maxLineLength: config["max-line-length"],
      ackEveryEvent: config["ack-every-event"],
      log,
      counters,
    }),
});

/** Settings and collaborators of a NetcatSource. */
export interface NetcatSourceOptions {
  readonly hostname: string;
  /** 0 picks a free port: see {@linkcode NetcatSource.boundPort}. */
  readonly port: number;
  /** Most bytes in a line, newline included. */
  readonly maxLineLength: number;
  /** Answer `OK\n` per accepted line. */
  readonly ackEveryEvent: boolean;
  readonly log: Log;
  readonly counters: CounterGroup<string>;
}

/**
 * A TCP server: every connection is read line by line; the lines of one
 * read go to the channels as one batch, and their `OK`s are written once
 * the channels accepted them. The connection is not read meanwhile, which
 * is the back-pressure: nothing is dropped while the channels are full.
 */
export class NetcatSource implements Source {
  readonly #sender: SourceSender;
  readonly #options: NetcatSourceOptions;
  #listener: Deno.Listener | undefined;
  #accepting: Promise<void> | undefined;
  readonly #connections = new Set<Deno.Conn>();
  #stopping = false;

  /** A source sending through `sender`; it listens from start(). */
  constructor(sender: SourceSender, options: NetcatSourceOptions) {
    this.#sender = sender;
    this.#options = options;
  }

  /** The port listened on (the one picked when configured 0); 0 before start(). */
  boundPort(): number {
    return this.#listener ? (this.#listener.addr as Deno.NetAddr).port : 0;
  }

  start(): Promise<void> {
    const { hostname, port, log, counters } = this.#options;
    this.#stopping = false;
    try {
      this.#listener = Deno.listen({ hostname, port, transport: "tcp" });
    } catch (err) {
      throw listenError(err, formatAddress(hostname, port));
    }
    counters.gauge("OpenConnectionCount", () => this.#connections.size);
    const addr = this.#listener.addr as Deno.NetAddr;
    log.info(`Listening on ${formatAddress(addr.hostname, addr.port)}`);
    this.#accepting = this.#accept(this.#listener);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#listener?.close();
    for (const conn of this.#connections) closeQuietly(conn);
    await this.#accepting;
    this.#listener = undefined;
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        this.#connections.add(conn);
        void this.#serve(conn).finally(() => {
          this.#connections.delete(conn);
          closeQuietly(conn);
        });
      }
    } catch (err) {
      if (!this.#stopping) this.#options.log.error(`Netcat listener failed: ${errorMessage(err)}`);
    }
  }

  /**
   * Hands lines to the channels: with acks one at a time, each answered
   * `OK` once accepted (Flume's processEvent per line); without, all of one
   * read in one batch. False when the sender closed first (the source is
   * stopping): the sender counted every line of `lines` it did not accept.
   */
  async #deliver(conn: Deno.Conn, lines: readonly Uint8Array[]): Promise<boolean> {
    if (lines.length === 0) return true;
    if (!this.#options.ackEveryEvent) {
      return await this.#sender.sendBatch(lines.map((body) => ({ headers: {}, body })));
    }
    for (let i = 0; i < lines.length; i++) {
      if (await this.#sender.sendBatch([{ headers: {}, body: lines[i] }])) {
        await writeAll(conn, OK);
        continue;
      }
      // The sender closed: it counts (as dropped) the lines read after this one too.
      const rest = lines.slice(i + 1).map((body) => ({ headers: {}, body }));
      if (rest.length > 0) await this.#sender.sendBatch(rest);
      await writeAll(conn, STOPPING);
      return false;
    }
    return true;
  }

  /** Reads lines until the client closes, a line is too long, or the source stops. */
  async #serve(conn: Deno.Conn): Promise<void> {
    const { log, maxLineLength, counters } = this.#options;
    const peer = conn.remoteAddr as Deno.NetAddr;
    const who = formatAddress(peer.hostname, peer.port);
    log.debug(`Connection from ${who}`);
    const reader = new LineReader(maxLineLength);
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (!this.#stopping) {
        const n = await conn.read(buffer);
        if (n === null) break;
        const { lines, overflow } = reader.push(buffer.subarray(0, n));
        if (!(await this.#deliver(conn, lines))) break;
        if (overflow) {
          counters.add("EventReadFail");
          log.warn(
            `Client ${who} sent a line longer than max-line-length ${maxLineLength}: ` +
              `connection closed`,
          );
          await writeAll(
            conn,
            ENCODER.encode(
              `FAILED: Event exceeds the maximum length (${maxLineLength} chars, including newline)\n`,
            ),
          );
          break;
        }
      }
      if (reader.pending > 0) {
        log.debug(
          `Client ${who} closed with ${reader.pending} byte(s) after the last newline: ` +
            `not an event`,
        );
      }
    } catch (err) {
      if (!this.#stopping) log.debug(`Connection from ${who} ended: ${errorMessage(err)}`);
    }
  }
}

/** Why a line was not acknowledged with OK: the sender closed before accepting it. */
const STOPPING = ENCODER.encode("FAILED: Source is stopping\n");

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}
