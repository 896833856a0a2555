/**
 * The client side of the WebSocket opening handshake (RFC 6455 section
 * 4.1) as plain functions: the HTTP/1.1 upgrade request as bytes and the
 * check of the server's response head. No socket I/O: the caller writes
 * the request and reads until {@linkcode headEnd} finds the blank line.
 *
 * @module
 */
import { peerText } from "../../util/peer_text.ts";
import { DEFLATE_OFFER, deflateAnswer, type DeflateParameters } from "./permessage_deflate.ts";
import { chosenSubprotocol, subprotocolOffer } from "./subprotocols.ts";

/** The GUID RFC 6455 appends to the key before hashing it. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The port a scheme implies when the URL names none. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { "ws:": "80", "wss:": "443" };

/** The headers the handshake writes itself, lowercase. */
const HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
]);

/** An RFC 7230 token (a header name). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What a header value may hold: HTAB, visible ASCII and SP, obs-text (latin1). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A Sec-WebSocket-Key: 16 bytes in base64. */
const KEY = /^[A-Za-z0-9+/]{22}==$/;

/** The status line: version, three-digit code, optional reason phrase. */
const STATUS_LINE = /^(HTTP\/\d+(?:\.\d+)?) (\d{3})(?: (.*))?$/s;

/** Leading and trailing optional whitespace (SP, HTAB) of a header value. */
const OWS = /^[ \t]+|[ \t]+$/g;

/** The longest response head the client reads before giving up, in bytes. */
export const MAX_RESPONSE_HEAD = 16384;

/** What the client offers beyond RFC 6455 itself: subprotocols, permessage-deflate. */
export interface UpgradeOffer {
  /** Sent in Sec-WebSocket-Protocol; the server must choose one. @default none */
  readonly subprotocols?: readonly string[];
  /** Offer permessage-deflate (RFC 7692). @default false */
  readonly deflate?: boolean;
}

/** The result of checking the server's response head. */
export type UpgradeOutcome =
  | {
    readonly ok: true;
    /** The subprotocol chosen; "" without an offer. */
    readonly protocol?: string;
    /** The Sec-WebSocket-Extensions answer as sent ("" for none). */
    readonly extensions?: string;
    /** The permessage-deflate parameters, when the server accepted it. */
    readonly deflate?: DeflateParameters;
  }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** A fresh Sec-WebSocket-Key: 16 random bytes in base64. */
export function newKey(): string {
  return _base64(crypto.getRandomValues(new Uint8Array(16)));
}

/** The Sec-WebSocket-Accept a server must answer to `key`. */
export async function acceptFor(key: string): Promise<string> {
  const data = new TextEncoder().encode(key + ACCEPT_GUID);
  return _base64(new Uint8Array(await crypto.subtle.digest("SHA-1", data)));
}

/**
 * The upgrade request for `url` as latin1 bytes: the handshake's own
 * headers, then `headers` in order. The URL's fragment and user info are
 * never sent.
 *
 * @throws {TypeError} when the scheme is not ws: or wss:, the key is not 16
 * bytes in base64, a header name is not a token, a value holds CR, LF, NUL
 * or another character HTTP does not allow, or a header would replace one of
 * the handshake's own.
 */
