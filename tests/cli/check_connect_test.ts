import { match, strictEqual } from "node:assert/strict";
import { runCli, withTempDir } from "../support/cli.ts";
import { startMutualTlsServer, startWssServer, type WssServer } from "../support/tls_servers.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url).pathname;
const pem = (name: string): string => Deno.readTextFileSync(`${FIXTURES}${name}`);
const identity = (name: string): { cert: string; key: string } => ({
  cert: pem(`${name}.pem`),
  key: pem(`${name}-key.pem`),
});

/** A one-source configuration for `endpoint` with extra source properties. */
function conf(endpoint: string, extra: Record<string, string> = {}): string {
  return [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
    `a1.sources.w1.endpoint = ${endpoint}`,
    ...Object.entries(extra).map(([k, v]) => `a1.sources.w1.${k} = ${v}`),
  ].join("\n");
}

async function checkConnect(text: string): Promise<{ code: number; verdict: string }> {
  let result = { code: -1, verdict: "" };
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/f.conf`, text);
    const { code, stdout } = await runCli([
      "check",
      "-n",
      "a1",
      "-f",
      `${dir}/f.conf`,
      "--connect",
    ]);
    const connections = stdout.slice(stdout.indexOf("\nconnections:\n") + 1);
    const verdict = connections.split("\n").find((l) => l.startsWith("  w1 ")) ?? stdout;
    result = { code, verdict };
  });
  return result;
}

const TRUST = { keyStorePath: `${FIXTURES}truststore.p12`, keyStorePass: "changeit" };

Deno.test("check --connect gives one verdict per source, with the exact cause", async (t) => {
  const servers: WssServer[] = [];
  const start = async (name: string): Promise<WssServer> => {
    const server = await startWssServer(identity(name));
    servers.push(server);
    return server;
  };
  try {
    await t.step("OK with the server's subject and expiry", async () => {
      const server = await start("server");
      const { code, verdict } = await checkConnect(conf(server.url(), TRUST));
      strictEqual(code, 0, verdict);
      match(
        verdict,
        /^ {2}w1 wss:\/\/127\.0\.0\.1:\d+\/: OK: server certificate "localhost"/,
      );
      match(verdict, /issued by "flume-ws Test CA", valid until .*2125/);
    });
    await t.step("unknown issuer, naming the CAs it was checked against", async () => {
      const server = await start("server-self-signed");
      const { code, verdict } = await checkConnect(conf(server.url(), TRUST));
      strictEqual(code, 1);
      match(
        verdict,
        /FAILED: unknown issuer: .*\(self-signed\) is not trusted; checked against the keystore's CAs \("flume-ws Test CA"\) and the system roots/,
      );
    });
    await t.step("hostname mismatch", async () => {
      const server = await start("server-wrong-host");
      const { verdict } = await checkConnect(conf(server.url(), TRUST));
      match(
        verdict,
        /FAILED: hostname mismatch: the certificate is for DNS:wrong\.example, not 127\.0\.0\.1/,
      );
    });
    await t.step("expired", async () => {
      const server = await start("server-expired");
      const { verdict } = await checkConnect(conf(server.url(), TRUST));
      match(verdict, /FAILED: certificate expired on .*2021/);
    });
    await t.step("trustAllCerts: OK but marked not verified", async () => {
      const server = await start("server-self-signed");
      const { code, verdict } = await checkConnect(conf(server.url(), { trustAllCerts: "true" }));
      strictEqual(code, 0);
      match(verdict, /OK \(NOT VERIFIED: trustAllCerts = true\)/);
    });
    await t.step("connection refused", async () => {
      const server = await start("server");
      const url = server.url();
      await server.close();
      servers.pop();
      const { code, verdict } = await checkConnect(conf(url, TRUST));
      strictEqual(code, 1);
      const { port } = new URL(url);
      match(verdict, new RegExp(`FAILED: connection refused by 127\\.0\\.0\\.1:${port}$`));
    });
  } finally {
    for (const server of servers) await server.close();
  }
});

Deno.test("check --connect: a server that requires a client certificate", async (t) => {
  const server = await startMutualTlsServer(identity("server"), pem("client-ca.pem"));
  try {
    await t.step("accepted with the keystore's key", async () => {
      const { code, verdict } = await checkConnect(
        conf(server.url(), { keyStorePath: `${FIXTURES}client.p12`, keyStorePass: "changeit" }),
      );
      strictEqual(code, 0, verdict);
      match(verdict, /OK: server certificate/);
    });
    await t.step("refused without one", async () => {
      const { code, verdict } = await checkConnect(conf(server.url(), TRUST));
      strictEqual(code, 1);
      match(
        verdict,
        /FAILED: the server requires a client certificate and the keystore has no private key/,
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("check --connect on ws:// checks the TCP connection", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })();
  try {
    const { code, verdict } = await checkConnect(conf(`ws://127.0.0.1:${port}/`));
    strictEqual(code, 0);
    match(verdict, /OK: TCP connection/);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});
