import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { ConfigError } from "../../src/config/diagnostics.ts";
import { startMutualTlsServer, startWssServer } from "../support/tls_servers.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url).pathname;
const fixture = (name: string): string => `${FIXTURES}${name}`;
const pem = (name: string): string => Deno.readTextFileSync(fixture(name));
const identity = (name: string): { cert: string; key: string } => ({
  cert: pem(`${name}.pem`),
  key: pem(`${name}-key.pem`),
});
const FAST = { retryDelay: "0.05", connectTimeout: "5" };

Deno.test("wss source trusts the CA from every keystore type", async (t) => {
  const server = await startWssServer(identity("server"));
  try {
    const stores: [string, string | undefined][] = [
      ["truststore.jks", "JKS"],
      ["truststore.jceks", "JCEKS"],
      ["truststore.p12", "PKCS12"],
      ["truststore-legacy.p12", "PKCS12"],
      ["truststore.pem", "PEM"],
      ["truststore-p12.jks", "JKS"], // a PKCS12 file named and declared JKS, as the seed's fixture
      ["truststore.p12", undefined], // type detected
    ];
    for (const [file, type] of stores) {
      await t.step(`${file} (${type ?? "detected"})`, async () => {
        const h = sourceHarness({
          endpoint: server.url(),
          ...FAST,
          keyStorePath: fixture(file),
          keyStorePass: "changeit",
          ...(type ? { keyStoreType: type } : {}),
        });
        try {
          await h.source.start();
          await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
          deepStrictEqual(await h.drainText(), ["hello over tls"]);
        } finally {
          await h.source.stop();
        }
      });
    }
  } finally {
    await server.close();
  }
});

/** Starts a source against `server`, waits for a failed attempt, returns its log. */
async function refusedAttempt(url: string, properties: Record<string, string>): Promise<string> {
  const h = sourceHarness({ endpoint: url, ...FAST, ...properties });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 1, "a failed attempt");
    strictEqual(h.counters.get("EventReceivedCount"), 0);
    return h.log.messages("warn").join("\n");
  } finally {
    await h.source.stop();
  }
}

Deno.test("wss source refuses servers it cannot verify, saying why, and keeps retrying", async (t) => {
  const trust = { keyStorePath: fixture("truststore.jks"), keyStorePass: "changeit" };
  await t.step("an unknown CA (no keystore: system roots only)", async () => {
    const server = await startWssServer(identity("server"));
    try {
      match(await refusedAttempt(server.url(), {}), /not issued by a trusted CA.*UnknownIssuer/);
    } finally {
      await server.close();
    }
  });
  await t.step("a certificate for another host", async () => {
    const server = await startWssServer(identity("server-wrong-host"));
    try {
      match(
        await refusedAttempt(server.url(), trust),
        /for another host name.*not valid for name "127\.0\.0\.1"/,
      );
    } finally {
      await server.close();
    }
  });
  await t.step("an expired certificate", async () => {
    const server = await startWssServer(identity("server-expired"));
    try {
      match(await refusedAttempt(server.url(), trust), /has expired.*certificate expired/);
    } finally {
      await server.close();
    }
  });
  await t.step("a self-signed certificate", async () => {
    const server = await startWssServer(identity("server-self-signed"));
    try {
      match(await refusedAttempt(server.url(), trust), /UnknownIssuer/);
    } finally {
      await server.close();
    }
  });
});

