import {
  boolean,
  type CheckedProperties,
  int,
  list,
  oneOf,
  path,
  type PatternDecl,
  type Reporter,
  secret,
  string,
} from "../../api/properties.ts";
import { alwaysOffered, leftOut } from "../../tls/deno_tls_protocols.ts";

/** Flume's JSONHandler class, the default handler. */
export const JSON_HANDLER = "org.apache.flume.source.http.JSONHandler";
/** Flume's BlobHandler class (it lives in Flume's morphline Solr sink module). */
export const BLOB_HANDLER = "org.apache.flume.sink.solr.morphline.BlobHandler";

/** The HTTP source's properties: Flume's, then its deprecated names. */
export const HTTP_PROPERTIES = {
  port: int({ required: true, min: 0, max: 65535, doc: "Port to listen on; 0 picks a free one" }),
  bind: string({
    default: "0.0.0.0",
    doc: "Host name or IP address to listen on; the default, as in Flume, is every IPv4 " +
      "interface: set 127.0.0.1 to accept local clients only",
  }),
  handler: oneOf({
    values: [JSON_HANDLER, BLOB_HANDLER, "json", "blob"],
    default: JSON_HANDLER,
    doc: "How a request becomes events: Flume's JSONHandler (or `json`) or BlobHandler " +
      "(or `blob`)",
  }),
  "handler.maxBlobLength": int({
    default: 100000000,
    min: 1,
    doc: "BlobHandler: most bytes of a request body kept; a longer body is truncated (warned)",
  }),
  ssl: boolean({ default: false, doc: "Serve HTTPS with the key and certificate of `keystore`" }),
  keystore: path({
    doc: "Keystore (JKS, PKCS12, JCEKS or PEM) holding the server's private key and " +
      "certificate chain; required with ssl (Java's global -Djavax.net.ssl.keyStore is not read)",
  }),
  "keystore-password": secret({ doc: "Keystore password (also the key's)" }),
  "keystore-type": oneOf({
    values: ["JKS", "PKCS12", "JCEKS", "PEM"],
    default: "JKS",
    doc: "JKS or PKCS12 as in Flume (JCEKS and PEM too); the file's real type, from its " +
      "first bytes, wins",
  }),
  "exclude-protocols": list({
    default: ["SSLv3"],
    doc: "Protocols to exclude; SSLv3, TLSv1 and TLSv1.1 are never offered (Deno serves " +
      "TLSv1.2 and TLSv1.3 only), excluding TLSv1.2 or TLSv1.3 cannot be honoured (a warning)",
  }),
  "include-protocols": list({
    doc: "Protocols to include; Deno always offers TLSv1.2 and TLSv1.3, so a list without " +
      "both cannot be honoured (a warning)",
  }),
  "exclude-cipher-suites": list({
    doc: "Accepted for compatibility, not honoured (a warning): Deno's TLS (rustls) offers " +
      "only its own modern suites",
  }),
  "include-cipher-suites": list({
    doc: "Accepted for compatibility, not honoured (a warning), as exclude-cipher-suites",
  }),
  keystorePassword: secret({ doc: "Deprecated name of keystore-password, which wins" }),
  keystoreType: oneOf({
    values: ["JKS", "PKCS12", "JCEKS", "PEM"],
    doc: "Another name of keystore-type, which wins",
  }),
  excludeProtocols: list({ doc: "Deprecated name of exclude-protocols, which wins" }),
  enableSSL: boolean({ doc: "Deprecated name of ssl, which wins" }),
} as const;

/** Jetty's settings of Flume's HTTP source: accepted, not applied. */
const JETTY_PREFIXES = [
  "QueuedThreadPool",
  "HttpConfiguration",
  "SslContextFactory",
  "ServerConnector",
];

/** The HTTP source's patterned properties. */
export const HTTP_PATTERNS: readonly PatternDecl[] = [
  {
    pattern: /^handler\.[^.]+$/,
    display: "handler.NAME",
    kind: "string",
    doc: "A parameter of the handler; the built-in handlers read only handler.maxBlobLength " +
      "(others are warned about and ignored)",
  },
  ...JETTY_PREFIXES.map((prefix) => ({
    pattern: new RegExp(`^${prefix}\\.[^.]+$`),
    display: `${prefix}.NAME`,
    kind: "string" as const,
    doc: `Jetty's ${prefix} setting: accepted for compatibility, ignored (a warning)`,
  })),
];

/** What the HTTP source's checks read. */
type HttpProps = CheckedProperties<typeof HTTP_PROPERTIES>;

