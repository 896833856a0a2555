import { match, ok, strictEqual } from "node:assert/strict";
import { runCli } from "../support/cli.ts";

const DIR = "tests/fixtures/tls";

Deno.test("keystore reads a PEM file without a password", async (t) => {
  await t.step("a CA certificate: listed, exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["keystore", "-f", `${DIR}/ca.pem`]);
    strictEqual(code, 0, stderr);
    strictEqual(stderr, "");
    match(stdout, /^Type: PEM$/m);
    match(stdout, /^ca-1: trusted certificate$/m);
  });
  await t.step("an unencrypted key: --pem --private-key writes it", async () => {
    const { code, stdout, stderr } = await runCli([
      "keystore",
      "-f",
      `${DIR}/client-keystore.pem`,
      "--pem",
      "--private-key",
    ]);
    strictEqual(code, 0, stderr);
    match(stdout, /^-----BEGIN PRIVATE KEY-----$/m);
  });
  await t.step("an encrypted key: exit 2, asking for its password", async () => {
    const file = `${DIR}/client-keystore-encrypted.pem`;
    const { code, stdout, stderr } = await runCli(["keystore", "-f", file]);
    strictEqual(code, 2);
    strictEqual(stdout, "");
    match(
      stderr,
      new RegExp(
        `^error: Missing password for the encrypted private key in "${file}": --pass-env NAME`,
      ),
    );
  });
  await t.step("an encrypted key with its password: listed", async () => {
    const { code, stdout } = await runCli([
      "keystore",
      "-f",
      `${DIR}/client-keystore-encrypted.pem`,
      "--pass",
      "changeit",
    ]);
    strictEqual(code, 0);
    match(stdout, /^key-1: private key/m);
  });
  await t.step("a PKCS12 store still needs its password", async () => {
    const { code, stderr } = await runCli(["keystore", "-f", `${DIR}/truststore.p12`]);
    strictEqual(code, 2);
    match(stderr, /^error: Missing password for PKCS12 keystore ".*truststore\.p12": --pass-env/);
  });
  await t.step("a missing file says so, not that a password is missing", async () => {
    const { code, stderr } = await runCli(["keystore", "-f", `${DIR}/no-such.pem`]);
    strictEqual(code, 2);
    match(stderr, /file not found/);
    ok(!stderr.includes("password"), stderr);
  });
});
