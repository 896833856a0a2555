import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import forgeModule from "node-forge";
import { join } from "node:path";
import { REPO_ROOT, withTempDir } from "../support/cli.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";
import { closeClient, openClient, startServer } from "./websocket_server_support.ts";

/** The part of node-forge this test uses to write a PKCS12 server keystore. */
interface Forge {
  pki: { privateKeyFromPem(pem: string): unknown; certificateFromPem(pem: string): unknown };
  pkcs12: {
    toPkcs12Asn1(key: unknown, certs: unknown[], password: string, o: object): unknown;
  };
  asn1: { toDer(asn1: unknown): { getBytes(): string } };
}
const forge = forgeModule as unknown as Forge;

const TLS = join(REPO_ROOT, "tests/fixtures/tls");
const DECODER = new TextDecoder();

/** Writes a PKCS12 keystore with the test server's key and certificate (127.0.0.1, test CA). */
async function pkcs12Keystore(dir: string): Promise<string> {
  const key = forge.pki.privateKeyFromPem(await Deno.readTextFile(join(TLS, "server-key.pem")));
  const cert = forge.pki.certificateFromPem(await Deno.readTextFile(join(TLS, "server.pem")));
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], "changeit", { algorithm: "3des" });
  const path = join(dir, "server.p12");
  const der = forge.asn1.toDer(p12).getBytes();
  await Deno.writeFile(path, Uint8Array.from(der, (c: string) => c.charCodeAt(0)));
  return path;
}

Deno.test("websocket_server with ssl = true serves wss:// from a PKCS12 keystore to a client that trusts the CA", async () => {
  await withTempDir(async (dir) => {
    const keystore = await pkcs12Keystore(dir);
    const h = await startServer({
      ssl: "true",
      keystore,
      "keystore-password": "changeit",
      "keystore-type": "PKCS12",
    });
    const client = Deno.createHttpClient({
      caCerts: [await Deno.readTextFile(join(TLS, "ca.pem"))],
    });
    try {
      deepStrictEqual(h.log.messages("info"), [`Listening on 127.0.0.1:${h.port} (wss)`]);
      const c = await openClient(`wss://127.0.0.1:${h.port}/`, { client });
      c.ws.send("over tls");
      c.ws.send(new Uint8Array([1, 2, 3]));
      await eventually(() => h.channel.size() === 2, "two events");
      const events = await drainChannel(h.channel);
      equal(DECODER.decode(events[0].body), "over tls");
      deepStrictEqual([...events[1].body], [1, 2, 3]);
      await closeClient(c);
      ok(
        h.log.entries.every((e) => !e.message.includes("changeit")),
        "the password is never logged",
      );
    } finally {
      client.close();
      await h.stop();
    }
  });
});

Deno.test("websocket_server with ssl = true refuses a plain ws:// client without serving it", async () => {
  await withTempDir(async (dir) => {
    const keystore = await pkcs12Keystore(dir);
    const h = await startServer({ ssl: "true", keystore, "keystore-password": "changeit" });
    try {
      await rejects(openClient(h.url()));
      equal(h.counters.get("ConnectionCreatedCount"), 0);
      equal(h.channel.size(), 0);
    } finally {
      await h.stop();
    }
  });
});
