/**
 * The session-phase settings as a WebSocket source uses them: the
 * heartbeats that expect an answer, what the handshake offers, and how the
 * negotiated session is described in the "Connected" log line.
 *
 * @module
 */
import type { OpenSession } from "./connection.ts";
import { type HeartbeatOptions, pongMatcher } from "./heartbeat.ts";
import type { SessionOffer } from "./socket.ts";

/** The session-phase part of a WebSocket source's configuration (durations in ms). */
export interface SessionConfig {
  readonly pingMessage?: string;
  readonly pongMessage?: string;
  readonly pongTimeout: number;
  readonly protocolPingInterval: number;
  readonly compression: "none" | "deflate";
  readonly subprotocols?: readonly string[];
}

/** The answered heartbeats, or undefined when neither pongMessage nor protocol pings are set. */
export function heartbeatOptions(config: SessionConfig): HeartbeatOptions | undefined {
  const pongMessage = config.pongMessage !== undefined && config.pingMessage !== undefined
    ? pongMatcher(config.pongMessage)
    : undefined;
  if (pongMessage === undefined && config.protocolPingInterval <= 0) return undefined;
  return {
    pongMessage,
    protocolPingIntervalMs: config.protocolPingInterval,
    pongTimeoutMs: config.pongTimeout,
  };
}

/** What the handshake offers: subprotocols, permessage-deflate. */
export function sessionOffer(config: SessionConfig): SessionOffer {
  return {
    subprotocols: config.subprotocols ?? [],
    deflate: config.compression === "deflate",
  };
}

/**
 * The negotiated session for the "Connected" line: ` (subprotocol "x",
 * permessage-deflate)`, a note when the server declined compression, or
 * "" when nothing was offered.
 */
export function describeSession(session: OpenSession, offer: SessionOffer): string {
  const parts: string[] = [];
  if (session.protocol !== "") parts.push(`subprotocol "${session.protocol}"`);
  if (offer.deflate) {
    parts.push(
      /permessage-deflate/i.test(session.extensions)
        ? "permessage-deflate"
        : "the server declined permessage-deflate: uncompressed",
    );
  }
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
