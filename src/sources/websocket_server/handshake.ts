/**
 * The server side of the WebSocket opening handshake (RFC 6455 section
 * 4.2) as plain functions: the client's HTTP/1.1 request head parsed and
 * judged, and the answers (101, or a refusal) as bytes.
 *
 * @module
 */

/** The GUID RFC 6455 appends to the key before hashing it. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A Sec-WebSocket-Key: 16 bytes in base64. */
const KEY = /^[A-Za-z0-9+/]{22}==$/;
const ENCODER = new TextEncoder();
const LATIN1 = new TextDecoder("latin1");

/** The longest request head read before answering 431, in bytes. */
export const MAX_REQUEST_HEAD = 16384;

/** A client's request head. */
export interface RequestHead {
  readonly method: string;
  /** The request target's path, without the query. */
  readonly path: string;
  readonly version: string;
  /** Header values by lowercase name; repeated headers joined with `, `. */
  readonly headers: ReadonlyMap<string, string>;
}

/** Where the blank line ending the head is in `bytes` (the index after it), or -1. */
export function headEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

/** Parses a request head (the bytes up to its blank line); undefined when it is not HTTP. */
export function parseRequestHead(bytes: Uint8Array): RequestHead | undefined {
  const lines = LATIN1.decode(bytes).split("\r\n");
  const match = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0]);
  if (!match) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  const target = match[2];
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  return { method: match[1], path, version: match[3], headers };
}

/** Why a request is not a WebSocket upgrade, as an HTTP answer; undefined when it is one. */
export function upgradeProblem(head: RequestHead): Refusal | undefined {
  if (head.method !== "GET") {
    return { status: 405, text: "Only GET opens a WebSocket", headers: { allow: "GET" } };
  }
  if (head.version !== "HTTP/1.1") {
    return { status: 505, text: "A WebSocket handshake needs HTTP/1.1" };
  }
  const upgrade = head.headers.get("upgrade") ?? "";
  const connection = head.headers.get("connection") ?? "";
  if (!tokens(upgrade).includes("websocket") || !tokens(connection).includes("upgrade")) {
    return {
      status: 426,
      text: "This endpoint speaks WebSocket only",
      headers: { upgrade: "websocket", connection: "Upgrade" },
    };
  }
  if (head.headers.get("sec-websocket-version") !== "13") {
    return {
      status: 426,
      text: "Unsupported WebSocket version: this server speaks version 13",
      headers: { "sec-websocket-version": "13" },
    };
  }
  if (!KEY.test(head.headers.get("sec-websocket-key") ?? "")) {
    return { status: 400, text: "Missing or invalid Sec-WebSocket-Key" };
  }
  return undefined;
}

/** An HTTP answer refusing a handshake. */
export interface Refusal {
  readonly status: number;
  readonly text: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** The bytes of a refusal: a short text body, and the connection closed. */
export function refusalBytes(refusal: Refusal): Uint8Array {
  const body = `${refusal.text}\n`;
  const extra = Object.entries(refusal.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return ENCODER.encode(
    `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? "Error"}\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${
        ENCODER.encode(body).length
      }\r\nconnection: close\r\n${extra}\r\n${body}`,
  );
}

/** The 101 answer accepting the handshake of `key`. */
export async function acceptBytes(key: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest("SHA-1", ENCODER.encode(key + ACCEPT_GUID));
  const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
  return ENCODER.encode(
    "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n" +
      `sec-websocket-accept: ${accept}\r\n\r\n`,
  );
}

function tokens(value: string): string[] {
  return value.toLowerCase().split(",").map((t) => t.trim());
}