/** The TLS settings, deprecated names resolved (the new names win, as in Flume). */
export interface HttpTlsSettings {
  readonly ssl: boolean;
  readonly keystore?: string;
  readonly password?: string;
  readonly type?: string;
}

/** Resolves the new and deprecated names of the TLS settings. */
export function tlsSettings(config: {
  readonly ssl: boolean;
  readonly enableSSL?: boolean;
  readonly keystore?: string;
  readonly "keystore-password"?: string;
  readonly keystorePassword?: string;
  readonly "keystore-type": string;
  readonly keystoreType?: string;
}, has: (name: string) => boolean): HttpTlsSettings {
  return {
    ssl: has("ssl") ? config.ssl : config.enableSSL ?? config.ssl,
    keystore: config.keystore?.trim() || undefined,
    password: config["keystore-password"] ?? config.keystorePassword,
    type: has("keystore-type") ? config["keystore-type"] : config.keystoreType ?? "JKS",
  };
}

/** Cross-property rules: TLS material, what Deno cannot honour, handler parameters. */
export function checkHttpSettings(settings: HttpProps, report: Reporter): void {
  const has = (name: string): boolean => settings.has(name);
  const ssl = has("ssl") ? settings.get("ssl") : settings.get("enableSSL") ?? false;
  const tlsNames = [
    "keystore",
    "keystore-password",
    "keystorePassword",
    "keystore-type",
    "keystoreType",
    "exclude-protocols",
    "excludeProtocols",
    "include-protocols",
    "exclude-cipher-suites",
    "include-cipher-suites",
  ] as const;
  if (ssl === false) {
    for (const name of tlsNames.filter(has)) {
      report({
        severity: "warning",
        property: name,
        message: `${name} does nothing without ssl = true: ignored`,
      });
    }
  } else if (ssl === true) {
    if (!has("keystore")) {
      report({
        property: "ssl",
        message: "ssl = true needs keystore: the server's key and certificate",
        hint: "set keystore = PATH (and keystore-password)",
      });
    }
    checkProtocols(settings, report);
    for (const name of ["exclude-cipher-suites", "include-cipher-suites"] as const) {
      if (has(name)) {
        report({
          severity: "warning",
          property: name,
          message: `${name} cannot be honoured: Deno's TLS offers its own modern cipher ` +
            `suites: ignored`,
        });
      }
    }
  }
  for (
    const [name, deprecated] of [
      ["ssl", "enableSSL"],
      ["keystore-password", "keystorePassword"],
      ["exclude-protocols", "excludeProtocols"],
      ["keystore-type", "keystoreType"],
    ] as const
  ) {
    if (has(deprecated)) {
      report({
        severity: "warning",
        property: deprecated,
        message: has(name)
          ? `${deprecated} is overridden by ${name}`
          : `${deprecated} is deprecated: use ${name}`,
      });
    }
  }
  checkHandlerParameters(settings, report);
  for (const prefix of JETTY_PREFIXES) {
    for (const [key] of settings.matching(new RegExp(`^${prefix}\\.`))) {
      report({
        severity: "warning",
        property: key,
        message: `${key} is a Jetty setting: flume-ws does not run Jetty: ignored`,
      });
    }
  }
}

function checkProtocols(settings: HttpProps, report: Reporter): void {
  const excludeName = settings.has("exclude-protocols") ? "exclude-protocols" : "excludeProtocols";
  const excluded = settings.get(excludeName) ?? [];
  const cannot = alwaysOffered(excluded);
  if (cannot.length > 0) {
    report({
      severity: "warning",
      property: excludeName,
      message: `${excludeName} cannot exclude ${cannot.join(", ")}: Deno always offers ` +
        `TLSv1.2 and TLSv1.3: ignored`,
    });
  }
  const missing = leftOut(settings.get("include-protocols") ?? []);
  if (missing.length > 0) {
    report({
      severity: "warning",
      property: "include-protocols",
      message: `include-protocols leaves out ${missing.join(", ")}, which Deno always ` +
        `offers: not honoured (Deno serves TLSv1.2 and TLSv1.3 only)`,
    });
  }
}

function checkHandlerParameters(settings: HttpProps, report: Reporter): void {
  const blob = isBlob(settings.get("handler") ?? JSON_HANDLER);
  for (const [key] of settings.matching(/^handler\./)) {
    if (key === "handler.maxBlobLength" && blob) continue;
    report({
      severity: "warning",
      property: key,
      message: `${key} is not read by the ${blob ? "BlobHandler" : "JSONHandler"}: ignored`,
    });
  }
}

/** True when `handler` names the BlobHandler. */
export function isBlob(handler: string): boolean {
  return handler === BLOB_HANDLER || handler === "blob";
}
