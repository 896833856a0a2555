import {
  boolean,
  type CheckedProperties,
  duration,
  int,
  list,
  oneOf,
  path,
  type PatternDecl,
  PropertyError,
  type RawProperties,
  type Reporter,
  secret,
  string,
  url,
} from "../../api/properties.ts";
import { KeyStoreError } from "../../tls/keystore_error.ts";
import { redactUrl } from "../../util/redact.ts";
import { loadTlsMaterial, type TlsMaterial, type TlsSettings } from "./tls_material.ts";
import { headerProblem } from "./upgrade.ts";
import { checkConnectSettings, CONNECT_PATTERNS } from "./connect_checks.ts";
import { splitEndpoints } from "./endpoints.ts";
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES_LIMIT } from "./frame_socket.ts";
import { checkSessionSettings, SESSION_PROPERTIES } from "./session_spec.ts";
import {
  COOKIE_PROPERTY,
  cookieHeader,
  HEADER_PROPERTY,
  INIT_MESSAGE_PROPERTY,
  missingCookieParts,
} from "./handshake.ts";

/** The WebSocket source's properties: the seed plugin's, then ours. */
export const WEBSOCKET_PROPERTIES = {
  endpoint: url({
    required: true,
    schemes: ["ws", "wss"],
    several: true,
    hint: "use ws://host:port/path or wss://host/path",
    doc: "`ws://` or `wss://` URL (shown without user info and query values); several URLs " +
      "separated by spaces are tried in turn after a failure, back to the first after a " +
      "healthy connection",
  }),
  sslEnabled: boolean({
    default: false,
    doc: "Seed compatibility: `wss://` always uses TLS; `true` with `ws://` is an error",
  }),
  retryDelay: duration({
    unit: "s",
    fractions: true,
    default: 30,
    above: 0,
    doc: "Seconds before a reconnect attempt (decimals allowed)",
  }),
  trustAllCerts: boolean({
    default: false,
    doc: "Accept any server certificate (development only)",
  }),
  keyStoreType: oneOf({
    values: ["JKS", "JCEKS", "PKCS12", "PKCS#12", "P12", "PFX", "PEM"],
    defaultText: "detected",
    doc: "JKS, JCEKS, PKCS12 or PEM; the file's real type (from its first bytes) wins",
  }),
  keyStorePath: path({
    doc: "Keystore with trusted CA certificates, and the client key for mutual TLS",
  }),
  keyStorePass: secret({ doc: "Keystore password" }),
  initMessage: secret({
    doc: "Text sent after every successful open (often credentials: never shown)",
  }),
  cookies: list({
    doc: "Cookie IDs (comma or space separated); each needs `cookie.ID.name` and `.value`",
  }),
  retryMaxDelay: duration({
    unit: "s",
    fractions: true,
    defaultText: "retryDelay",
    doc: "When larger than retryDelay, the wait doubles per failure up to this, ±20 % jitter",
  }),
  initMessages: list({
    doc: "IDs of `initMessage.ID` texts sent in this order after `initMessage`",
  }),
  idleTimeout: duration({
    unit: "s",
    fractions: true,
    default: 0,
    doc: "Seconds without any message before the connection is recycled; 0 = off",
  }),
  maxMessageSize: int({
    default: MAX_MESSAGE_BYTES,
    defaultText: "67108864 (64 MiB)",
    min: 125,
    max: MAX_MESSAGE_BYTES_LIMIT,
    doc: "Largest message accepted, in bytes, all its fragments together; a larger one closes " +
      "the connection with code 1009 (counted, logged) and the source reconnects",
  }),
  keyAlias: string({ doc: "The private-key entry to use when the keystore has several" }),
  keyPass: secret({ defaultText: "keyStorePass", doc: "Password of the private key" }),
  pingMessage: string({ doc: "Heartbeat text sent every pingInterval" }),
  pingInterval: duration({
    unit: "s",
    fractions: true,
    above: 0,
    doc: "Seconds between heartbeat texts",
  }),
  connectTimeout: duration({
    unit: "s",
    fractions: true,
    default: 10,
    above: 0,
    doc: "Seconds one connection attempt may take",
  }),
  proxy: secret({
    defaultText: "HTTPS_PROXY / HTTP_PROXY",
    doc: "HTTP proxy `http://[user:password@]host:port` tunnelled through with CONNECT; " +
      "`none` turns off the environment's `HTTPS_PROXY` (wss) / `HTTP_PROXY` (ws) / `NO_PROXY`",
  }),
  commandTimeout: duration({
    unit: "s",
    fractions: true,
    default: 10,
    above: 0,
    doc: "Seconds a credential command (`….command`) may run before it is killed",
  }),
  backlogCapacity: int({
    default: 10000,
    min: 1,
    doc: "Events held while the channels are full, before whenFull applies",
  }),
  whenFull: oneOf({
    values: ["block", "drop"],
    default: "block",
    doc: "When the channels and the backlog are full: `block` stops reading the socket, so " +
      "TCP holds the server back (nothing is dropped); `drop` keeps reading and drops the " +
      "newest events, counted and logged (`trustAllCerts` connections may still drop a few " +
      "frames already read when they pause)",
  }),
  ...SESSION_PROPERTIES,
} as const;

