import type { ComponentSpec, Reporter } from "../../config/component_spec.ts";
import type { Settings } from "../../config/settings.ts";
import { KeyStoreError } from "../../tls/keystore_error.ts";
import { loadTlsMaterial } from "./tls_material.ts";
import {
  COOKIE_PROPERTY,
  HEADER_PROPERTY,
  INIT_MESSAGE_PROPERTY,
  missingCookieParts,
  redactUrl,
} from "./handshake.ts";

/** The WebSocket source's configuration: the seed plugin's properties, then ours. */
export const WEBSOCKET_SOURCE_SPEC: ComponentSpec = {
  category: "source",
  type: "websocket",
  aliases: ["com.deniscoady.flume.websocket.WebSocketSource"],
  summary: "A WebSocket client (`ws://`, `wss://`) that reconnects forever; each frame is an event",
  properties: [
    {
      name: "endpoint",
      kind: "string",
      required: true,
      redact: redactUrl,
      doc: "`ws://` or `wss://` URL (shown without user info and query values)",
    },
    {
      name: "sslEnabled",
      kind: "boolean",
      default: false,
      doc: "Seed compatibility: `wss://` always uses TLS; `true` with `ws://` is an error",
    },
    {
      name: "retryDelay",
      kind: "number",
      default: 30,
      doc: "Seconds before a reconnect attempt (decimals allowed)",
    },
    {
      name: "trustAllCerts",
      kind: "boolean",
      default: false,
      doc: "Accept any server certificate (development only)",
    },
    {
      name: "keyStoreType",
      kind: "string",
      defaultText: "detected",
      oneOf: ["JKS", "JCEKS", "PKCS12", "PKCS#12", "P12", "PFX", "PEM"],
      doc: "JKS, JCEKS, PKCS12 or PEM; the file's real type (from its first bytes) wins",
    },
    {
      name: "keyStorePath",
      kind: "string",
      doc: "Keystore with trusted CA certificates, and the client key for mutual TLS",
    },
    { name: "keyStorePass", kind: "string", secret: true, doc: "Keystore password" },
    {
      name: "initMessage",
      kind: "string",
      secret: true,
      doc: "Text sent after every successful open (often credentials: never shown)",
    },
    {
      name: "cookies",
      kind: "list",
      doc: "Cookie IDs (comma or space separated); each needs `cookie.ID.name` and `.value`",
    },
    {
      name: "retryMaxDelay",
      kind: "number",
      defaultText: "retryDelay",
      doc: "When larger than retryDelay, the wait doubles per failure up to this, ±20 % jitter",
    },
    {
      name: "initMessages",
      kind: "list",
      doc: "IDs of `initMessage.ID` texts sent in this order after `initMessage`",
    },
    {
      name: "idleTimeout",
      kind: "number",
      default: 0,
      min: 0,
      doc: "Seconds without any message before the connection is recycled; 0 = off",
    },
    {
      name: "keyAlias",
      kind: "string",
      doc: "The private-key entry to use when the keystore has several",
    },
    {
      name: "keyPass",
      kind: "string",
      secret: true,
      defaultText: "keyStorePass",
      doc: "Password of the private key",
    },
    { name: "pingMessage", kind: "string", doc: "Heartbeat text sent every pingInterval" },
    { name: "pingInterval", kind: "number", doc: "Seconds between heartbeat texts" },
    {
      name: "connectTimeout",
      kind: "number",
      default: 10,
      doc: "Seconds one connection attempt may take",
    },
    {
      name: "backlogCapacity",
      kind: "int",
      default: 10000,
      min: 1,
      doc: "Events held while the channel is full; beyond it the newest are dropped and counted",
    },
  ],
  patterns: [
    {
      pattern: /^cookie\.[^.]+\.name$/,
      display: "cookie.ID.name",
      kind: "string",
      doc: "Name of cookie ID (sent only when ID is listed in `cookies`)",
    },
    {
      pattern: /^cookie\.[^.]+\.value$/,
      display: "cookie.ID.value",
      kind: "string",
      secret: true,
      doc: "Value of cookie ID, sent as written (quotes included)",
    },
    {
      pattern: HEADER_PROPERTY,
      display: "header.NAME",
      kind: "string",
      secret: true,
      doc: "Extra handshake header NAME (Authorization, …)",
    },
    {
      pattern: INIT_MESSAGE_PROPERTY,
      display: "initMessage.ID",
      kind: "string",
      secret: true,
      doc: "A text listed in `initMessages`",
    },
  ],
  check: checkWebSocketSettings,
};

