import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { defineSource } from "../../api/component.ts";
import type { Event } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import { string } from "../../api/properties.ts";
import type { Source, SourceSender } from "../../api/source.ts";
import { errorMessage } from "../../util/errors.ts";
import { formatAddress, LISTEN_PROPERTIES, listenError } from "./listen_address.ts";

/** Flume's NetcatUdpSource: each datagram becomes an event. */
export const NETCAT_UDP_SOURCE = defineSource({
  type: "netcatudp",
  aliases: ["org.apache.flume.source.NetcatUdpSource"],
  summary:
    "Listens on a UDP port and turns each datagram's first line into an event (`nc -u -k -l`)",
  example: `
a1.sources = r1
a1.sources.r1.type = netcatudp
a1.sources.r1.bind = 0.0.0.0
a1.sources.r1.port = 6666
a1.sources.r1.remoteAddressHeader = remote
a1.sources.r1.channels = c1`,
  properties: {
    ...LISTEN_PROPERTIES,
    remoteAddressHeader: string({
      doc: "Header that gets the sender's address as `/HOST:PORT` (`/127.0.0.1:5000`, as Java " +
        "writes it); unset: no header",
    }),
    remoteAddress: string({
      doc: "The name Flume 1.10's code reads for remoteAddressHeader; remoteAddressHeader wins",
    }),
  },
  create: ({ config, sender, log }) =>
    new NetcatUdpSource(sender, {
      hostname: config.bind.trim(),
      port: config.port,
      remoteAddressHeader: config.remoteAddressHeader?.trim() ||
        config.remoteAddress?.trim() || undefined,
      log,
    }),
});

/** Settings and collaborators of a NetcatUdpSource. */
export interface NetcatUdpSourceOptions {
  readonly hostname: string;
  /** 0 picks a free port: see {@linkcode NetcatUdpSource.boundPort}. */
  readonly port: number;
  /** Header for the sender's address. @default none */
  readonly remoteAddressHeader?: string;
  readonly log: Log;
}

/**
 * A UDP socket: each datagram is one event whose body is the datagram up
 * to its first `\n` (what follows is discarded, as in Flume). UDP cannot
 * slow a client down: while the channels are full, events wait in the
 * sender's backlog; past it they are dropped, counted and logged.
 */
export class NetcatUdpSource implements Source {
  readonly #sender: SourceSender;
  readonly #options: NetcatUdpSourceOptions;
  #socket: dgram.Socket | undefined;

  /** A source sending through `sender`; it listens from start(). */
  constructor(sender: SourceSender, options: NetcatUdpSourceOptions) {
    this.#sender = sender;
    this.#options = options;
  }

  /** The port listened on (the one picked when configured 0); 0 before start(). */
  boundPort(): number {
    return this.#socket?.address().port ?? 0;
  }

  async start(): Promise<void> {
    const { hostname, port, log } = this.#options;
    const socket = dgram.createSocket({ type: hostname.includes(":") ? "udp6" : "udp4" });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: hostname, port }, () => {
        socket.off("error", reject);
        resolve();
      });
    }).catch((err) => {
      socket.close();
      throw listenError(err, `${formatAddress(hostname, port)} (udp)`);
    });
    socket.on("error", (err) => log.error(`Netcat UDP socket failed: ${errorMessage(err)}`));
    socket.on("message", (msg, rinfo) => this.#receive(msg, rinfo));
    this.#socket = socket;
    const addr = socket.address();
    log.info(`Listening on ${formatAddress(addr.address, addr.port)} (udp)`);
  }

  stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  #receive(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const newline = msg.indexOf(0x0a);
    const body = new Uint8Array(newline === -1 ? msg : msg.subarray(0, newline));
    const headers: Record<string, string> = {};
    const name = this.#options.remoteAddressHeader;
    if (name !== undefined) headers[name] = `/${formatAddress(rinfo.address, rinfo.port)}`;
    const event: Event = { headers, body };
    this.#sender.send(event);
  }
}
