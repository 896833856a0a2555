import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import forgeModule from "node-forge";
import { join } from "node:path";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { HttpSource } from "../../src/sources/http/mod.ts";
import { REPO_ROOT, withTempDir } from "../support/cli.ts";
import { sourceFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel } from "../support/websocket_harness.ts";

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

/** Writes a keystore with the test server's key and certificate (for 127.0.0.1, signed by the test CA). */
type KeystoreMaker = (dir: string) => Promise<Record<string, string>>;

const KEYSTORES: [string, KeystoreMaker][] = [
  ["a PKCS12 keystore", async (dir) => {
    const key = forge.pki.privateKeyFromPem(await Deno.readTextFile(join(TLS, "server-key.pem")));
    const cert = forge.pki.certificateFromPem(await Deno.readTextFile(join(TLS, "server.pem")));
    const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], "changeit", { algorithm: "3des" });
    const path = join(dir, "server.p12");
    const der = forge.asn1.toDer(p12).getBytes();
    await Deno.writeFile(path, Uint8Array.from(der, (c: string) => c.charCodeAt(0)));
    return { keystore: path, "keystore-password": "changeit", "keystore-type": "PKCS12" };
  }],
  ["a PEM keystore", async (dir) => {
    const path = join(dir, "server-keystore.pem");
    await Deno.writeTextFile(
      path,
      (await Deno.readTextFile(join(TLS, "server-key.pem"))) +
        (await Deno.readTextFile(join(TLS, "server.pem"))),
    );
    return { keystore: path, "keystore-type": "PEM" };
  }],
];

for (const [what, makeKeystore] of KEYSTORES) {
  Deno.test(`http source with ssl = true serves HTTPS from ${what} to a client that trusts the CA`, async () => {
    await withTempDir(async (dir) => {
      const tls = await makeKeystore(dir);
      const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
        capacity: 100,
        transactionCapacity: 100,
        keepAlive: 0,
      }, SYSTEM_CLOCK);
      const log = new RecordingLog();
      const source = sourceFrom("http", { bind: "127.0.0.1", port: "0", ssl: "true", ...tls }, [
        channel,
      ], { log, counters: new CounterRegistry() });
      await source.start();
      const client = Deno.createHttpClient({
        caCerts: [await Deno.readTextFile(join(TLS, "ca.pem"))],
      });
      try {
        const port = (source.source as HttpSource).boundPort();
        const response = await fetch(`https://127.0.0.1:${port}/`, {
          method: "POST",
          body: `[{"headers": {"secure": "yes"}, "body": "over tls"}]`,
          client,
        });
        await response.body?.cancel();
        equal(response.status, 200);
        const events = await drainChannel(channel);
        deepStrictEqual(events.map((e) => e.headers), [{ secure: "yes" }]);
        deepStrictEqual(events.map((e) => DECODER.decode(e.body)), ["over tls"]);
        deepStrictEqual(log.messages("info").filter((m) => m.startsWith("Listening")), [
          `Listening on 127.0.0.1:${port} (https)`,
        ]);
        await rejects(
          fetch(`https://127.0.0.1:${port}/`, { method: "POST", body: "[]" }),
          "a client without the test CA does not trust the server",
        );
      } finally {
        client.close();
        await source.stop();
      }
    });
  });
}
