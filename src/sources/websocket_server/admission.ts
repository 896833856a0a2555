import { type Refusal, type RequestHead, upgradeProblem } from "./handshake.ts";

/** What decides whether a handshake is accepted. */
export interface AdmissionRules {
  /** The one path served; others get 404. */
  readonly path: string;
  /** Allowed origins, normalized by {@linkcode normalOrigin}; undefined: any (also `*`). */
  readonly origins?: ReadonlySet<string>;
  /** Most open connections; the next gets 503. */
  readonly maxConnections: number;
}

/** Why a handshake was refused: the answer, and the counter beyond ConnectionRefusedCount. */
export interface Verdict {
  readonly refusal: Refusal;
  readonly counter?: "OriginRefusedCount" | "ConnectionLimitRefusedCount";
  /** For the log: what was refused (no secrets: request paths and origins only). */
  readonly why: string;
}

/**
 * Judges a request head against the rules, in this order: an HTTP answer
 * for a request that is no handshake (404 on another path first), 403 for
 * an origin not allowed, 503 when `open` connections already reach
 * maxConnections. Undefined: accept it.
 */
export function admit(head: RequestHead, rules: AdmissionRules, open: number): Verdict | undefined {
  if (head.path !== rules.path) {
    return {
      refusal: { status: 404, text: `No WebSocket here: the path is ${rules.path}` },
      why: `path ${JSON.stringify(head.path.slice(0, 100))} is not ${rules.path}`,
    };
  }
  const problem = upgradeProblem(head);
  if (problem) return { refusal: problem, why: problem.text };
  if (rules.origins) {
    const origin = head.headers.get("origin");
    if (origin === undefined || !rules.origins.has(normalOrigin(origin))) {
      return {
        refusal: { status: 403, text: "Origin not allowed" },
        counter: "OriginRefusedCount",
        why: origin === undefined
          ? "no Origin header (allowedOrigins is set)"
          : `origin ${JSON.stringify(origin.slice(0, 100))} is not in allowedOrigins`,
      };
    }
  }
  if (open >= rules.maxConnections) {
    return {
      refusal: { status: 503, text: "Too many connections", headers: { "retry-after": "5" } },
      counter: "ConnectionLimitRefusedCount",
      why: `maxConnections ${rules.maxConnections} reached`,
    };
  }
  return undefined;
}

/** An origin as compared: lowercase, without a trailing slash or a default port. */
export function normalOrigin(origin: string): string {
  const lower = origin.trim().toLowerCase().replace(/\/$/, "");
  return lower.replace(
    /^(https?|wss?):\/\/([^/:]+|\[[^\]]+\]):(\d+)$/,
    (all, scheme, host, port) =>
      (port === "443" && (scheme === "https" || scheme === "wss")) ||
        (port === "80" && (scheme === "http" || scheme === "ws"))
        ? `${scheme}://${host}`
        : all,
  );
}

/**
 * The problem with one allowedOrigins entry, or undefined: `*`, `null`, or
 * `SCHEME://HOST[:PORT]` without a path, query or user info.
 */
export function originProblem(entry: string): string | undefined {
  if (entry === "*" || entry === "null") return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+\/?$/i.test(entry)) {
    return `Invalid origin "${entry}": expected SCHEME://HOST[:PORT] (as browsers send it, ` +
      `no path), or *`;
  }
  return undefined;
}
