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
import { parseIpFilterRules } from "./ip_filter.ts";
import { alwaysOffered, leftOut } from "../../tls/deno_tls_protocols.ts";

/** The avro source's properties, as Flume's AvroSource reads them. */
export const AVRO_SOURCE_PROPERTIES = {
  bind: string({ required: true, doc: "Host name or IP address to listen on" }),
  port: int({
    required: true,
    min: 0,
    max: 65535,
    doc: "Port to listen on; 0 picks a free one (logged as `Listening on HOST:PORT`)",
  }),
  threads: int({
    min: 1,
    doc: "Flume's most worker threads: accepted, not needed (every connection is served " +
      "concurrently on Deno's event loop)",
  }),
  "compression-type": oneOf({
    values: ["none", "deflate"],
    default: "none",
    doc: "`deflate`: the whole connection is zlib-compressed, as Flume's Netty ZlibEncoder " +
      "does; must match the sending avro sink's compression-type",
  }),
  ssl: boolean({
    default: false,
    doc: "Serve TLS with the key and certificate of `keystore`",
  }),
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
    doc: "Protocols to include; Deno always offers TLSv1.2 and TLSv1.3 (a list without both " +
      "is warned about)",
  }),
  "exclude-cipher-suites": list({
    doc: "Accepted for compatibility, not honoured (a warning): Deno's TLS (rustls) offers " +
      "only its own modern suites",
  }),
  "include-cipher-suites": list({
    doc: "Accepted for compatibility, not honoured (a warning), as exclude-cipher-suites",
  }),
  ipFilter: boolean({
    default: false,
    doc: "Accept or refuse each client by `ipFilterRules`",
  }),
  ipFilterRules: string({
    doc: "Comma-separated `allow|deny:ip|name:PATTERN` rules (`*` and `?` wildcards); the " +
      "first that matches a client decides, a client none matches is accepted. " +
      "`name:localhost` matches loopback and this machine's addresses; other names are " +
      "matched against the client's reverse-DNS name",
  }),
} as const;

const TLS_NAMES = [
  "keystore",
  "keystore-password",
  "keystore-type",
  "exclude-protocols",
  "include-protocols",
  "exclude-cipher-suites",
  "include-cipher-suites",
] as const;

/** Cross-property rules: TLS material, what Deno cannot honour, the ipFilter rules. */
export function checkAvroSource(
  props: CheckedProperties<typeof AVRO_SOURCE_PROPERTIES>,
  report: Reporter,
): void {
  const ssl = props.get("ssl");
  if (ssl === false) {
    for (const name of TLS_NAMES.filter((n) => props.has(n))) {
      report({
        severity: "warning",
        property: name,
        message: `${name} does nothing without ssl = true: ignored`,
      });
    }
  } else if (ssl === true) {
    if (!props.has("keystore")) {
      report({
        property: "ssl",
        message: "ssl = true needs keystore: the server's key and certificate",
        hint: "set keystore = PATH (and keystore-password)",
      });
    }
    checkProtocols(props, report);
  }
  if (props.has("threads")) {
    report({
      severity: "warning",
      property: "threads",
      message: "threads is not needed: connections are served on Deno's event loop: ignored",
    });
  }
  checkIpFilter(props, report);
}

function checkProtocols(
  props: CheckedProperties<typeof AVRO_SOURCE_PROPERTIES>,
  report: Reporter,
): void {
  const cannot = alwaysOffered(props.get("exclude-protocols") ?? []);
  if (cannot.length > 0) {
    report({
      severity: "warning",
      property: "exclude-protocols",
      message: `exclude-protocols cannot exclude ${cannot.join(", ")}: Deno always offers ` +
        `TLSv1.2 and TLSv1.3: ignored`,
    });
  }
  const missing = leftOut(props.get("include-protocols") ?? []);
  if (missing.length > 0) {
    report({
      severity: "warning",
      property: "include-protocols",
      message: `include-protocols leaves out ${missing.join(", ")}, which Deno always ` +
        `offers: not honoured`,
    });
  }
  for (const name of ["exclude-cipher-suites", "include-cipher-suites"] as const) {
    if (props.has(name)) {
      report({
        severity: "warning",
        property: name,
        message: `${name} cannot be honoured: Deno's TLS offers its own modern cipher ` +
          `suites: ignored`,
      });
    }
  }
}

function checkIpFilter(
  props: CheckedProperties<typeof AVRO_SOURCE_PROPERTIES>,
  report: Reporter,
): void {
  const rules = props.get("ipFilterRules");
  if (props.get("ipFilter") === true) {
    if (rules === undefined || rules.trim() === "") {
      report({
        property: "ipFilter",
        message: "ipFilter = true needs ipFilterRules",
        hint: "for example ipFilterRules = allow:ip:127.*,deny:ip:*",
      });
      return;
    }
    try {
      parseIpFilterRules(rules);
    } catch (err) {
      report({
        property: "ipFilterRules",
        message: (err as Error).message,
        hint: "rules look like allow:ip:127.*,allow:name:localhost,deny:ip:*",
      });
    }
  } else if (props.get("ipFilter") === false && rules !== undefined) {
    report({
      severity: "warning",
      property: "ipFilterRules",
      message: "ipFilterRules does nothing without ipFilter = true: ignored",
    });
  }
}
