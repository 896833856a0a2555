import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { clientKey, parseKeyStore } from "../../src/tls/keystore.ts";
import { decodePem } from "../../src/tls/pem.ts";
import { runCli } from "../support/cli.ts";

const DIR = "tests/fixtures/tls";
const PASSWORD = "changeit";
const WRONG = "wrong-password-e8c1";

Deno.test("keystore lists every entry with its kind, subject, issuer and validity", async (t) => {
  await t.step("a client keystore (JKS)", async () => {
    const { code, stdout, stderr } = await runCli([
      "keystore",
      "-f",
      `${DIR}/client.jks`,
      "--pass",
      PASSWORD,
    ]);
    strictEqual(stderr, "");
    strictEqual(code, 0);
    const lines = stdout.split("\n");
    strictEqual(lines[0], `Keystore: ${DIR}/client.jks`);
    strictEqual(lines[1], "Type: JKS");
    strictEqual(lines[2], "Entries: 2");
    ok(lines.includes("ca: trusted certificate"), stdout);
    ok(lines.includes("  subject: O=flume-ws, CN=flume-ws Test CA"), stdout);
    ok(lines.includes("client: private key, chain of 2"), stdout);
    ok(lines.includes("  [0] subject: O=flume-ws, CN=flume-ws client"), stdout);
    ok(lines.includes("      issuer:  O=flume-ws, CN=flume-ws Test Client CA"), stdout);
    ok(lines.includes("      valid:   2025-01-01T00:00:00Z to 2125-01-01T00:00:00Z"), stdout);
    ok(!stdout.includes("PRIVATE KEY"), stdout);
  });
  await t.step("a PKCS12 file named .jks and declared JKS: the real type and a note", async () => {
    const { code, stdout } = await runCli([
      "keystore",
      "-f",
      `${DIR}/truststore-p12.jks`,
      "--type",
      "JKS",
      "--pass",
      PASSWORD,
    ]);
    strictEqual(code, 0);
    match(stdout, /^Type: PKCS12$/m);
    match(stdout, /^Note: declared type "JKS", but the file is PKCS12; it is read as PKCS12$/m);
  });
  await t.step("an expired certificate is marked", async () => {
    const { code, stdout } = await runCli([
      "keystore",
      "-f",
      `${DIR}/server-expired.pem`,
      "--pass",
      "",
    ]);
    strictEqual(code, 0);
    match(stdout, /valid: {3}2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z \(EXPIRED\)/);
  });
  await t.step("--alias lists one entry", async () => {
    const { code, stdout } = await runCli([
      "keystore",
      "-f",
      `${DIR}/two-keys.p12`,
      "--pass",
      PASSWORD,
      "--alias",
      "other",
    ]);
    strictEqual(code, 0);
    match(stdout, /^Entries: 1$/m);
    match(stdout, /^other: private key, chain of 2$/m);
    ok(!stdout.includes("client: private key"), stdout);
  });
});

Deno.test("keystore --pem writes the certificates as PEM and the key only when asked", async (t) => {
  await t.step("--pem: certificates only, each once", async () => {
    const { code, stdout } = await runCli([
      "keystore",
      "-f",
      `${DIR}/two-keys.jks`,
      "--pass",
      PASSWORD,
      "--pem",
    ]);
    strictEqual(code, 0);
    const blocks = decodePem(stdout);
    deepStrictEqual(blocks.map((b) => b.label), Array(4).fill("CERTIFICATE"));
    const subjects = blocks.map((b) => new X509Certificate(b.der).subject.replace("\n", ", "));
    deepStrictEqual(subjects.sort(), [
      "O=flume-ws, CN=flume-ws Test CA",
      "O=flume-ws, CN=flume-ws Test Client CA",
      "O=flume-ws, CN=flume-ws client",
      "O=flume-ws, CN=flume-ws other client",
    ]);
    ok(!stdout.includes("PRIVATE KEY"), stdout);
  });
  await t.step(
    "--pem --private-key: a PEM keystore with the key, its chain and the CA",
    async () => {
      const { code, stdout } = await runCli([
        "keystore",
        "-f",
        `${DIR}/client.jceks`,
        "--pass",
        PASSWORD,
        "--pem",
        "--private-key",
      ]);
      strictEqual(code, 0);
      deepStrictEqual(decodePem(stdout).map((b) => b.label), [
        "PRIVATE KEY",
        "CERTIFICATE",
        "CERTIFICATE",
        "CERTIFICATE",
      ]);
      const store = parseKeyStore(new TextEncoder().encode(stdout), { password: "" });
      strictEqual(store.type, "PEM");
      strictEqual(store.caCertsPem.length, 1);
      const material = clientKey(store, { password: "" });
      match(material?.certChainPem ?? "", /BEGIN CERTIFICATE[\s\S]+BEGIN CERTIFICATE/);
    },
  );
  await t.step("--private-key without --pem is a usage error", async () => {
    const { code, stderr } = await runCli([
      "keystore",
      "-f",
      `${DIR}/client.jks`,
      "--pass",
      PASSWORD,
      "--private-key",
    ]);
    strictEqual(code, 2);
    match(stderr, /--private-key is written only with --pem/);
  });
  await t.step("--private-key with several keys needs --alias", async () => {
    const { code, stdout, stderr } = await runCli([
      "keystore",
      "-f",
      `${DIR}/two-keys.p12`,
      "--pass",
      PASSWORD,
      "--pem",
      "--private-key",
    ]);
    strictEqual(code, 2);
    strictEqual(stdout, "");
    match(stderr, /Several private keys .*"client", "other"/);
  });
});

