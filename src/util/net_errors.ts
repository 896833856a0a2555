/**
 * Plain words for failed network connections. Deno, rustls, hyper and
 * node:net each word the same failure differently
 * (`failed to lookup address information: Name or service not known`,
 * `dns error`, `getaddrinfo ENOTFOUND x`); the agent's logs, `check --connect`
 * and the feed say it one way: `host not found: NAME`,
 * `connection refused by HOST:PORT`.
 *
 * ```ts
 * try {
 *   await Deno.connect({ hostname: "127.0.0.1", port: 1 });
 * } catch (err) {
 *   explainNetworkError(err, { hostname: "127.0.0.1", port: 1 });
 *   // "connection refused by 127.0.0.1:1"
 * }
 * ```
 *
 * @module
 */
import { errorMessage } from "./errors.ts";

/** Where a connection was going. */
export interface NetworkTarget {
  /** The host as the user wrote it: a name, an IPv4 or an IPv6 address (brackets optional). */
  readonly hostname: string;
  /** The TCP port. */
  readonly port: number;
}

type Explain = (target: NetworkTarget) => string;

/** Node's error codes (node:net, the npm `ws` client) and the words for them. */
const BY_CODE: Readonly<Record<string, Explain>> = {
  ENOTFOUND: (t) => `host not found: ${bare(t.hostname)}`,
  EAI_NONAME: (t) => `host not found: ${bare(t.hostname)}`,
  EAI_NODATA: (t) => `host not found: ${bare(t.hostname)}`,
  EAI_AGAIN: (t) => `cannot look up host ${bare(t.hostname)}: DNS did not answer`,
  ECONNREFUSED: (t) => `connection refused by ${formatTarget(t)}`,
  ECONNRESET: (t) => `connection reset by ${formatTarget(t)}`,
  ETIMEDOUT: (t) => `connection to ${formatTarget(t)} timed out`,
  ENETUNREACH: (t) => `network unreachable for ${formatTarget(t)}`,
  EHOSTUNREACH: (t) => `no route to host ${formatTarget(t)}`,
};

/**
 * Messages as Deno words them on Linux, macOS and Windows (`Deno.connect`,
 * `Deno.connectTls`, `fetch`, the built-in WebSocket), first match wins.
 */
const BY_MESSAGE: readonly (readonly [RegExp, Explain])[] = [
  [/temporary failure in name resolution|os error 11002\b/i, BY_CODE.EAI_AGAIN],
  [
    /failed to lookup address|name or service not known|nodename nor servname|no address associated with hostname|no such host is known|dns error|getaddrinfo/i,
    BY_CODE.ENOTFOUND,
  ],
  [/connection refused|actively refused|os error (111|61|10061)\b/i, BY_CODE.ECONNREFUSED],
  [/connection reset|os error (104|54|10054)\b/i, BY_CODE.ECONNRESET],
  [/timed out|os error (110|60|10060)\b/i, BY_CODE.ETIMEDOUT],
  [/network is unreachable|os error (101|51|10051)\b/i, BY_CODE.ENETUNREACH],
  [/no route to host|os error (113|65|10065)\b/i, BY_CODE.EHOSTUNREACH],
  // The built-in WebSocket says no more than this.
  [/tcp connect error/i, (t) => `cannot connect to ${formatTarget(t)}`],
];

/**
 * The plain-words reason a connection to `target` failed: `host not found:
 * NAME`, `connection refused by HOST:PORT`, `connection reset by HOST:PORT`,
 * `connection to HOST:PORT timed out`, `network unreachable for HOST:PORT`,
 * `no route to host HOST:PORT`. `error` is what failed: an Error (a
 * `Deno.errors.*`, a node:net error with its `code`, one with a `cause`) or
 * an error message already turned into text. Anything else comes back as
 * its message, unchanged.
 */
export function explainNetworkError(error: unknown, target: NetworkTarget): string {
  // An error and its causes (fetch's TypeError wraps the connect error), a few deep.
  let err: unknown = error;
  for (let depth = 0; err instanceof Error && depth < 4; depth++, err = err.cause) {
    if (err instanceof Deno.errors.ConnectionRefused) return BY_CODE.ECONNREFUSED(target);
    if (err instanceof Deno.errors.ConnectionReset) return BY_CODE.ECONNRESET(target);
    if (err instanceof Deno.errors.TimedOut) return BY_CODE.ETIMEDOUT(target);
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && Object.hasOwn(BY_CODE, code)) return BY_CODE[code](target);
  }
  const message = typeof error === "string" ? error : errorMessage(error);
  const found = BY_MESSAGE.find(([pattern]) => pattern.test(message));
  return found ? found[1](target) : message;
}

/**
 * The target of a `ws:`, `wss:`, `http:` or `https:` URL, with the scheme's
 * default port when the URL names none. Throws TypeError for a malformed URL.
 */
export function networkTargetOf(url: string | URL): NetworkTarget {
  const parsed = typeof url === "string" ? new URL(url) : url;
  const secure = parsed.protocol === "wss:" || parsed.protocol === "https:";
  return {
    hostname: bare(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : secure ? 443 : 80,
  };
}

/** `HOST:PORT`, with an IPv6 address in brackets: `127.0.0.1:8765`, `[::1]:8765`. */
export function formatTarget(target: NetworkTarget): string {
  const host = bare(target.hostname);
  return `${host.includes(":") ? `[${host}]` : host}:${target.port}`;
}

function bare(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1");
}
