import https from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import {
  acceptKey,
  closeFrame,
  OPCODE,
  parseClientFrames,
  serverFrame,
  textFrame,
} from "./ws_frames.ts";

/** A wss:// server on loopback that greets every client with one text message. */
export interface WssServer {
  readonly port: number;
  /** `wss://HOST:PORT/`. */
  url(host?: string): string;
  /** Connections that completed the WebSocket handshake. */
  readonly accepted: () => number;
  /** Subject CNs of the client certificates presented (mutual TLS only). */
  readonly clientSubjects: string[];
  close(): Promise<void>;
}

/** Certificate and key of a test server, PEM. */
export interface ServerIdentity {
  readonly cert: string;
  readonly key: string;
}

/** A wss:// server on Deno.serve (no client certificate asked). */
export function startWssServer(
  identity: ServerIdentity,
  greeting = "hello over tls",
): Promise<WssServer> {
  let accepted = 0;
  const { promise, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: identity.cert,
    key: identity.key,
    onListen: ({ port }) => resolve(port),
    onError: () => new Response("error", { status: 500 }),
  }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      accepted++;
      socket.send(greeting);
    };
    return response;
  });
  return promise.then((port) => ({
    port,
    url: (host = "127.0.0.1") => `wss://${host}:${port}/`,
    accepted: () => accepted,
    clientSubjects: [],
    close: () => server.shutdown(),
  }));
}

/**
 * A wss:// server on node:https that REQUIRES a client certificate signed
 * by `clientCa` (Deno.serve cannot ask for one). The WebSocket side is
 * written by hand: greet, answer close frames.
 */
export async function startMutualTlsServer(
  identity: ServerIdentity,
  clientCa: string,
  greeting = "hello over mutual tls",
): Promise<WssServer> {
  let accepted = 0;
  const clientSubjects: string[] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({
    cert: identity.cert,
    key: identity.key,
    ca: [clientCa],
    requestCert: true,
    rejectUnauthorized: true,
  }, (_req, res) => res.end("wss only"));
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("secureConnection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("upgrade", async (req, socket: Socket) => {
    const accept = await acceptKey(String(req.headers["sec-websocket-key"] ?? ""));
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    accepted++;
    const peer = (socket as TLSSocket).getPeerCertificate();
    clientSubjects.push(String(peer?.subject?.CN ?? ""));
    socket.write(textFrame(greeting));
    let buffer: Uint8Array = new Uint8Array(0);
    socket.on("data", (chunk: Uint8Array) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      const { frames, rest } = parseClientFrames(joined);
      buffer = rest;
      for (const frame of frames) {
        if (frame.opcode === OPCODE.close) {
          socket.end(closeFrame(1000));
        } else if (frame.opcode === OPCODE.ping) {
          socket.write(serverFrame(OPCODE.pong, frame.payload));
        }
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (host = "127.0.0.1") => `wss://${host}:${port}/`,
    accepted: () => accepted,
    clientSubjects,
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
