/**
 * The `kafka.producer.*` properties the client honours, mapped to its
 * options; any other producer property is a configuration error rather
 * than a setting silently dropped.
 *
 * @module
 */
import type { RawProperties, Reporter } from "../../api/properties.ts";
import { PropertyError } from "../../api/properties.ts";
import { clientKey, KeyStoreError, parseKeyStore } from "../../tls/keystore.ts";

/** The prefix of producer properties. */
export const PRODUCER_PREFIX = "kafka.producer.";

/** Compression codecs; all run in-process (pure JS and WebAssembly), none needs a native module. */
export const COMPRESSION_TYPES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

/** A compression codec. */
export type CompressionType = typeof COMPRESSION_TYPES[number];

/**
 * The most record bytes one produce request carries unless batch.size or
 * max.request.size ask for less: below Kafka's max.request.size (1048576)
 * and a broker's default message.max.bytes (1048588), with room for the
 * batch's own header.
 */
export const DEFAULT_REQUEST_BYTES = 1_000_000;

/** SASL mechanisms the client speaks. */
const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

/** A SASL mechanism the client speaks. */
export type SaslMechanism = typeof SASL_MECHANISMS[number];

/** The Kafka security protocols. */
const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;

/** What the producer properties ask of the client, before files are read. */
export interface ProducerOptions {
  compression: CompressionType;
  idempotent: boolean;
  clientId: string;
  /** Most bytes of records per produce request (batch.size); undefined: maxRequestBytes. */
  batchBytes?: number;
  /** Most bytes of records per produce request (max.request.size). @default 1000000 */
  maxRequestBytes: number;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  metadataMaxAgeMs?: number;
  maxInflights?: number;
  securityProtocol: typeof SECURITY_PROTOCOLS[number];
  saslMechanism: SaslMechanism;
  /** From sasl.jaas.config. */
  sasl?: { username: string; password: string };
  trustStore?: StoreRef;
  keyStore?: StoreRef & { keyPassword?: string };
  verifyHostname: boolean;
}

/** A keystore named by ssl.truststore.* or ssl.keystore.*. */
export interface StoreRef {
  readonly location?: string;
  readonly password?: string;
  readonly type?: string;
}

/** TLS material for the client (node:tls options). */
export interface TlsMaterial {
  readonly ca?: string[];
  readonly cert?: string;
  readonly key?: string;
  readonly verifyHostname: boolean;
}

/** How one supported producer property changes the options; returns an error text. */
type Apply = (value: string, into: ProducerOptions) => string | undefined;