Deno.test("keystore reads the password from the variable --pass-env names", async (t) => {
  await t.step("set: the store opens", async () => {
    const { code, stdout } = await runCli(
      ["keystore", "-f", `${DIR}/client.p12`, "--pass-env", "FLUME_WS_TEST_KS_PASS"],
      { env: { FLUME_WS_TEST_KS_PASS: PASSWORD } },
    );
    strictEqual(code, 0);
    match(stdout, /^Type: PKCS12$/m);
  });
  await t.step("not set: exit 2 naming the variable", async () => {
    const { code, stderr } = await runCli([
      "keystore",
      "-f",
      `${DIR}/client.p12`,
      "--pass-env",
      "FLUME_WS_TEST_UNSET_VARIABLE",
    ]);
    strictEqual(code, 2);
    match(stderr, /Environment variable "FLUME_WS_TEST_UNSET_VARIABLE" is not set/);
  });
  await t.step("no password at all: exit 2", async () => {
    const { code, stderr } = await runCli(["keystore", "-f", `${DIR}/client.p12`]);
    strictEqual(code, 2);
    match(stderr, /^error: Missing password/);
  });
});

Deno.test("keystore exits 2 with one line naming the file when it cannot read the store", async (t) => {
  const cases = [
    { name: "wrong password", file: "client.jks", detail: /wrong password or corrupt keystore/ },
    { name: "wrong password, PKCS12", file: "client.p12", detail: /wrong password or corrupt/ },
    { name: "corrupt", file: "corrupt.jks", detail: /wrong password or corrupt keystore/ },
    { name: "truncated", file: "truncated.p12", detail: /corrupt or truncated keystore/ },
    { name: "missing file", file: "no-such.jks", detail: /file not found/ },
  ];
  for (const { name, file, detail } of cases) {
    await t.step(name, async () => {
      const password = name.startsWith("wrong") ? WRONG : PASSWORD;
      const { code, stdout, stderr } = await runCli([
        "keystore",
        "-f",
        `${DIR}/${file}`,
        "--pass",
        password,
      ]);
      strictEqual(code, 2);
      strictEqual(stdout, "");
      const lines = stderr.trimEnd().split("\n");
      strictEqual(lines.length, 1, stderr);
      match(lines[0], /^error: Cannot read /);
      ok(lines[0].includes(`"${DIR}/${file}"`), stderr);
      match(lines[0], detail);
      ok(!stderr.includes(WRONG), "the password must not be echoed");
    });
  }
});

Deno.test("keystore --help and the main help describe the command", async (t) => {
  await t.step("keystore --help", async () => {
    const { code, stdout } = await runCli(["keystore", "--help"]);
    strictEqual(code, 0);
    match(stdout, /^Usage: flume-ws keystore -f PATH/);
    match(stdout, /--pass-env NAME/);
  });
  await t.step("flume-ws --help", async () => {
    const { code, stdout } = await runCli(["--help"]);
    strictEqual(code, 0);
    match(stdout, /^ {2}keystore {2}/m);
  });
});
