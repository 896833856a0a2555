/**
 * The HTTP proxy of a WebSocket connection: the `proxy` property or the
 * usual environment variables (`HTTPS_PROXY` for `wss://`, `HTTP_PROXY` for
 * `ws://`, `NO_PROXY`), and the pure parts of the CONNECT exchange. The
 * proxy's credentials are secrets: {@linkcode ProxySettings.shown} is how
 * logs and messages name a proxy (host and port only).
 *
 * @module
 */
import { peerText } from "../../util/peer_text.ts";

/** A proxy to tunnel through with HTTP CONNECT. */
export interface ProxySettings {
  readonly hostname: string;
  readonly port: number;
  /** The `Proxy-Authorization` value (`Basic …`) when the URL has credentials: a secret. */
  readonly authorization?: string;
  /** `host:port`, the only way a proxy is ever shown. */
  readonly shown: string;
}

/** Reads a proxy as the environment would: a name to its value. */
export type EnvLookup = (name: string) => string | undefined;

/** True when `text` turns the proxy off: `none` or empty. */
export function isNoProxy(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || trimmed.toLowerCase() === "none";
}

/**
 * Parses `http://user:pass@host:port` (the scheme may be left out, as curl
 * allows; the port defaults to 80). Returns undefined for `none` or empty.
 *
 * @throws {TypeError} for anything else than an http:// proxy with a host;
 * the message never holds the credentials.
 */
export function parseProxy(text: string): ProxySettings | undefined {
  if (isNoProxy(text)) return undefined;
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError("Invalid proxy: not a URL");
  }
  if (url.protocol !== "http:") {
    throw new TypeError(
      `Invalid proxy scheme "${peerText(url.protocol)}": expected an http:// proxy`,
    );
  }
  if (url.hostname === "") throw new TypeError("Invalid proxy: no host");
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new TypeError("Invalid proxy: expected http://[user:password@]host:port only");
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port === "" ? 80 : Number(url.port);
  const shown = `${url.hostname}:${port}`;
  if (url.username === "" && url.password === "") return { hostname, port, shown };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const authorization = `Basic ${btoa(_utf8Latin1(credentials))}`;
  return { hostname, port, authorization, shown };
}

/**
 * The proxy for `endpoint` from the environment: `HTTPS_PROXY` /
 * `https_proxy` for `wss://`, `HTTP_PROXY` / `http_proxy` for `ws://`
 * (lower case first, as curl reads them), none when `NO_PROXY` /
 * `no_proxy` covers the host.
 *
 * @throws {TypeError} when the variable holds an invalid proxy.
 */
export function proxyFromEnv(endpoint: URL, env: EnvLookup): ProxySettings | undefined {
  const names = endpoint.protocol === "wss:"
    ? ["https_proxy", "HTTPS_PROXY"]
    : ["http_proxy", "HTTP_PROXY"];
  const name = names.find((n) => (env(n) ?? "").trim() !== "");
  if (name === undefined) return undefined;
  const noProxy = env("no_proxy") ?? env("NO_PROXY") ?? "";
  const port = endpoint.port === "" ? (endpoint.protocol === "wss:" ? 443 : 80) : +endpoint.port;
  if (bypassesProxy(endpoint.hostname, port, noProxy)) return undefined;
  try {
    return parseProxy(env(name)!);
  } catch (err) {
    throw new TypeError(`${name}: ${(err as Error).message}`);
  }
}

/**
 * True when `noProxy` (comma or space separated, as curl reads it) covers
 * `hostname`: `*`, the host itself, or a domain it belongs to (`example.com`
 * and `.example.com` both cover `a.example.com`), with an optional `:port`
 * that must then match too. IP addresses match exactly.
 */
export function bypassesProxy(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const { name, entryPort } = _splitEntry(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, "").replace(/\.$/, "");
    if (domain === "") continue;
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** A NO_PROXY entry's host and optional port (`[::1]:80`, `host:80`, `::1`). */
function _splitEntry(entry: string): { name: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    return { name: bracketed[1], entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  const colons = entry.split(":").length - 1;
  const withPort = /^(.*):(\d+)$/.exec(entry);
  if (colons === 1 && withPort) return { name: withPort[1], entryPort: Number(withPort[2]) };
  return { name: entry };
}

/** The CONNECT request for `host:port`, with the proxy's credentials when it has some. */
export function connectRequest(proxy: ProxySettings, hostname: string, port: number): string {
  const authority = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.authorization !== undefined) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  return lines.join("\r\n") + "\r\n\r\n";
}

/**
 * Why the proxy's answer to CONNECT (its response head as latin1 text) is
 * not a tunnel, or undefined when it is one (2xx). The text is escaped and
 * names the proxy by host and port only.
 */
export function connectRefusal(proxy: ProxySettings, head: string): string | undefined {
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})(?: ([^\r\n]*))?/.exec(head);
  if (status === null) {
    const first = head.split("\r\n")[0];
    return `proxy ${proxy.shown} did not answer CONNECT in HTTP: "${peerText(first, 120)}"`;
  }
  const code = Number(status[1]);
  if (code >= 200 && code < 300) return undefined;
  const text = status[2] ? ` ${peerText(status[2], 120)}` : "";
  const hint = code === 407
    ? proxy.authorization === undefined
      ? " (the proxy wants credentials: http://user:password@host:port)"
      : " (check the proxy's user and password)"
    : "";
  return `proxy ${proxy.shown} refused CONNECT: ${code}${text}${hint}`;
}

/** UTF-8 bytes of `text` as a latin1 string, for btoa. */
function _utf8Latin1(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/**
 * How a source picks the proxy of each endpoint: the `proxy` property when
 * set (`none` or empty: no proxy at all, whatever the environment says),
 * else the environment, read once here.
 *
 * @throws {TypeError} when the property or an environment variable is not a valid proxy.
 */
export function proxyResolver(
  property: string | undefined,
  env: EnvLookup,
): (endpoint: URL) => ProxySettings | undefined {
  if (property !== undefined) {
    const fixed = parseProxy(property);
    return () => fixed;
  }
  const names = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"];
  const snapshot = new Map(names.map((name) => [name, env(name)]));
  return (endpoint) => proxyFromEnv(endpoint, (name) => snapshot.get(name));
}
