import { strictEqual } from "node:assert/strict";
import net from "node:net";
import { frameSocket, MAX_MESSAGE_BYTES } from "../../src/sources/websocket/frame_socket.ts";
import { explainNetworkError, formatTarget, networkTargetOf } from "../../src/util/net_errors.ts";

/** A loopback port nothing listens on: a listener's, closed again. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the connection to fail");
}

/** The `onerror` message of a socket to `url`, once it closes. */
function socketError(
  open: (url: string) => { onerror: unknown; onclose: unknown },
  url: string,
): Promise<string> {
  const { promise, resolve } = Promise.withResolvers<string>();
  let message = "";
  const socket = open(url);
  socket.onerror = (event: { message?: string }): void => {
    message ||= event.message ?? "";
  };
  socket.onclose = (): void => resolve(message);
  return promise;
}

Deno.test("explainNetworkError says a refused connection in plain words", async (t) => {
  const port = closedPort();
  const target = { hostname: "127.0.0.1", port };
  const expected = `connection refused by 127.0.0.1:${port}`;

  await t.step("Deno.connect's ConnectionRefused, and its message as text", async () => {
    const err = await failure(Deno.connect(target));
    strictEqual(explainNetworkError(err, target), expected);
    strictEqual(explainNetworkError((err as Error).message, target), expected);
  });
  await t.step("fetch's TypeError with the connect error as its cause", async () => {
    const err = await failure(fetch(`http://127.0.0.1:${port}/`));
    strictEqual(explainNetworkError(err, target), expected);
  });
  await t.step("node:net's ECONNREFUSED (the npm ws client for trustAllCerts)", async () => {
    const { promise, resolve } = Promise.withResolvers<Error>();
    net.connect({ host: "127.0.0.1", port }).on("error", resolve);
    strictEqual(explainNetworkError(await promise, target), expected);
  });
  await t.step("the WebSocket source's own client, as connection.ts hears it", async () => {
    const open = frameSocket({ maxMessageBytes: MAX_MESSAGE_BYTES });
    const message = await socketError((url) => open(url, []), `ws://127.0.0.1:${port}/`);
    strictEqual(explainNetworkError(message, target), expected);
  });
  await t.step("Deno's built-in WebSocket, which says only `tcp connect error`", async () => {
    const message = await socketError((url) => new WebSocket(url), `ws://127.0.0.1:${port}/`);
    strictEqual(explainNetworkError(message, target), `cannot connect to 127.0.0.1:${port}`);
  });
});

Deno.test("explainNetworkError says an unknown host in plain words", async (t) => {
  // The resolver here (/etc/resolv.conf) is a remote server, so a lookup of a
  // `.invalid` name would leave the machine: these are the texts Deno 2.9.6
  // and node:net gave for `nosuchhost.invalid`, captured once.
  const target = { hostname: "nosuchhost.invalid", port: 8765 };
  const expected = "host not found: nosuchhost.invalid";
  const cases: [string, unknown][] = [
    [
      "Deno.connect, Deno.connectTls",
      new Error("failed to lookup address information: Name or service not known"),
    ],
    [
      "fetch",
      new TypeError("fetch failed", {
        cause: new Error(
          "error sending request for url (http://nosuchhost.invalid/): client error (Connect): " +
            "dns error: failed to lookup address information: Name or service not known",
        ),
      }),
    ],
    ["the built-in WebSocket", "NetworkError: failed to connect to WebSocket: dns error"],
    [
      "node:net",
      Object.assign(new Error("getaddrinfo ENOTFOUND nosuchhost.invalid"), { code: "ENOTFOUND" }),
    ],
    ["macOS", "failed to lookup address information: nodename nor servname provided, or not known"],
    ["Windows", "No such host is known. (os error 11001)"],
  ];
  for (const [name, error] of cases) {
    await t.step(name, () => strictEqual(explainNetworkError(error, target), expected));
  }
  await t.step("a DNS server that does not answer", () => {
    strictEqual(
      explainNetworkError(
        "failed to lookup address information: Temporary failure in name resolution",
        target,
      ),
      "cannot look up host nosuchhost.invalid: DNS did not answer",
    );
  });
});

Deno.test("explainNetworkError leaves other failures as they are", () => {
  const target = { hostname: "127.0.0.1", port: 1 };
  strictEqual(
    explainNetworkError(new Error("invalid peer certificate: UnknownIssuer"), target),
    "invalid peer certificate: UnknownIssuer",
  );
  strictEqual(
    explainNetworkError("Unexpected HTTP 403 Forbidden", target),
    "Unexpected HTTP 403 Forbidden",
  );
  strictEqual(explainNetworkError(null, target), "null");
});

Deno.test("networkTargetOf and formatTarget name a URL's host and port", () => {
  strictEqual(formatTarget(networkTargetOf("ws://127.0.0.1:8765/")), "127.0.0.1:8765");
  strictEqual(formatTarget(networkTargetOf("wss://example.com/feed")), "example.com:443");
  strictEqual(formatTarget(networkTargetOf("ws://example.com")), "example.com:80");
  strictEqual(formatTarget(networkTargetOf(new URL("ws://[::1]:9/"))), "[::1]:9");
  strictEqual(
    explainNetworkError("Connection refused (os error 111)", networkTargetOf("ws://[::1]:9/")),
    "connection refused by [::1]:9",
  );
});