const SUPPORTED: Readonly<Record<string, Apply>> = {
  "compression.type": (v, o) =>
    pickOne(v, COMPRESSION_TYPES, (c) => o.compression = c as CompressionType),
  "enable.idempotence": (v, o) => bool(v, (b) => o.idempotent = b),
  // As in Flume, which flushes the producer at the end of every batch: a
  // batch is sent whole and at once, so there is nothing to linger for.
  "linger.ms": (v) => whole(v, () => {}),
  // Kafka's producer fills a 16 KB batch per partition and sends several
  // in one request; this client sends one batch per partition per request,
  // so batch.size caps a request, and only when set.
  "batch.size": (v, o) => whole(v, (n) => o.batchBytes = Math.max(n, 1)),
  "max.request.size": (v, o) => whole(v, (n) => o.maxRequestBytes = Math.max(n, 1)),
  "client.id": (v, o) =>
    (v.trim() === "" || /\s/.test(v.trim()))
      ? "expected a name without spaces"
      : void (o.clientId = v.trim()),
  "request.timeout.ms": (v, o) => whole(v, (n) => o.requestTimeoutMs = n),
  "socket.connection.setup.timeout.ms": (v, o) => whole(v, (n) => o.connectTimeoutMs = n),
  "retries": (v, o) => whole(v, (n) => o.retries = n),
  "retry.backoff.ms": (v, o) => whole(v, (n) => o.retryDelayMs = n),
  "metadata.max.age.ms": (v, o) => whole(v, (n) => o.metadataMaxAgeMs = n),
  "max.in.flight.requests.per.connection": (v, o) => whole(v, (n) => o.maxInflights = n),
  "security.protocol": (v, o) =>
    pickOne(
      v,
      SECURITY_PROTOCOLS,
      (p) => o.securityProtocol = p as ProducerOptions["securityProtocol"],
    ),
  "sasl.mechanism": (v, o) =>
    pickOne(v, SASL_MECHANISMS, (m) => o.saslMechanism = m as SaslMechanism),
  "sasl.jaas.config": (v, o) => {
    const parsed = parseJaas(v);
    if (typeof parsed === "string") return parsed;
    o.sasl = parsed;
  },
  "ssl.truststore.location": (v, o) =>
    void (o.trustStore = { ...o.trustStore, location: v.trim() }),
  "ssl.truststore.password": (v, o) => void (o.trustStore = { ...o.trustStore, password: v }),
  "ssl.truststore.type": (v, o) => storeType(v, (t) => o.trustStore = { ...o.trustStore, type: t }),
  "ssl.keystore.location": (v, o) => void (o.keyStore = { ...o.keyStore, location: v.trim() }),
  "ssl.keystore.password": (v, o) => void (o.keyStore = { ...o.keyStore, password: v }),
  "ssl.keystore.type": (v, o) => storeType(v, (t) => o.keyStore = { ...o.keyStore, type: t }),
  "ssl.key.password": (v, o) => void (o.keyStore = { ...o.keyStore, keyPassword: v }),
  "ssl.endpoint.identification.algorithm": (v, o) =>
    ["", "https"].includes(v.trim().toLowerCase())
      ? void (o.verifyHostname = v.trim() !== "")
      : `expected "https" or nothing`,
  "ssl.disableTLSHostnameVerification": (v, o) => bool(v, (b) => o.verifyHostname = !b),
  "key.serializer": (v) =>
    v.trim() === "org.apache.kafka.common.serialization.StringSerializer"
      ? undefined
      : "the key is always the `key` header's UTF-8 text (StringSerializer)",
  "value.serializer": (v) =>
    v.trim() === "org.apache.kafka.common.serialization.ByteArraySerializer"
      ? undefined
      : "the value is always the body's bytes (ByteArraySerializer)",
};

/** The names of the supported producer properties, for hints and docs. */
export const SUPPORTED_PRODUCER_PROPERTIES: readonly string[] = Object.keys(SUPPORTED);

/** The producer options `properties` ask for; each problem goes to `report`. */
export function producerOptions(
  properties: RawProperties,
  acks: number | undefined,
  report: Reporter,
): ProducerOptions {
  const options: ProducerOptions = {
    compression: "none",
    idempotent: false,
    maxRequestBytes: DEFAULT_REQUEST_BYTES,
    clientId: "flume-ws",
    securityProtocol: "PLAINTEXT",
    saslMechanism: "PLAIN",
    verifyHostname: true,
  };
  const escaped = PRODUCER_PREFIX.replaceAll(".", "\\.");
  for (const [name, { value }] of properties.matching(new RegExp(`^${escaped}.+$`))) {
    const key = name.slice(PRODUCER_PREFIX.length);
    if (key === "acks") continue;
    const apply = SUPPORTED[key];
    if (!apply) {
      report({
        property: name,
        message: `Unsupported producer property "${name}": flume-ws's Kafka client cannot ` +
          `honour it`,
        hint: `supported: acks, ${SUPPORTED_PRODUCER_PROPERTIES.join(", ")}`,
      });
      continue;
    }
    const error = apply(value, options);
    const shown = /password|jaas/.test(key) ? "" : ` "${value}"`;
    if (error !== undefined) {
      report({ property: name, message: `Invalid ${name}${shown}: ${error}` });
    }
  }
  checkCombination(options, acks, report);
  return options;
}

/** Validates the producer properties, for `check`. */
export function checkProducerProperties(
  properties: RawProperties,
  acks: number | undefined,
  report: Reporter,
): void {
  producerOptions(properties, acks, report);
}