/** Cross-property rules of the WebSocket source. */
function checkWebSocketSettings(settings: Settings, report: Reporter): void {
  const endpoint = settings.string("endpoint") ?? "";
  let protocol: string | undefined;
  try {
    protocol = new URL(endpoint.trim()).protocol;
  } catch {
    if (settings.has("endpoint")) {
      report({
        property: "endpoint",
        message: `Invalid endpoint "${endpoint}": not a URL`,
        hint: "use ws://host:port/path or wss://host/path",
      });
    }
  }
  if (protocol !== undefined && protocol !== "ws:" && protocol !== "wss:") {
    report({
      property: "endpoint",
      message: `Invalid endpoint "${redactUrl(endpoint)}": expected a ws:// or wss:// URL`,
    });
  }
  if (settings.has("sslEnabled") && settings.isValid("sslEnabled")) {
    const ssl = settings.boolean("sslEnabled");
    if (ssl && protocol === "ws:") {
      report({
        property: "sslEnabled",
        message: "sslEnabled=true with a ws:// endpoint",
        hint: "use a wss:// endpoint for TLS",
      });
    } else if (!ssl && protocol === "wss:") {
      report({
        property: "sslEnabled",
        message: "sslEnabled=false with a wss:// endpoint",
        hint: "wss:// always uses TLS: remove sslEnabled or use ws://",
      });
    }
  }
  for (const name of ["retryDelay", "connectTimeout"]) {
    if (settings.isValid(name) && settings.number(name) <= 0) {
      report({
        property: name,
        message: `Invalid ${name} "${settings.raw.get(name)?.value}": must be greater than 0`,
      });
    }
  }
  if (
    settings.has("retryMaxDelay") &&
    settings.number("retryMaxDelay") < settings.number("retryDelay")
  ) {
    report({
      property: "retryMaxDelay",
      message: `retryMaxDelay ${settings.number("retryMaxDelay")} is smaller than retryDelay ${
        settings.number("retryDelay")
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
  } else if (
    hasInterval && settings.isValid("pingInterval") && settings.number("pingInterval") <= 0
  ) {
    report({ property: "pingInterval", message: "Invalid pingInterval: must be greater than 0" });
  }
  for (const { id, part } of missingCookieParts(settings)) {
    report({
      property: "cookies",
      message: `Cookie "${id}" is listed in cookies but has no cookie.${id}.${part}`,
    });
  }
  const cookieIds = settings.list("cookies");
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
  const messageIds = settings.list("initMessages");
  for (const id of messageIds) {
    if (!settings.raw.has(`initMessage.${id}`)) {
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
  checkTls(settings, report, protocol);
}

/** The keystore must open; TLS options on a ws:// endpoint do nothing. */
function checkTls(settings: Settings, report: Reporter, protocol: string | undefined): void {
  if (!settings.isValid("trustAllCerts") || !settings.isValid("keyStoreType")) return;
  const tlsOptions = ["keyStorePath", "keyStorePass", "keyStoreType", "keyAlias", "keyPass"]
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
  if (settings.boolean("trustAllCerts")) {
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
    return;
  }
  try {
    loadTlsMaterial(settings);
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    const wrongPassword = /wrong password/.test(err.message);
    report({
      property: "keyStorePath",
      message: err.message,
      hint: wrongPassword
        ? "check keyStorePass (and keyPass for the private key)"
        : /alias/i.test(err.message)
        ? "set keyAlias to one of the aliases"
        : undefined,
    });
  }
}
