/**
 * What a keystore yields must work where the WebSocket source uses it: the
 * trusted certificates in `Deno.createHttpClient`, the client key and chain
 * in `Deno.connectTls` against a server that requires a client certificate.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { clientKey, readKeyStore } from "../../src/tls/keystore.ts";

const FIXTURES = new URL("../fixtures/tls/", import.meta.url);
const PASSWORD = "changeit";

function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURES));
}

function fixturePath(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

/** An HTTPS server on loopback with the fixture server certificate. */
async function startHttpsServer(): Promise<{ port: number; server: Deno.HttpServer }> {
  const { promise, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: fixtureText("server.pem"),
    key: fixtureText("server-key.pem"),
    onListen: ({ port }) => resolve(port),
  }, () => new Response("verified"));
  return { port: await promise, server };
}

/** A node:tls server that requires a client certificate issued by the client CA, and greets its CN. */
async function startMutualTlsServer(): Promise<{ port: number; server: tls.Server }> {
  const server = tls.createServer({
    cert: fixtureText("server.pem"),
    key: fixtureText("server-key.pem"),
    ca: [fixtureText("client-ca.pem")],
    requestCert: true,
    rejectUnauthorized: true,
  }, (socket) => {
    const peer = socket.getPeerCertificate();
    socket.end(`hello ${peer.subject.CN}\n`);
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

function closeServer(server: tls.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Everything the peer sends until it closes. */
async function readAll(conn: Deno.TlsConn): Promise<string> {
  let text = "";
  for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) text += chunk;
  return text;
}

Deno.test("trusted certificates from a keystore let fetch verify an HTTPS server", async (t) => {
  const { port, server } = await startHttpsServer();
  try {
    for (
      const file of [
        "truststore.jks",
        "truststore.jceks",
        "truststore.p12",
        "truststore-legacy.p12",
        "truststore-p12.jks",
        "truststore.pem",
        "client.jks",
      ]
    ) {
      await t.step(file, async () => {
        const store = await readKeyStore(fixturePath(file), { password: PASSWORD });
        const client = Deno.createHttpClient({ caCerts: [...store.caCertsPem] });
        try {
          for (const host of ["localhost", "127.0.0.1"]) {
            const response = await fetch(`https://${host}:${port}/`, { client });
            strictEqual(await response.text(), "verified");
          }
        } finally {
          client.close();
        }
      });
    }
    await t.step("a CA that is not the server's issuer does not verify it", async () => {
      const client = Deno.createHttpClient({ caCerts: [fixtureText("client-ca.pem")] });
      try {
        const error = await fetch(`https://localhost:${port}/`, { client }).then(
          () => undefined,
          (err: Error) => err,
        );
        ok(error instanceof TypeError, "expected fetch to fail");
        match(String(error.cause), /UnknownIssuer|certificate/i);
      } finally {
        client.close();
      }
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("client key material from a keystore passes a server that requires a client certificate", async (t) => {
  const { port, server } = await startMutualTlsServer();
  try {
    for (
      const file of [
        "client.jks",
        "client.jceks",
        "client.p12",
        "client-legacy.p12",
        "client-keystore.pem",
        "client-keystore-encrypted.pem",
      ]
    ) {
      await t.step(file, async () => {
        const store = await readKeyStore(fixturePath(file), { password: PASSWORD });
        const material = clientKey(store, { password: PASSWORD });
        ok(material !== undefined);
        const conn = await Deno.connectTls({
          hostname: "127.0.0.1",
          port,
          caCerts: [...store.caCertsPem],
          cert: material.certChainPem,
          key: material.keyPem,
        });
        try {
          strictEqual(await readAll(conn), "hello flume-ws client\n");
        } finally {
          try {
            conn.close();
          } catch { /* already closed by the peer */ }
        }
      });
    }
    await t.step("the EC key chosen by alias works too", async () => {
      const store = await readKeyStore(fixturePath("two-keys.p12"), { password: PASSWORD });
      const material = clientKey(store, { password: PASSWORD, alias: "other" });
      ok(material !== undefined);
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port,
        caCerts: [...store.caCertsPem],
        cert: material.certChainPem,
        key: material.keyPem,
      });
      try {
        strictEqual(await readAll(conn), "hello flume-ws other client\n");
      } finally {
        try {
          conn.close();
        } catch { /* already closed by the peer */ }
      }
    });
    await t.step("without a client certificate the server refuses", async () => {
      const store = await readKeyStore(fixturePath("truststore.jks"), { password: PASSWORD });
      const conn = await Deno.connectTls({
        hostname: "127.0.0.1",
        port,
        caCerts: [...store.caCertsPem],
      });
      try {
        const error = await readAll(conn).then(() => undefined, (err: Error) => err);
        ok(error !== undefined, "expected the read to fail");
        match(error.message, /CertificateRequired|certificate/i);
      } finally {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    });
  } finally {
    await closeServer(server);
  }
});