/** The WebSocket source's patterned properties. */
export const WEBSOCKET_PATTERNS: readonly PatternDecl[] = [
  {
    pattern: /^cookie\.[^.]+\.name$/,
    display: "cookie.ID.name",
    kind: "string",
    doc: "Name of cookie ID (sent only when ID is listed in `cookies`)",
  },
  {
    pattern: /^cookie\.[^.]+\.value$/,
    display: "cookie.ID.value",
    kind: "secret",
    doc: "Value of cookie ID, sent as written (quotes included)",
  },
  {
    pattern: HEADER_PROPERTY,
    display: "header.NAME",
    kind: "secret",
    doc: "Extra handshake header NAME (Authorization, …)",
  },
  {
    pattern: INIT_MESSAGE_PROPERTY,
    display: "initMessage.ID",
    kind: "secret",
    doc: "A text listed in `initMessages`",
  },
  ...CONNECT_PATTERNS,
];

/** What the WebSocket source's checks read. */
type WebSocketProps = CheckedProperties<typeof WEBSOCKET_PROPERTIES>;

/** Cross-property rules of the WebSocket source. */
export function checkWebSocketSettings(settings: WebSocketProps, report: Reporter): void {
  const endpoint = settings.get("endpoint");
  const protocols = new Set(splitEndpoints(endpoint ?? "").map((u) => new URL(u).protocol));
  const protocol = endpoint === undefined ? undefined : protocols.has("wss:") ? "wss:" : "ws:";
  const ssl = settings.get("sslEnabled");
  if (settings.has("sslEnabled") && ssl !== undefined) {
    if (ssl && protocols.has("ws:")) {
      report({
        property: "sslEnabled",
        message: "sslEnabled=true with a ws:// endpoint",
        hint: "use a wss:// endpoint for TLS",
      });
    } else if (!ssl && protocols.has("wss:")) {
      report({
        property: "sslEnabled",
        message: "sslEnabled=false with a wss:// endpoint",
        hint: "wss:// always uses TLS: remove sslEnabled or use ws://",
      });
    }
  }
  const retryDelay = settings.get("retryDelay");
  const retryMaxDelay = settings.get("retryMaxDelay");
  if (retryDelay !== undefined && retryMaxDelay !== undefined && retryMaxDelay < retryDelay) {
    report({
      property: "retryMaxDelay",
      message: `retryMaxDelay ${retryMaxDelay / 1000} is smaller than retryDelay ${
        retryDelay / 1000
      }`,
    });
  }
  const hasPing = settings.has("pingMessage");
  const hasInterval = settings.has("pingInterval");
  if (hasPing !== hasInterval) {
    report({
      property: hasPing ? "pingMessage" : "pingInterval",
      message: "pingMessage and pingInterval go together",
      hint: hasPing ? "add pingInterval = SECONDS" : "add pingMessage = TEXT",
    });
  }
  const cookieIds = settings.get("cookies") ?? [];
  for (const { id, part } of missingCookieParts(cookieIds, settings)) {
    report({
      property: "cookies",
      message: `Cookie "${id}" is listed in cookies but has no cookie.${id}.${part}`,
    });
  }
  const unlisted = new Set<string>();
  for (const [key] of settings.matching(COOKIE_PROPERTY)) {
    const id = COOKIE_PROPERTY.exec(key)?.[1] ?? "";
    if (!cookieIds.includes(id) && !unlisted.has(id)) {
      unlisted.add(id);
      report({
        severity: "warning",
        property: key,
        message: `Cookie "${id}" is not listed in cookies: not sent`,
        hint: `add ${id} to cookies`,
      });
    }
  }
  const messageIds = settings.get("initMessages") ?? [];
  for (const id of messageIds) {
    if (!settings.has(`initMessage.${id}`) && !settings.has(`initMessage.${id}.command`)) {
      report({
        property: "initMessages",
        message: `initMessages lists "${id}" but initMessage.${id} is not set`,
      });
    }
  }
  for (const [key] of settings.matching(INIT_MESSAGE_PROPERTY)) {
    const id = key.slice("initMessage.".length);
    if (!messageIds.includes(id)) {
      report({
        severity: "warning",
        property: key,
        message: `initMessage.${id} is not listed in initMessages: not sent`,
        hint: `add ${id} to initMessages`,
      });
    }
  }
  checkHandshakeHeaders(settings, report);
  checkSessionSettings(settings, report);
  checkConnectSettings(
    {
      endpoint,
      proxy: settings.get("proxy"),
      trustAllCerts: settings.get("trustAllCerts"),
      initMessages: settings.get("initMessages"),
    },
    settings,
    report,
  );
  if (endpoint !== undefined && endpoint.includes("#")) {
    report({
      property: "endpoint",
      message: `Invalid endpoint "${redactUrl(endpoint)}": a WebSocket URL has no fragment (#…)`,
      hint: "remove the # and what follows it (RFC 6455 section 3)",
    });
  }
  checkTls(settings, report, protocol);
}