export function upgradeRequest(
  url: URL,
  headers: readonly (readonly [string, string])[],
  key: string,
  offer: UpgradeOffer = {},
): Uint8Array {
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) {
    throw new TypeError(
      `Invalid WebSocket URL scheme "${peerText(url.protocol)}": expected ws: or wss:`,
    );
  }
  if (!KEY.test(key)) {
    throw new TypeError(
      `Invalid Sec-WebSocket-Key "${peerText(key)}": expected 16 bytes in base64`,
    );
  }
  const port = url.port !== "" && url.port !== defaultPort ? `:${url.port}` : "";
  const lines = [
    `GET ${url.pathname || "/"}${url.search} HTTP/1.1`,
    `Host: ${url.hostname}${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
  ];
  const protocols = subprotocolOffer(offer.subprotocols ?? []);
  if (protocols !== undefined) lines.push(`Sec-WebSocket-Protocol: ${protocols}`);
  if (offer.deflate) lines.push(`Sec-WebSocket-Extensions: ${DEFLATE_OFFER}`);
  for (const [name, value] of headers) {
    _checkHeader(name, value);
    lines.push(`${name}: ${value}`);
  }
  return _latin1Bytes(lines.join("\r\n") + "\r\n\r\n");
}

/** The index just after the first CRLFCRLF in `buffer`, or -1 when there is none yet. */
export function headEnd(buffer: Uint8Array): number {
  for (let i = 0; i + 3 < buffer.length; i++) {
    if (
      buffer[i] === 13 && buffer[i + 1] === 10 && buffer[i + 2] === 13 && buffer[i + 3] === 10
    ) return i + 4;
  }
  return -1;
}

/**
 * Checks the server's response `head` (up to and including the CRLFCRLF,
 * read as latin1) against the handshake sent with `key`. A failure's
 * reason says what the server did; server text in it is escaped and
 * capped, so it is safe to log.
 */
export async function checkUpgradeResponse(
  head: Uint8Array,
  key: string,
  offer: UpgradeOffer = {},
): Promise<UpgradeOutcome> {
  const end = headEnd(head);
  if (end > MAX_RESPONSE_HEAD || (end < 0 && head.length > MAX_RESPONSE_HEAD)) {
    return _fail(`The server's response head is longer than ${MAX_RESPONSE_HEAD} bytes`);
  }
  if (end < 0) return _fail("The server's response head does not end with a blank line");
  const lines = _latin1Text(head.subarray(0, end - 4)).split("\r\n");
  const match = STATUS_LINE.exec(lines[0]);
  if (match === null) {
    return _fail(`The server did not answer in HTTP: its first line is "${peerText(lines[0])}"`);
  }
  const [, version, code, text] = match;
  const status = Number(code);
  const statusText = text === undefined || text === "" ? "" : ` ${peerText(text)}`;
  if (version !== "HTTP/1.1") {
    return _fail(
      `The server answered in ${peerText(version)} (${code}${statusText}): ` +
        "a WebSocket handshake needs HTTP/1.1 (RFC 6455 section 4.1)",
      status,
    );
  }
  if (status !== 101) return _fail(`Unexpected server response: ${code}${statusText}`, status);
  const fields = _parseFields(lines.slice(1));
  if (typeof fields === "string") return _fail(fields, status);
  return _checkFields(fields, await acceptFor(key), status, offer);
}

/** The handshake checks on the headers of a 101 answer. */
function _checkFields(
  fields: ReadonlyMap<string, string>,
  accept: string,
  status: number,
  offer: UpgradeOffer,
): UpgradeOutcome {
  const upgrade = fields.get("upgrade");
  if (upgrade === undefined) {
    return _fail(
      "The server answered 101 without an Upgrade header (RFC 6455 section 4.1)",
      status,
    );
  }
  if (upgrade.toLowerCase() !== "websocket") {
    return _fail(
      `The server upgraded to "${peerText(upgrade)}" instead of websocket (RFC 6455 section 4.1)`,
      status,
    );
  }
  const connection = fields.get("connection");
  if (connection === undefined) {
    return _fail(
      "The server answered 101 without a Connection header (RFC 6455 section 4.1)",
      status,
    );
  }
  if (!_list(connection).some((token) => token.toLowerCase() === "upgrade")) {
    return _fail(
      `The server's Connection header "${peerText(connection)}" lacks the upgrade token ` +
        "(RFC 6455 section 4.1)",
      status,
    );
  }
  const answer = fields.get("sec-websocket-accept");
  if (answer === undefined) {
    return _fail(
      "The server answered 101 without a Sec-WebSocket-Accept header (RFC 6455 section 4.1)",
      status,
    );
  }
  if (answer !== accept) {
    return _fail(
      "The server's Sec-WebSocket-Accept is wrong (RFC 6455 section 4.1): " +
        "it did not answer this handshake",
      status,
    );
  }
  const extensions = _list(fields.get("sec-websocket-extensions") ?? "");
  let deflate: DeflateParameters | undefined;
  if (offer.deflate) {
    const answer = deflateAnswer(extensions);
    if ("reason" in answer) return _fail(answer.reason, status);
    deflate = answer.accepted;
  } else if (extensions.length > 0) {
    return _fail(
      `The server chose the extension "${peerText(extensions.join(", "))}", ` +
        "which the client did not ask for (RFC 6455 section 4.1)",
      status,
    );
  }
  const choice = chosenSubprotocol(offer.subprotocols ?? [], fields.get("sec-websocket-protocol"));
  if (!choice.ok) return _fail(choice.reason, status);
  return {
    ok: true,
    ...(choice.protocol !== "" ? { protocol: choice.protocol } : {}),
    ...(extensions.length > 0 ? { extensions: extensions.join(", ") } : {}),
    ...(deflate !== undefined ? { deflate } : {}),
  };
}

