import {
  type CertificateInfo,
  clientKey,
  detectKeyStoreType,
  type KeyStore,
  type KeyStoreEntry,
  KeyStoreError,
  keyStoreTypeOf,
  parseKeyStore,
  readKeyStore,
} from "../tls/keystore.ts";
import { parseOptions } from "./args.ts";
import type { Output } from "./fatal.ts";
import { KEYSTORE_HELP } from "./help.ts";
import { UsageError } from "./usage_error.ts";

const KIND_NAMES: Readonly<Record<KeyStoreEntry["kind"], string>> = {
  trustedCertificate: "trusted certificate",
  privateKey: "private key",
  secretKey: "secret key (not used for TLS)",
};

const OPTIONS = {
  file: { type: "string", short: "f" },
  type: { type: "string" },
  pass: { type: "string" },
  "pass-env": { type: "string" },
  "key-pass-env": { type: "string" },
  alias: { type: "string" },
  pem: { type: "boolean", default: false },
  "private-key": { type: "boolean", default: false },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * `flume-ws keystore`: lists a keystore's entries, or writes its
 * certificates (and, asked explicitly, a private key) as PEM. A PEM file
 * needs no password unless its private key is encrypted.
 */
export async function keystoreCommand(args: readonly string[], output: Output): Promise<number> {
  const values = parseOptions(args, { command: "keystore", options: OPTIONS });
  if (values.help) {
    output.out(KEYSTORE_HELP);
    return 0;
  }
  if (!values.file) throw new UsageError("Missing keystore: -f PATH", "keystore");
  if (values["private-key"] && !values.pem) {
    throw new UsageError("--private-key is written only with --pem", "keystore");
  }
  const path = values.file;
  const given = readPassword(values.pass, values["pass-env"]);
  const keyPasswordEnv = values["key-pass-env"];
  const keyPassword = keyPasswordEnv === undefined ? undefined : envValue(keyPasswordEnv);
  // Read here rather than by readKeyStore, to see whether a password is needed at all.
  const bytes = await Deno.readFile(path).catch(() => undefined);
  const password = given ?? (bytes === undefined ? "" : passwordNotNeeded(path, bytes));
  const store = bytes === undefined
    ? await readKeyStore(path, { password, type: values.type }) // reports why it cannot read
    : parseKeyStore(bytes, { password, type: values.type, path });
  if (values.pem) {
    for (
      const block of pemBlocks(store, {
        alias: values.alias,
        password,
        keyPassword,
        withKey: values["private-key"],
      })
    ) {
      output.out(block.trimEnd());
    }
    return 0;
  }
  for (const line of formatKeyStore(store, { alias: values.alias, now: new Date() })) {
    output.out(line);
  }
  return 0;
}

/** The password from `--pass` or the variable `--pass-env` names, if either is given. */
function readPassword(pass: string | undefined, passEnv: string | undefined): string | undefined {
  if (pass !== undefined && passEnv !== undefined) {
    throw new UsageError("Give the password once: --pass or --pass-env", "keystore");
  }
  return passEnv !== undefined ? envValue(passEnv) : pass;
}

/**
 * The empty password, for a store that needs none: a PEM file without an
 * encrypted private key, or a file of no known type (whose reading says
 * so). JKS, JCEKS and PKCS12 are checked against their password, and an
 * encrypted PEM key opens only with one: for those, a UsageError.
 */
function passwordNotNeeded(path: string, bytes: Uint8Array): string {
  const type = detectKeyStoreType(bytes);
  if (type === undefined) return "";
  if (type === "PEM") {
    const text = new TextDecoder().decode(bytes);
    if (!/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) return "";
    throw new UsageError(
      `Missing password for the encrypted private key in "${path}": ` +
        "--pass-env NAME (or --pass PASSWORD)",
      "keystore",
    );
  }
  throw new UsageError(
    `Missing password for ${type} keystore "${path}": --pass-env NAME (or --pass PASSWORD)`,
    "keystore",
  );
}

function envValue(name: string): string {
  const value = Deno.env.get(name);
  if (value === undefined) {
    throw new UsageError(`Environment variable "${name}" is not set`, "keystore");
  }
  return value;
}

/** Options of {@linkcode formatKeyStore}. */
export interface FormatKeyStoreOptions {
  /** Only this entry (case-insensitive); a KeyStoreError when there is none. */
  readonly alias?: string;
  /** The time validity is judged against. */
  readonly now: Date;
}

/** The listing `flume-ws keystore` prints: the file, its real type, then every entry. */
export function formatKeyStore(store: KeyStore, options: FormatKeyStoreOptions): string[] {
  const lines = [`Keystore: ${store.path ?? "(bytes)"}`, `Type: ${store.type}`];
  const declared = store.declaredType;
  if (declared !== undefined && keyStoreTypeOf(declared) !== store.type) {
    lines.push(
      `Note: declared type "${declared}", but the file is ${store.type}; it is read as ${store.type}`,
    );
  }
  const entries = selectEntries(store, options.alias);
  lines.push(`Entries: ${entries.length}`);
  for (const entry of entries) {
    lines.push("");
    const size = entry.kind === "privateKey" ? `, chain of ${entry.chain.length}` : "";
    lines.push(`${entry.alias}: ${KIND_NAMES[entry.kind]}${size}`);
    entry.chain.forEach((cert, i) => {
      const indent = entry.chain.length > 1 ? `  [${i}] ` : "  ";
      const more = " ".repeat(indent.length);
      lines.push(`${indent}subject: ${cert.subject}`);
      lines.push(`${more}issuer:  ${cert.issuer}`);
      lines.push(
        `${more}valid:   ${formatDate(cert.notBefore)} to ${formatDate(cert.notAfter)}${
          validity(cert, options.now)
        }`,
      );
      lines.push(`${more}sha256:  ${cert.sha256}`);
    });
  }
  return lines;
}

interface PemOptions {
  readonly alias?: string;
  readonly password: string;
  readonly keyPassword?: string;
  readonly withKey: boolean;
}

/**
 * PEM blocks: with `withKey`, the chosen private key, its chain and the
 * trusted certificates (a PEM keystore flume-ws reads back); otherwise the
 * certificates of the selected entries, each once.
 */
function pemBlocks(store: KeyStore, options: PemOptions): string[] {
  if (options.withKey) {
    const key = clientKey(store, options);
    if (key === undefined) {
      throw new KeyStoreError(`No private key in keystore "${store.path}"`, { path: store.path });
    }
    return [key.keyPem, key.certChainPem, ...store.caCertsPem];
  }
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const entry of selectEntries(store, options.alias)) {
    for (const cert of entry.chain) {
      if (seen.has(cert.sha256)) continue;
      seen.add(cert.sha256);
      blocks.push(cert.pem);
    }
  }
  return blocks;
}

function selectEntries(store: KeyStore, alias: string | undefined): readonly KeyStoreEntry[] {
  if (alias === undefined) return store.entries;
  const wanted = alias.toLowerCase();
  const found = store.entries.filter((entry) => entry.alias.toLowerCase() === wanted);
  if (found.length === 0) {
    const have = store.entries.map((entry) => `"${entry.alias}"`).join(", ") || "none";
    throw new KeyStoreError(`No entry "${alias}" in keystore "${store.path}": it has ${have}`, {
      path: store.path,
    });
  }
  return found;
}

function formatDate(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

function validity(cert: CertificateInfo, now: Date): string {
  if (now > cert.notAfter) return " (EXPIRED)";
  if (now < cert.notBefore) return " (NOT YET VALID)";
  return "";
}
