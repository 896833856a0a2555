import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, X509Certificate } from "node:crypto";
import {
  clientKey,
  detectKeyStoreType,
  type KeyStore,
  KeyStoreError,
  keyStoreTypeOf,
  parseKeyStore,
  readKeyStore,
} from "../../src/tls/keystore.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url);
const PASSWORD = "changeit";
const WRONG = "not-the-password-7f3a";

function fixturePath(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

function read(name: string, type?: string): Promise<KeyStore> {
  return readKeyStore(fixturePath(name), { password: PASSWORD, type });
}

/** The DER of a PEM certificate, to compare certificates whatever their line breaks. */
function certDer(pem: string): string {
  return Buffer.from(new X509Certificate(pem).raw).toString("hex");
}

/** A private key's PKCS#8 DER, to compare keys whatever their encoding. */
function keyDer(pem: string): string {
  return createPrivateKey(pem).export({ type: "pkcs8", format: "der" }).toString("hex");
}

/** Runs `fn`, expecting a KeyStoreError; returns it. */
async function rejection(fn: () => unknown): Promise<KeyStoreError> {
  try {
    await fn();
  } catch (err) {
    ok(err instanceof KeyStoreError, `expected a KeyStoreError, got ${err}`);
    return err;
  }
  throw new Error("expected a KeyStoreError, got a result");
}

const TRUSTSTORES = [
  { file: "truststore.jks", type: "JKS", alias: "ca" },
  { file: "truststore.jceks", type: "JCEKS", alias: "ca" },
  { file: "truststore.p12", type: "PKCS12", alias: "ca" },
  { file: "truststore-legacy.p12", type: "PKCS12", alias: "ca" },
  { file: "truststore-p12.jks", type: "PKCS12", alias: "ca" },
  { file: "truststore.pem", type: "PEM", alias: "ca-1" },
] as const;

const CLIENT_STORES = [
  { file: "client.jks", type: "JKS", alias: "client", caAlias: "ca" },
  { file: "client.jceks", type: "JCEKS", alias: "client", caAlias: "ca" },
  { file: "client.p12", type: "PKCS12", alias: "client", caAlias: "ca" },
  { file: "client-legacy.p12", type: "PKCS12", alias: "client", caAlias: "ca" },
  { file: "client-keystore.pem", type: "PEM", alias: "key-1", caAlias: "ca-1" },
  { file: "client-keystore-encrypted.pem", type: "PEM", alias: "key-1", caAlias: "ca-1" },
] as const;

Deno.test("readKeyStore gives the CA as a trusted certificate for every truststore format", async (t) => {
  const ca = fixtureText("ca.pem");
  for (const { file, type, alias } of TRUSTSTORES) {
    await t.step(file, async () => {
      const store = await read(file);
      strictEqual(store.type, type);
      strictEqual(store.path, fixturePath(file));
      strictEqual(store.entries.length, 1);
      const [entry] = store.entries;
      strictEqual(entry.alias, alias);
      strictEqual(entry.kind, "trustedCertificate");
      strictEqual(entry.chain.length, 1);
      strictEqual(entry.chain[0].subject, "O=flume-ws, CN=flume-ws Test CA");
      strictEqual(entry.chain[0].issuer, "O=flume-ws, CN=flume-ws Test CA");
      deepStrictEqual(entry.chain[0].notBefore, new Date("2025-01-01T00:00:00Z"));
      deepStrictEqual(entry.chain[0].notAfter, new Date("2125-01-01T00:00:00Z"));
      strictEqual(entry.chain[0].sha256, new X509Certificate(ca).fingerprint256);
      strictEqual(store.caCertsPem.length, 1);
      strictEqual(certDer(store.caCertsPem[0]), certDer(ca));
      strictEqual(clientKey(store, { password: PASSWORD }), undefined);
    });
  }
});

Deno.test("readKeyStore trusts the content over the declared type", async (t) => {
  await t.step("a PKCS12 file named .jks and declared JKS is read as PKCS12", async () => {
    const store = await read("truststore-p12.jks", "JKS");
    strictEqual(store.type, "PKCS12");
    strictEqual(store.declaredType, "JKS");
    strictEqual(store.caCertsPem.length, 1);
  });
  await t.step("a JKS file declared PKCS12 is read as JKS", async () => {
    const store = await read("client.jks", "PKCS12");
    strictEqual(store.type, "JKS");
    strictEqual(store.declaredType, "PKCS12");
  });
  await t.step("keyStoreTypeOf maps Java's spellings", () => {
    strictEqual(keyStoreTypeOf("jks"), "JKS");
    strictEqual(keyStoreTypeOf(" jceks "), "JCEKS");
    strictEqual(keyStoreTypeOf("pkcs12"), "PKCS12");
    strictEqual(keyStoreTypeOf("P12"), "PKCS12");
    strictEqual(keyStoreTypeOf("PKCS#12"), "PKCS12");
    strictEqual(keyStoreTypeOf("pem"), "PEM");
    strictEqual(keyStoreTypeOf("BKS"), undefined);
  });
});

Deno.test("clientKey gives the client key and its chain from every client keystore format", async (t) => {
  const ca = fixtureText("ca.pem");
  const client = fixtureText("client.pem");
  const clientCa = fixtureText("client-ca.pem");
  const key = fixtureText("client-key.pem");
  for (const { file, type, alias, caAlias } of CLIENT_STORES) {
    await t.step(file, async () => {
      const store = await read(file);
      strictEqual(store.type, type);
      const kinds = store.entries.map((e) => [e.alias, e.kind]);
      deepStrictEqual(
        kinds.sort(),
        [[caAlias, "trustedCertificate"], [alias, "privateKey"]].sort(),
      );
      // The client CA is the key's chain, not a trusted certificate.
      deepStrictEqual(store.caCertsPem.map(certDer), [certDer(ca)]);
      const material = clientKey(store, { password: PASSWORD });
      ok(material !== undefined);
      strictEqual(material.alias, alias);
      const chain = material.certChainPem.match(
        /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
      );
      deepStrictEqual(chain?.map(certDer), [certDer(client), certDer(clientCa)]);
      match(material.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
      strictEqual(keyDer(material.keyPem), keyDer(key));
      const entry = store.entries.find((e) => e.kind === "privateKey");
      strictEqual(entry?.chain[0].subject, "O=flume-ws, CN=flume-ws client");
      strictEqual(entry?.chain[1].subject, "O=flume-ws, CN=flume-ws Test Client CA");
    });
  }
});

Deno.test("clientKey picks the key named by keyAlias when a store holds several", async (t) => {
  for (const file of ["two-keys.jks", "two-keys.p12"]) {
    const store = await read(file);
    await t.step(`${file}: both keys are listed`, () => {
      deepStrictEqual(store.entries.map((e) => [e.alias, e.kind]), [
        ["ca", "trustedCertificate"],
        ["client", "privateKey"],
        ["other", "privateKey"],
      ]);
    });
    await t.step(`${file}: alias "other" gives the EC key and its chain`, () => {
      const material = clientKey(store, { password: PASSWORD, alias: "other" });
      strictEqual(material?.alias, "other");
      strictEqual(keyDer(material.keyPem), keyDer(fixtureText("other-key.pem")));
      strictEqual(createPrivateKey(material.keyPem).asymmetricKeyType, "ec");
      const leaf = material.certChainPem.slice(0, material.certChainPem.indexOf("-----END") + 30);
      strictEqual(certDer(leaf), certDer(fixtureText("other.pem")));
    });
    await t.step(`${file}: the alias is matched without regard to case`, () => {
      strictEqual(clientKey(store, { password: PASSWORD, alias: "CLIENT" })?.alias, "client");
    });
    await t.step(
      `${file}: without an alias the choice is an error naming the aliases`,
      async () => {
        const err = await rejection(() => clientKey(store, { password: PASSWORD }));
        match(err.message, /Several private keys in keystore ".*two-keys\.(jks|p12)"/);
        match(err.message, /"client", "other"/);
      },
    );
    await t.step(`${file}: an alias that is no private key is an error`, async () => {
      const missing = await rejection(() =>
        clientKey(store, { password: PASSWORD, alias: "nope" })
      );
      match(missing.message, /No private key "nope" in keystore .*: it has "client", "other"/);
      const trusted = await rejection(() => clientKey(store, { password: PASSWORD, alias: "ca" }));
      match(trusted.message, /No private key "ca"/);
    });
  }
  await t.step("an alias asked of a store without keys is an error", async () => {
    const store = await read("truststore.jks");
    const err = await rejection(() => clientKey(store, { password: PASSWORD, alias: "client" }));
    match(err.message, /No private key "client" in keystore .*: it has none/);
  });
});

Deno.test("clientKey opens a key with its own password when keyPassword is given", async (t) => {
  const store = await read("client-keypass.jks");
  await t.step("the key password opens it", () => {
    const material = clientKey(store, { password: PASSWORD, keyPassword: "keysecret" });
    strictEqual(keyDer(material?.keyPem ?? ""), keyDer(fixtureText("client-key.pem")));
  });
  await t.step("the store password alone is the wrong key password", async () => {
    const err = await rejection(() => clientKey(store, { password: PASSWORD }));
    match(
      err.message,
      /Cannot use private key "client" in keystore ".*client-keypass\.jks": wrong key password/,
    );
  });
  await t.step("a wrong key password is refused for JCEKS and PKCS12 too", async () => {
    for (const file of ["client.jceks", "client.p12", "client-legacy.p12"]) {
      const other = await read(file);
      const err = await rejection(() =>
        clientKey(other, { password: PASSWORD, keyPassword: WRONG })
      );
      match(err.message, /wrong key password/);
    }
  });
});

Deno.test("readKeyStore lists secret-key entries and keeps the rest usable", async (t) => {
  for (const file of ["secret-key.jceks", "secret-key.p12"]) {
    await t.step(file, async () => {
      const store = await read(file);
      deepStrictEqual(store.entries.map((e) => [e.alias, e.kind, e.chain.length]), [
        ["ca", "trustedCertificate", 1],
        ["secret", "secretKey", 0],
      ]);
      strictEqual(store.caCertsPem.length, 1);
      strictEqual(clientKey(store, { password: PASSWORD }), undefined);
    });
  }
});

Deno.test("readKeyStore rejects a wrong password for every protected format", async (t) => {
  const files = [
    "truststore.jks",
    "truststore.jceks",
    "truststore.p12",
    "truststore-legacy.p12",
    "truststore-p12.jks",
    "client.jks",
    "client.jceks",
    "client.p12",
    "client-legacy.p12",
    "secret-key.jceks",
    "client-keystore-encrypted.pem",
  ];
  for (const file of files) {
    await t.step(file, async () => {
      const path = fixturePath(file);
      const err = await rejection(() => readKeyStore(path, { password: WRONG }));
      match(err.message, /^Cannot read (JKS|JCEKS|PKCS12|PEM) keystore "/);
      ok(err.message.includes(`"${path}"`), err.message);
      match(err.message, /: wrong password or corrupt keystore$/);
      ok(!err.message.includes(WRONG));
      strictEqual(err.path, path);
    });
  }
  await t.step("the declared type is named when it differs from the real one", async () => {
    const path = fixturePath("truststore-p12.jks");
    const err = await rejection(() => readKeyStore(path, { password: WRONG, type: "JKS" }));
    match(
      err.message,
      /^Cannot read PKCS12 keystore ".*truststore-p12\.jks" \(declared JKS\): wrong password/,
    );
  });
});

Deno.test("readKeyStore rejects damaged and missing keystores", async (t) => {
  for (const file of ["corrupt.jks", "corrupt.p12"]) {
    await t.step(`${file} fails its integrity check`, async () => {
      const err = await rejection(() => read(file));
      match(err.message, new RegExp(`"${fixturePath(file)}": wrong password or corrupt keystore$`));
    });
  }
  for (const file of ["truncated.jks", "truncated.p12"]) {
    await t.step(`${file} is reported truncated`, async () => {
      const err = await rejection(() => read(file));
      match(err.message, new RegExp(`"${fixturePath(file)}": corrupt or truncated keystore: `));
    });
  }
  await t.step("a missing file", async () => {
    const path = fixturePath("no-such-store.jks");
    const err = await rejection(() => readKeyStore(path, { password: PASSWORD }));
    strictEqual(err.message, `Cannot read keystore "${path}": file not found`);
  });
  await t.step("a directory", async () => {
    const path = fixturePath("");
    const err = await rejection(() => readKeyStore(path, { password: PASSWORD }));
    match(err.message, /^Cannot read keystore ".*": /);
  });
  await t.step("an empty file", async () => {
    const err = await rejection(() =>
      parseKeyStore(new Uint8Array(), { password: PASSWORD, path: "e.jks" })
    );
    strictEqual(err.message, `Cannot read keystore "e.jks": the file is empty`);
  });
  await t.step("something that is no keystore", async () => {
    const bytes = new TextEncoder().encode("a1.sources = r1\n");
    const err = await rejection(() => parseKeyStore(bytes, { password: PASSWORD, path: "x.conf" }));
    strictEqual(
      err.message,
      `Cannot read keystore "x.conf": unrecognized format: not JKS, JCEKS, PKCS12 or PEM`,
    );
  });
  await t.step("a JKS header with nothing after it", async () => {
    const bytes = Uint8Array.of(0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2);
    const err = await rejection(() => parseKeyStore(bytes, { password: PASSWORD }));
    match(err.message, /^Cannot read JKS keystore: corrupt or truncated keystore: /);
  });
  await t.step("every prefix of a JKS and a PKCS12 store is rejected", async () => {
    for (const file of ["client.jks", "truststore.p12"]) {
      const bytes = Deno.readFileSync(new URL(file, FIXTURES));
      for (let length = 1; length < bytes.length; length += 97) {
        await rejection(() => parseKeyStore(bytes.subarray(0, length), { password: PASSWORD }));
      }
    }
  });
});

Deno.test("detectKeyStoreType tells the format from the first bytes", async (t) => {
  await t.step("the fixtures", () => {
    const expected: Record<string, string> = {
      "truststore.jks": "JKS",
      "client.jceks": "JCEKS",
      "client.p12": "PKCS12",
      "truststore-legacy.p12": "PKCS12",
      "truststore-p12.jks": "PKCS12",
      "client-keystore.pem": "PEM",
      "ca.pem": "PEM",
    };
    for (const [file, type] of Object.entries(expected)) {
      strictEqual(detectKeyStoreType(Deno.readFileSync(new URL(file, FIXTURES))), type, file);
    }
  });
  await t.step("magic numbers and text", () => {
    strictEqual(detectKeyStoreType(Uint8Array.of(0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2)), "JKS");
    strictEqual(detectKeyStoreType(Uint8Array.of(0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2)), "JCEKS");
    strictEqual(detectKeyStoreType(Uint8Array.of(0x30, 0x82, 0x04, 0x00)), "PKCS12");
    const pem = new TextEncoder().encode("subject=CN = x\n-----BEGIN CERTIFICATE-----\n");
    strictEqual(detectKeyStoreType(pem), "PEM");
  });
  await t.step("anything else is undefined", () => {
    strictEqual(detectKeyStoreType(new Uint8Array()), undefined);
    strictEqual(detectKeyStoreType(Uint8Array.of(0xfe, 0xed)), undefined);
    strictEqual(detectKeyStoreType(new TextEncoder().encode("hello")), undefined);
    strictEqual(detectKeyStoreType(Uint8Array.of(0x50, 0x4b, 0x03, 0x04)), undefined);
  });
});