/**
 * The header lines as lowercase name to value (RFC 7230 section 3.2):
 * values trimmed, obs-folds joined with a space, repeated headers joined
 * with ", ". A malformed line gives the reason as a string.
 */
function _parseFields(lines: readonly string[]): Map<string, string> | string {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of lines) {
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (last === undefined) return _malformed(line);
      const before = fields.get(last) ?? "";
      const folded = line.replace(OWS, "");
      fields.set(last, before === "" || folded === "" ? before + folded : `${before} ${folded}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) return _malformed(line);
    const name = line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) return _malformed(line);
    const value = line.slice(colon + 1).replace(OWS, "");
    const before = fields.get(name);
    fields.set(name, before === undefined ? value : `${before}, ${value}`);
    last = name;
  }
  return fields;
}

/** The reason for a header line that is not `name: value`. */
function _malformed(line: string): string {
  return `The server sent a malformed header line "${peerText(line)}"`;
}

/** The non-empty elements of a comma-separated header value, trimmed. */
function _list(value: string): string[] {
  return value.split(",").map((item) => item.replace(OWS, "")).filter((item) => item !== "");
}

/** Throws a TypeError when a user header is not allowed in the request. */
function _checkHeader(name: string, value: string): void {
  const problem = headerProblem(name, value);
  if (problem !== undefined) throw new TypeError(problem);
}

/**
 * Why a handshake header set by the user cannot be sent (a name that is
 * not an RFC 7230 token, one the handshake sets itself, a value with CR,
 * LF, NUL or characters outside latin1), or undefined when it can.
 */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) {
    return `Invalid header name "${peerText(name)}": expected an RFC 7230 token`;
  }
  if (HANDSHAKE_HEADERS.has(name.toLowerCase())) {
    return `Invalid header "${name}": the WebSocket handshake sets it itself`;
  }
  if (/[\r\n\0]/.test(value)) {
    return `Invalid value of header "${name}": it holds a CR, LF or NUL character`;
  }
  if (!FIELD_VALUE.test(value)) {
    return `Invalid value of header "${name}": only tab, printable ASCII and latin1 characters ` +
      `are allowed`;
  }
  return undefined;
}

/** A failed outcome. */
function _fail(reason: string, status?: number): UpgradeOutcome {
  return status === undefined ? { ok: false, reason } : { ok: false, status, reason };
}

/** Bytes as base64. */
function _base64(bytes: Uint8Array): string {
  return btoa(_latin1Text(bytes));
}

/** Bytes as latin1 text: one character per byte (not windows-1252, as TextDecoder's "latin1"). */
function _latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

/** Latin1 text (every character at most U+00FF) as bytes. */
function _latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