/** Rules between producer properties. */
function checkCombination(o: ProducerOptions, acks: number | undefined, report: Reporter): void {
  if (o.idempotent && acks !== undefined && acks !== -1) {
    report({
      property: `${PRODUCER_PREFIX}enable.idempotence`,
      message: `Invalid ${PRODUCER_PREFIX}enable.idempotence "true": it needs acks = all (-1), ` +
        `not ${acks}`,
      hint: `set ${PRODUCER_PREFIX}acks = all`,
    });
  }
  const sasl = o.securityProtocol.startsWith("SASL_");
  if (sasl && !o.sasl) {
    report({
      property: `${PRODUCER_PREFIX}sasl.jaas.config`,
      message: `Missing ${PRODUCER_PREFIX}sasl.jaas.config: security.protocol ` +
        `${o.securityProtocol} needs a username and password`,
      hint: `org.apache.kafka.common.security.plain.PlainLoginModule required ` +
        `username="USER" password="PASSWORD";`,
    });
  }
  for (const [store, ref] of [["truststore", o.trustStore], ["keystore", o.keyStore]] as const) {
    if (ref && !ref.location) {
      report({
        property: `${PRODUCER_PREFIX}ssl.${store}.location`,
        message: `Missing ${PRODUCER_PREFIX}ssl.${store}.location: other ssl.${store}.* ` +
          `properties are set`,
      });
    }
  }
}

/** Reads the trust and key stores the options name (synchronously, during validation). */
export function tlsMaterial(o: ProducerOptions): TlsMaterial | undefined {
  if (o.securityProtocol !== "SSL" && o.securityProtocol !== "SASL_SSL") return undefined;
  const material: { ca?: string[]; cert?: string; key?: string; verifyHostname: boolean } = {
    verifyHostname: o.verifyHostname,
  };
  if (o.trustStore?.location) {
    const store = readStore("ssl.truststore.location", {
      ...o.trustStore,
      location: o.trustStore.location,
    });
    material.ca = [...store.caCertsPem];
  }
  if (o.keyStore?.location) {
    const store = readStore("ssl.keystore.location", {
      ...o.keyStore,
      location: o.keyStore.location,
    });
    try {
      const key = clientKey(store, {
        password: o.keyStore.password ?? "",
        keyPassword: o.keyStore.keyPassword,
      });
      if (key) {
        material.cert = key.certChainPem;
        material.key = key.keyPem;
      }
    } catch (err) {
      if (!(err instanceof KeyStoreError)) throw err;
      throw new PropertyError(`${PRODUCER_PREFIX}ssl.keystore.location`, err.message);
    }
  }
  return material;
}

function readStore(
  property: string,
  ref: StoreRef & { location: string },
): ReturnType<typeof parseKeyStore> {
  const full = `${PRODUCER_PREFIX}${property}`;
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(ref.location);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new PropertyError(full, `Cannot read "${ref.location}": ${detail}`);
  }
  try {
    return parseKeyStore(bytes, {
      password: ref.password ?? "",
      type: ref.type,
      path: ref.location,
    });
  } catch (err) {
    if (!(err instanceof KeyStoreError)) throw err;
    throw new PropertyError(full, err.message);
  }
}

/** The username and password of a PlainLoginModule or ScramLoginModule configuration. */
export function parseJaas(text: string): { username: string; password: string } | string {
  const module = /^\s*([\w.$]+)\s+required\b/.exec(text)?.[1];
  const known = [
    "org.apache.kafka.common.security.plain.PlainLoginModule",
    "org.apache.kafka.common.security.scram.ScramLoginModule",
  ];
  if (module === undefined || !known.includes(module)) {
    return 'expected PlainLoginModule or ScramLoginModule `required username="…" password="…";`';
  }
  const value = (name: string): string | undefined =>
    new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text)?.[1]
      ?.replace(/\\(.)/g, "$1");
  const username = value("username");
  const password = value("password");
  if (username === undefined || password === undefined) {
    return 'expected username="…" and password="…"';
  }
  return { username, password };
}

function pickOne(
  value: string,
  allowed: readonly string[],
  set: (v: string) => void,
): string | undefined {
  const found = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) return `expected one of ${allowed.join(", ")}`;
  set(found);
}

function bool(value: string, set: (b: boolean) => void): string | undefined {
  const v = value.trim().toLowerCase();
  if (v !== "true" && v !== "false") return "expected true or false";
  set(v === "true");
}

function whole(value: string, set: (n: number) => void): string | undefined {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) > 2147483647) return "expected a whole number";
  set(Number(v));
}

function storeType(value: string, set: (t: string) => void): string | undefined {
  const t = value.trim().toUpperCase();
  if (!["JKS", "PKCS12", "PEM"].includes(t)) return "expected JKS, PKCS12 or PEM";
  set(t);
}