/** Headers and cookies that the handshake could not send: every connect would fail. */
function checkHandshakeHeaders(settings: WebSocketProps, report: Reporter): void {
  for (const [key, raw] of settings.matching(HEADER_PROPERTY)) {
    const problem = headerProblem(key.slice("header.".length), raw.value);
    if (problem !== undefined) {
      report({
        property: key,
        message: problem,
        hint: "a header name is letters, digits and !#$%&'*+-.^_`|~; a value is one line",
      });
    }
  }
  const cookie = cookieHeader(settings.get("cookies") ?? [], settings);
  if (cookie !== undefined && headerProblem("Cookie", cookie) !== undefined) {
    report({
      property: "cookies",
      message: "A cookie name or value holds a CR, LF, NUL or non-latin1 character: " +
        "the Cookie header cannot be sent",
      hint: "cookie names and values are one line of printable text",
    });
  }
}

/** TLS options on a ws:// endpoint do nothing; trustAllCerts is a warning. */
function checkTls(settings: WebSocketProps, report: Reporter, protocol: string | undefined): void {
  const trustAll = settings.get("trustAllCerts");
  if (trustAll === undefined || !settings.isValid("keyStoreType")) return;
  const tlsOptions =
    (["keyStorePath", "keyStorePass", "keyStoreType", "keyAlias", "keyPass"] as const)
      .filter((name) => settings.has(name));
  if (protocol === "ws:") {
    for (const name of [...tlsOptions, "trustAllCerts"].filter((n) => settings.has(n))) {
      report({
        severity: "warning",
        property: name,
        message: `${name} does nothing for a ws:// endpoint: ignored`,
        hint: "TLS options apply to wss:// endpoints",
      });
    }
    return;
  }
  if (trustAll) {
    report({
      severity: "warning",
      property: "trustAllCerts",
      message: "trustAllCerts = true: server certificates are not verified (development only)",
      hint: "trust the server's CA with keyStorePath instead",
    });
  }
  if (!settings.has("keyStorePath")) {
    for (const name of tlsOptions) {
      report({
        severity: "warning",
        property: name,
        message: `${name} without keyStorePath: ignored`,
      });
    }
  }
}

/**
 * Reads the keystore once, during validation: its CA certificates and
 * client key go to the source (and to `check --connect`). An unreadable
 * keystore is an error on `keyStorePath`.
 */
export function prepareTls(
  config: TlsSettings & { readonly endpoint: string },
  props: RawProperties,
): TlsMaterial {
  if (!splitEndpoints(config.endpoint).some((url) => url.startsWith("wss:"))) {
    return { caCertsPem: [], trustAll: false };
  }
  // A password that did not resolve (an unset ${env:…}) is reported on its own line.
  if (props.has("keyStorePass") && config.keyStorePass === undefined) {
    return { caCertsPem: [], trustAll: config.trustAllCerts };
  }
  try {
    return loadTlsMaterial(config);
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    const wrongPassword = /wrong password/.test(err.message);
    if (wrongPassword && config.keyStorePass === undefined) {
      throw new PropertyError(
        "keyStorePath",
        `${err.message.replace(/: wrong password or corrupt keystore$/, "")}: it needs ` +
          `keyStorePass, which is not set`,
        { cause: err, hint: "set keyStorePass (a PEM file needs none)" },
      );
    }
    throw new PropertyError("keyStorePath", err.message, {
      cause: err,
      hint: wrongPassword
        ? "check keyStorePass (and keyPass for the private key)"
        : /alias/i.test(err.message)
        ? "set keyAlias to one of the aliases"
        : undefined,
    });
  }
}
