/**
 * The WebSocket source's session-phase properties: heartbeats that expect
 * an answer, protocol pings, permessage-deflate and subprotocols, with
 * their cross-property checks.
 *
 * @module
 */
import {
  type CheckedProperties,
  duration,
  list,
  oneOf,
  type Reporter,
  string,
} from "../../api/properties.ts";
import { pongMessageProblem } from "./heartbeat.ts";
import { subprotocolsProblem } from "./subprotocols.ts";

/** The default pongTimeout, in seconds. */
export const DEFAULT_PONG_TIMEOUT_S = 10;

/** The session-phase properties, merged into the WebSocket source's. */
export const SESSION_PROPERTIES = {
  pongMessage: string({
    doc: "The server's reply to pingMessage: exact text, or a regular expression written " +
      "`/…/` (flags i, m, s, u after it; found anywhere in the text). Replies are not events; " +
      "one must arrive within pongTimeout of each pingMessage or the connection is recycled",
  }),
  pongTimeout: duration({
    unit: "s",
    fractions: true,
    default: DEFAULT_PONG_TIMEOUT_S,
    above: 0,
    doc: "Seconds a pongMessage reply or a pong frame may take after its ping before the " +
      "connection is recycled (counted in PongTimeoutCount)",
  }),
  protocolPingInterval: duration({
    unit: "s",
    fractions: true,
    default: 0,
    doc: "Seconds between RFC 6455 ping frames, each to be answered by a pong frame within " +
      "pongTimeout; 0 = none",
  }),
  compression: oneOf({
    values: ["none", "deflate"],
    default: "none",
    doc: "`deflate` offers permessage-deflate (RFC 7692): compressed messages are inflated, " +
      "maxMessageSize applying to the inflated size; a server that declines it is read " +
      "uncompressed",
  }),
  subprotocols: list({
    doc: "Subprotocols offered in `Sec-WebSocket-Protocol`, in order of preference; a server " +
      "that chooses none of them fails the attempt",
  }),
} as const;

/** What the session checks read. */
type SessionProps = CheckedProperties<typeof SESSION_PROPERTIES>;

/** Cross-property rules of the session-phase properties. */
export function checkSessionSettings(settings: SessionProps, report: Reporter): void {
  const pong = settings.get("pongMessage");
  if (settings.has("pongMessage") && !settings.has("pingMessage")) {
    report({
      property: "pongMessage",
      message: "pongMessage without pingMessage: there is no heartbeat to answer",
      hint: "add pingMessage = TEXT and pingInterval = SECONDS",
    });
  }
  if (pong !== undefined) {
    const problem = pongMessageProblem(pong);
    if (problem !== undefined) {
      report({
        property: "pongMessage",
        message: problem,
        hint: "write /PATTERN/ or /PATTERN/i; any other text is matched exactly",
      });
    }
  }
  const pingFrames = (settings.get("protocolPingInterval") ?? 0) > 0;
  if (settings.has("pongTimeout") && !settings.has("pongMessage") && !pingFrames) {
    report({
      severity: "warning",
      property: "pongTimeout",
      message: "pongTimeout without pongMessage or protocolPingInterval: ignored",
      hint: "pongTimeout applies to pongMessage replies and to pong frames",
    });
  }
  const subprotocols = settings.get("subprotocols");
  if (subprotocols !== undefined) {
    if (subprotocols.length === 0) {
      report({ property: "subprotocols", message: "subprotocols is empty" });
    }
    const problem = subprotocolsProblem(subprotocols);
    if (problem !== undefined) {
      report({
        property: "subprotocols",
        message: problem,
        hint: "a subprotocol is letters, digits and !#$%&'*+-.^_`|~, listed once",
      });
    }
  }
}
