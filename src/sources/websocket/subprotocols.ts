/**
 * Subprotocol negotiation (RFC 6455 sections 1.9 and 4.1): the client
 * offers `subprotocols` in `Sec-WebSocket-Protocol`, the server must pick
 * exactly one of them.
 *
 * @module
 */
import { peerText } from "../../util/peer_text.ts";

/** An RFC 7230 token, which a subprotocol name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Why the `subprotocols` list cannot be offered (a name that is no token, a repeat), or undefined. */
export function subprotocolsProblem(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (!TOKEN.test(name)) {
      return `Invalid subprotocol "${peerText(name)}": expected an RFC 7230 token`;
    }
    if (seen.has(name)) return `Subprotocol "${name}" is listed twice`;
    seen.add(name);
  }
  return undefined;
}

/** The `Sec-WebSocket-Protocol` request value for `names`, or undefined for none. */
export function subprotocolOffer(names: readonly string[]): string | undefined {
  return names.length > 0 ? names.join(", ") : undefined;
}

/** The subprotocol the server chose, or why its choice fails the handshake. */
export type SubprotocolChoice =
  | { readonly ok: true; readonly protocol: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks the server's `Sec-WebSocket-Protocol` answer (undefined when it
 * sent none) against the names `offered`: with an offer it must name one
 * of them (compared exactly, as tokens are case-sensitive); without one it
 * must send none.
 */
export function chosenSubprotocol(
  offered: readonly string[],
  answer: string | undefined,
): SubprotocolChoice {
  const chosen = (answer ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const list = offered.join(", ");
  if (chosen.length === 0) {
    if (offered.length === 0) return { ok: true, protocol: "" };
    return {
      ok: false,
      reason: `The server chose none of the subprotocols offered (${list}) (RFC 6455 section 4.1)`,
    };
  }
  const text = peerText(chosen.join(", "));
  if (offered.length === 0) {
    return {
      ok: false,
      reason: `The server chose the subprotocol "${text}", which the client did not ask for ` +
        "(RFC 6455 section 4.1)",
    };
  }
  if (chosen.length > 1) {
    return {
      ok: false,
      reason: `The server chose several subprotocols "${text}" instead of one of ${list} ` +
        "(RFC 6455 section 4.1)",
    };
  }
  if (!offered.includes(chosen[0])) {
    return {
      ok: false,
      reason: `The server chose the subprotocol "${text}", which the client did not offer ` +
        `(offered ${list}; RFC 6455 section 4.1)`,
    };
  }
  return { ok: true, protocol: chosen[0] };
}
