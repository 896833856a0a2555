import {
  boolean,
  type CheckedProperties,
  duration,
  int,
  list,
  oneOf,
  path,
  type Reporter,
  secret,
  string,
} from "../../api/properties.ts";
import { alwaysOffered } from "../../tls/deno_tls_protocols.ts";

/** Flume's default of connect-timeout and request-timeout, used below its 1 s minimum too. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** The avro sink's properties, as Flume's AvroSink (AbstractRpcSink) reads them. */
export const AVRO_SINK_PROPERTIES = {
  hostname: string({
    required: true,
    doc: "Host name or IP address of the next hop's avro source",
  }),
  port: int({ required: true, min: 1, max: 65535, doc: "Port of the next hop's avro source" }),
  "batch-size": int({
    default: 100,
    min: 1,
    doc: "Most events per appendBatch call, and per channel transaction",
  }),
  "connect-timeout": duration({
    unit: "ms",
    default: DEFAULT_TIMEOUT_MS,
    doc: "Milliseconds to connect and for the first (handshake) request; below 1000 the " +
      "default is used, as in Flume (a warning)",
  }),
  "request-timeout": duration({
    unit: "ms",
    default: DEFAULT_TIMEOUT_MS,
    doc: "Milliseconds to wait for the answer of every later request; below 1000 the default " +
      "is used, as in Flume (a warning)",
  }),
  "reset-connection-interval": duration({
    unit: "s",
    defaultText: "none",
    doc: "Seconds after which the connection is closed and made again before the next batch " +
      "(to reach new hosts behind a load balancer); unset or 0: never",
  }),
  "compression-type": oneOf({
    values: ["none", "deflate"],
    default: "none",
    doc: "`deflate`: zlib-compress the whole connection, as Flume's Netty ZlibEncoder does; " +
      "must match the avro source's compression-type",
  }),
  "compression-level": int({
    default: 6,
    min: 0,
    max: 9,
    doc: "zlib level with deflate: 0 no compression, 1 fastest to 9 smallest",
  }),
  ssl: boolean({ default: false, doc: "Connect with TLS" }),
  "trust-all-certs": boolean({
    default: false,
    doc: "Accept any server certificate, unchecked (development only: a warning at start)",
  }),
  truststore: path({
    doc: "Truststore (JKS, PKCS12, JCEKS or PEM) of the CAs to trust; unset: Deno's default " +
      "roots (Java's global -Djavax.net.ssl.trustStore is not read)",
  }),
  "truststore-password": secret({ doc: "Truststore password" }),
  "truststore-type": oneOf({
    values: ["JKS", "PKCS12", "JCEKS", "PEM"],
    default: "JKS",
    doc: "JKS as in Flume (PKCS12, JCEKS and PEM too); the file's real type, from its first " +
      "bytes, wins",
  }),
  "exclude-protocols": list({
    default: ["SSLv3"],
    doc: "Protocols to exclude; Deno offers only TLSv1.2 and TLSv1.3, and cannot exclude " +
      "those (a warning)",
  }),
  maxIoWorkers: int({
    min: 1,
    defaultText: "2 × the number of processors",
    doc: "Flume's Netty I/O threads: accepted, not needed (one connection on Deno's event loop)",
  }),
} as const;

/** Cross-property rules: TLS names without ssl, Flume's timeout minimum, what Deno cannot honour. */
export function checkAvroSink(
  props: CheckedProperties<typeof AVRO_SINK_PROPERTIES>,
  report: Reporter,
): void {
  if (props.get("ssl") === false) {
    for (
      const name of [
        "trust-all-certs",
        "truststore",
        "truststore-password",
        "truststore-type",
        "exclude-protocols",
      ] as const
    ) {
      if (props.has(name)) {
        report({
          severity: "warning",
          property: name,
          message: `${name} does nothing without ssl = true: ignored`,
        });
      }
    }
  }
  if (
    props.get("ssl") === true && props.get("trust-all-certs") === true && props.has("truststore")
  ) {
    report({
      severity: "warning",
      property: "truststore",
      message: "truststore is not read with trust-all-certs = true: every certificate is accepted",
    });
  }
  const excluded = alwaysOffered(props.get("exclude-protocols") ?? []);
  if (props.get("ssl") === true && excluded.length > 0) {
    report({
      severity: "warning",
      property: "exclude-protocols",
      message: `exclude-protocols cannot exclude ${excluded.join(", ")}: Deno always offers ` +
        `TLSv1.2 and TLSv1.3: ignored`,
    });
  }
  for (const name of ["connect-timeout", "request-timeout"] as const) {
    const value = props.get(name);
    if (value !== undefined && value < 1000) {
      report({
        severity: "warning",
        property: name,
        message: `${name} ${value} ms is below Flume's 1000 ms minimum: ` +
          `${DEFAULT_TIMEOUT_MS} ms is used`,
      });
    }
  }
  if (props.get("compression-type") === "none" && props.has("compression-level")) {
    report({
      severity: "warning",
      property: "compression-level",
      message: "compression-level does nothing without compression-type = deflate: ignored",
    });
  }
  if (props.has("maxIoWorkers")) {
    report({
      severity: "warning",
      property: "maxIoWorkers",
      message: "maxIoWorkers is not needed: the sink's one connection runs on Deno's event " +
        "loop: ignored",
    });
  }
}

/** Flume's rule: a timeout below 1 s falls back to the default. */
export function effectiveTimeout(ms: number): number {
  return ms < 1000 ? DEFAULT_TIMEOUT_MS : ms;
}