Deno.test("wss source with trustAllCerts accepts a self-signed server and warns at start", async () => {
  const server = await startWssServer(identity("server-self-signed"));
  const h = sourceHarness({ endpoint: server.url(), ...FAST, trustAllCerts: "true" });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
    deepStrictEqual(await h.drainText(), ["hello over tls"]);
    match(
      h.log.messages("warn")[0],
      /trustAllCerts = true: the server's certificate is NOT verified/,
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("trustAllCerts on one source does not switch verification off for another", async () => {
  const server = await startWssServer(identity("server-self-signed"));
  const lax = sourceHarness({ endpoint: server.url(), ...FAST, trustAllCerts: "true" });
  try {
    await lax.source.start();
    await eventually(() => lax.counters.get("EventAcceptedCount") === 1, "the lax source connects");
    match(await refusedAttempt(server.url(), {}), /UnknownIssuer/);
  } finally {
    await lax.source.stop();
    await server.close();
  }
});

Deno.test("wss source does mutual TLS with the keystore's private key", async (t) => {
  const server = await startMutualTlsServer(identity("server"), pem("client-ca.pem"));
  try {
    for (
      const file of [
        "client.jks",
        "client.jceks",
        "client.p12",
        "client-legacy.p12",
        "client-keystore.pem",
      ]
    ) {
      await t.step(`accepted with the key from ${file}`, async () => {
        const h = sourceHarness({
          endpoint: server.url(),
          ...FAST,
          keyStorePath: fixture(file),
          keyStorePass: "changeit",
        });
        try {
          await h.source.start();
          await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
          deepStrictEqual(await h.drainText(), ["hello over mutual tls"]);
        } finally {
          await h.source.stop();
        }
      });
    }
    await t.step("refused without a private key in the keystore", async () => {
      const log = await refusedAttempt(server.url(), {
        keyStorePath: fixture("truststore.jks"),
        keyStorePass: "changeit",
      });
      // The node:tls test server ends the handshake with a fatal alert.
      match(log, /received fatal alert/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("an unreadable keystore is a configuration error naming the file and the property", async (t) => {
  const load = (props: Record<string, string>): unknown =>
    sourceHarness({ endpoint: "wss://127.0.0.1:9/", ...props });
  const cases: [string, Record<string, string>, string, RegExp][] = [
    [
      "a wrong password",
      { keyStorePath: fixture("truststore.p12"), keyStorePass: "nope" },
      "keyStorePath",
      /truststore\.p12.*wrong password/,
    ],
    [
      "a corrupt file",
      { keyStorePath: fixture("corrupt.jks"), keyStorePass: "changeit" },
      "keyStorePath",
      /corrupt\.jks/,
    ],
    [
      "a truncated file",
      { keyStorePath: fixture("truncated.p12"), keyStorePass: "changeit" },
      "keyStorePath",
      /truncated\.p12/,
    ],
    [
      "a missing file",
      { keyStorePath: fixture("nope.jks"), keyStorePass: "changeit" },
      "keyStorePath",
      /nope\.jks.*not found/,
    ],
    [
      "two keys and no keyAlias",
      { keyStorePath: fixture("two-keys.jks"), keyStorePass: "changeit" },
      "keyStorePath",
      /alias/i,
    ],
  ];
  for (const [name, props, property, message] of cases) {
    await t.step(name, () => {
      throws(() => load(props), (err: unknown) => {
        ok(err instanceof ConfigError);
        const [issue] = err.issues.filter((i) => i.severity === "error");
        strictEqual(issue.property, property);
        match(issue.message, message);
        ok(!issue.message.includes("changeit") && !issue.message.includes('nope"'), "no password");
        return true;
      });
    });
  }
  await t.step("keyAlias picks which of two keys is the client certificate", async () => {
    const server = await startMutualTlsServer(identity("server"), pem("client-ca.pem"));
    try {
      for (const alias of ["other", "client"]) {
        const h = sourceHarness({
          endpoint: server.url(),
          ...FAST,
          keyStorePath: fixture("two-keys.jks"),
          keyStorePass: "changeit",
          keyAlias: alias,
        });
        try {
          await h.source.start();
          await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
        } finally {
          await h.source.stop();
        }
      }
      deepStrictEqual(server.clientSubjects.length, 2);
      ok(server.clientSubjects[0] !== server.clientSubjects[1], server.clientSubjects.join(" / "));
    } finally {
      await server.close();
    }
  });
});
