import {
  boolean,
  type CheckedProperties,
  int,
  list,
  oneOf,
  path,
  type Reporter,
  secret,
  string,
} from "../../api/properties.ts";
import { originProblem } from "./admission.ts";

/** The default of maxMessageSize: 1 MiB. */
export const DEFAULT_MAX_MESSAGE = 1024 * 1024;
/** The most maxMessageSize may be: 64 MiB, each held whole in memory while it arrives. */
export const MAX_MESSAGE_LIMIT = 64 * 1024 * 1024;

/** The websocket_server source's counters beyond Flume's (EventDroppedCount is the sender's). */
export const WEBSOCKET_SERVER_COUNTERS = [
  "ConnectionCreatedCount",
  "ConnectionClosedCount",
  "ConnectionRefusedCount",
  "OriginRefusedCount",
  "ConnectionLimitRefusedCount",
  "MessageTooLargeCount",
  "MessageBytesReceivedCount",
] as const;

/** The websocket_server source's properties. */
export const WEBSOCKET_SERVER_PROPERTIES = {
  bind: string({
    required: true,
    doc: "Host name or IP address to listen on (0.0.0.0 for every IPv4 interface)",
  }),
  port: int({
    required: true,
    min: 0,
    max: 65535,
    doc: "Port to listen on; 0 picks a free one (logged as `Listening on HOST:PORT`)",
  }),
  path: string({
    default: "/",
    doc: "The request path that opens a WebSocket (the query is ignored); others get 404",
  }),
  allowedOrigins: list({
    defaultText: "any",
    doc: "Origins allowed to connect (`https://app.example.com`, exact, as browsers send " +
      "them) or `*`; a handshake from another origin, or without an Origin header, gets 403 " +
      "(counted as OriginRefusedCount)",
  }),
  maxConnections: int({
    default: 1000,
    min: 1,
    doc: "Most clients connected at once; the next handshake gets 503 (counted as " +
      "ConnectionLimitRefusedCount)",
  }),
  maxMessageSize: int({
    default: DEFAULT_MAX_MESSAGE,
    defaultText: "1048576 (1 MiB)",
    min: 1,
    max: MAX_MESSAGE_LIMIT,
    doc: "Largest message accepted, in bytes, all its fragments together; a larger one " +
      "closes that client's connection with code 1009 (counted as MessageTooLargeCount)",
  }),
  backlogCapacity: int({
    default: 10000,
    min: 1,
    doc: "Events held while the channels are full; when it is full every client's socket " +
      "stops being read, so TCP holds the clients back (nothing is dropped)",
  }),
  clientAddressHeader: string({
    doc: "Header that gets the client's address as `HOST:PORT`; unset: no header",
  }),
  connectionIdHeader: string({
    doc: "Header that gets the connection's id (a random UUID per connection); unset: no header",
  }),
  ssl: boolean({ default: false, doc: "Serve wss:// with the key and certificate of `keystore`" }),
  keystore: path({
    doc: "Keystore (JKS, PKCS12, JCEKS or PEM) holding the server's private key and " +
      "certificate chain; required with ssl",
  }),
  "keystore-password": secret({ doc: "Keystore password (also the key's)" }),
  "keystore-type": oneOf({
    values: ["JKS", "PKCS12", "JCEKS", "PEM"],
    default: "JKS",
    doc: "JKS or PKCS12 as in Flume (JCEKS and PEM too); the file's real type, from its " +
      "first bytes, wins",
  }),
  requireClientAuth: boolean({
    default: false,
    doc: "Not supported: Deno's TLS server cannot verify client certificates, so `true` is " +
      "a configuration error (put a TLS-terminating proxy in front instead)",
  }),
  truststore: path({
    doc: "Not supported, as requireClientAuth: setting it is a configuration error",
  }),
} as const;

const TLS_NAMES = ["keystore", "keystore-password", "keystore-type"] as const;

/** Cross-property rules: the path, the origins, TLS material, what Deno cannot do. */
export function checkWebSocketServer(
  props: CheckedProperties<typeof WEBSOCKET_SERVER_PROPERTIES>,
  report: Reporter,
): void {
  const requestPath = props.get("path");
  if (requestPath !== undefined && !/^\/[^\s?#]*$/.test(requestPath)) {
    report({
      property: "path",
      message: `Invalid path "${requestPath}": expected an absolute path without a query`,
      hint: "for example path = /events",
    });
  }
  const origins = props.get("allowedOrigins");
  if (origins !== undefined) {
    if (origins.length === 0) {
      report({
        property: "allowedOrigins",
        message: "allowedOrigins is empty: every handshake would be refused",
        hint: "list origins, or * for any (or remove it)",
      });
    }
    for (const entry of origins) {
      const problem = originProblem(entry);
      if (problem) report({ property: "allowedOrigins", message: problem });
    }
  }
  for (const name of ["clientAddressHeader", "connectionIdHeader"] as const) {
    const header = props.get(name);
    if (header !== undefined && header.trim() === "") {
      report({ property: name, message: `${name} is empty`, hint: "name a header, or remove it" });
    }
  }
  const ssl = props.get("ssl");
  if (ssl === false) {
    for (const name of TLS_NAMES.filter((n) => props.has(n))) {
      report({
        severity: "warning",
        property: name,
        message: `${name} does nothing without ssl = true: ignored`,
      });
    }
  } else if (ssl === true && !props.has("keystore")) {
    report({
      property: "ssl",
      message: "ssl = true needs keystore: the server's key and certificate",
      hint: "set keystore = PATH (and keystore-password)",
    });
  }
  if (props.get("requireClientAuth") === true || props.has("truststore")) {
    report({
      property: props.has("truststore") ? "truststore" : "requireClientAuth",
      message: "Client certificates are not supported: Deno's TLS server (Deno.listenTls) " +
        "cannot ask for or verify them",
      hint: "terminate mutual TLS in a proxy in front of the agent, or restrict clients " +
        "with allowedOrigins and bind",
    });
  }
}
