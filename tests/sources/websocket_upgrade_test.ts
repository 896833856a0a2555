import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  acceptFor,
  checkUpgradeResponse,
  headEnd,
  MAX_RESPONSE_HEAD,
  newKey,
  type UpgradeOutcome,
  upgradeRequest,
} from "../../src/sources/websocket/upgrade.ts";

/** The RFC 6455 section 1.3 example. */
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/** The accept key computed apart from the code under test. */
function expectedAccept(key: string): string {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

/** Latin1 text as bytes, one byte per character. */
function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

/** A response head: the lines, CRLF line ends, then the blank line. */
function head(...lines: string[]): Uint8Array {
  return latin1(lines.join("\r\n") + "\r\n\r\n");
}

/** The request as text, one character per byte. */
function requestText(
  url: string,
  headers: readonly (readonly [string, string])[] = [],
): string {
  return Buffer.from(upgradeRequest(new URL(url), headers, KEY)).toString("latin1");
}

/** The request a URL must give, with the host line and target named. */
function expectedRequest(target: string, host: string, extra: readonly string[] = []): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: ${host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${KEY}`,
    "Sec-WebSocket-Version: 13",
    ...extra,
  ].join("\r\n") + "\r\n\r\n";
}

/** Whether `text` holds a C0 control character or DEL. */
function hasControl(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/** The reason of a failed outcome; fails the test on success. */
function reasonOf(outcome: UpgradeOutcome): string {
  ok(!outcome.ok, "expected the handshake to fail");
  return outcome.reason;
}

Deno.test("newKey and acceptFor", async (t) => {
  await t.step("acceptFor answers the RFC 6455 example", async () => {
    strictEqual(await acceptFor(KEY), ACCEPT);
    strictEqual(expectedAccept(KEY), ACCEPT);
  });

  await t.step("newKey gives 16 random bytes in base64", async () => {
    const keys = Array.from({ length: 8 }, () => newKey());
    for (const key of keys) {
      match(key, /^[A-Za-z0-9+/]{22}==$/);
      strictEqual(Buffer.from(key, "base64").length, 16);
      strictEqual(await acceptFor(key), expectedAccept(key));
    }
    strictEqual(new Set(keys).size, keys.length);
  });

  await t.step("a new key is accepted by upgradeRequest", () => {
    const key = newKey();
    ok(Buffer.from(upgradeRequest(new URL("ws://h/"), [], key)).toString().includes(key));
  });
});

Deno.test("upgradeRequest writes the RFC 6455 section 4.1 request", async (t) => {
  const cases: readonly { url: string; target: string; host: string }[] = [
    { url: "ws://example.com/chat", target: "/chat", host: "example.com" },
    { url: "ws://example.com", target: "/", host: "example.com" },
    { url: "ws://example.com:80/", target: "/", host: "example.com" },
    { url: "ws://example.com:8080/", target: "/", host: "example.com:8080" },
    { url: "ws://example.com:443/", target: "/", host: "example.com:443" },
    { url: "wss://example.com/", target: "/", host: "example.com" },
    { url: "wss://example.com:443/", target: "/", host: "example.com" },
    { url: "wss://example.com:80/", target: "/", host: "example.com:80" },
    { url: "wss://example.com:8443/s", target: "/s", host: "example.com:8443" },
    { url: "WS://Example.COM/", target: "/", host: "example.com" },
    { url: "ws://[::1]:9000/x", target: "/x", host: "[::1]:9000" },
    { url: "ws://[::1]:80/", target: "/", host: "[::1]" },
    { url: "wss://[2001:db8::1]/", target: "/", host: "[2001:db8::1]" },
    { url: "wss://[2001:db8::1]:9443/", target: "/", host: "[2001:db8::1]:9443" },
    { url: "ws://127.0.0.1:7000/feed", target: "/feed", host: "127.0.0.1:7000" },
    {
      url: "ws://h/feed/v1?token=a%20b&x=1",
      target: "/feed/v1?token=a%20b&x=1",
      host: "h",
    },
    { url: "ws://h/p?q=1#frag", target: "/p?q=1", host: "h" },
    { url: "ws://h/p#frag", target: "/p", host: "h" },
    { url: "ws://user:secret@h/p", target: "/p", host: "h" },
    { url: "ws://bücher.example/", target: "/", host: "xn--bcher-kva.example" },
  ];
  for (const { url, target, host } of cases) {
    await t.step(`${url} -> GET ${target}, Host ${host}`, () => {
      strictEqual(requestText(url), expectedRequest(target, host));
    });
  }

  await t.step("never sends the fragment or the user info", () => {
    const text = requestText("ws://user:secret@h/p?q=1#frag");
    ok(!text.includes("frag"));
    ok(!text.includes("secret"));
    ok(!text.includes("user"));
  });

  await t.step("appends the user's headers in order", () => {
    const headers: [string, string][] = [
      ["Cookie", "session=abc; theme=dark"],
      ["Authorization", "Bearer t0k3n"],
      ["X-Trace", ""],
      ["x-lower", "v"],
      ["X-Tab", "a\tb"],
      ["Cookie", "second=1"],
    ];
    strictEqual(
      requestText("wss://example.com/feed", headers),
      expectedRequest("/feed", "example.com", [
        "Cookie: session=abc; theme=dark",
        "Authorization: Bearer t0k3n",
        "X-Trace: ",
        "x-lower: v",
        "X-Tab: a\tb",
        "Cookie: second=1",
      ]),
    );
  });

  await t.step("writes latin1 values one byte per character", () => {
    const bytes = upgradeRequest(new URL("ws://h/"), [["X-Name", "café"]], KEY);
    const line = latin1("X-Name: caf\xe9\r\n\r\n");
    deepStrictEqual(bytes.subarray(bytes.length - line.length), line);
  });
});

Deno.test("upgradeRequest throws a TypeError", async (t) => {
  const cases: readonly { name: string; headers: [string, string][]; message: RegExp }[] = [
    { name: "empty name", headers: [["", "v"]], message: /^Invalid header name "": expected/ },
    { name: "name with a space", headers: [["X Y", "v"]], message: /^Invalid header name "X Y"/ },
    { name: "name with a colon", headers: [["X:", "v"]], message: /^Invalid header name "X:"/ },
    {
      name: "name with CRLF",
      headers: [["X\r\nEvil", "v"]],
      message: /^Invalid header name "X\\x0d\\x0aEvil"/,
    },
    { name: "name with NUL", headers: [["X\0", "v"]], message: /^Invalid header name "X\\x00"/ },
    { name: "non-ASCII name", headers: [["Ünicode", "v"]], message: /^Invalid header name/ },
    { name: "name with a slash", headers: [["a/b", "v"]], message: /^Invalid header name/ },
    { name: "value with CR", headers: [["X-A", "a\rb"]], message: /CR, LF or NUL/ },
    { name: "value with LF", headers: [["X-A", "a\nb"]], message: /CR, LF or NUL/ },
    { name: "value with NUL", headers: [["X-A", "a\0b"]], message: /CR, LF or NUL/ },
    {
      name: "value smuggling a header",
      headers: [["Cookie", "a=b\r\nHost: evil"]],
      message: /^Invalid value of header "Cookie": it holds a CR, LF or NUL character$/,
    },
    { name: "value with another control", headers: [["X-A", "a\x1bb"]], message: /only tab/ },
    { name: "value with DEL", headers: [["X-A", "a\x7fb"]], message: /only tab/ },
    { name: "value beyond latin1", headers: [["X-A", "5 €"]], message: /only tab/ },
    {
      name: "a bad header after good ones",
      headers: [["Cookie", "a=b"], ["X-B", "\n"]],
      message: /"X-B"/,
    },
  ];
  for (const { name, headers, message } of cases) {
    await t.step(name, () => {
      throws(() => upgradeRequest(new URL("ws://h/"), headers, KEY), (err: unknown) => {
        ok(err instanceof TypeError);
        match(err.message, message);
        ok(!hasControl(err.message), "the message holds a raw control character");
        ok(!err.message.endsWith("."));
        return true;
      });
    });
  }

  const reserved = [
    "Host",
    "host",
    "UPGRADE",
    "Connection",
    "Sec-WebSocket-Key",
    "sec-websocket-version",
    "Sec-WebSocket-Extensions",
    "SEC-WEBSOCKET-PROTOCOL",
  ];
  for (const name of reserved) {
    await t.step(`a user header named ${name}`, () => {
      throws(
        () => upgradeRequest(new URL("ws://h/"), [["Cookie", "a=b"], [name, "x"]], KEY),
        new TypeError(`Invalid header "${name}": the WebSocket handshake sets it itself`),
      );
    });
  }

  await t.step("does not quote a refused value (it may be a secret)", () => {
    throws(
      () => upgradeRequest(new URL("ws://h/"), [["Authorization", "Bearer s3cret\n"]], KEY),
      (err: unknown) => err instanceof TypeError && !err.message.includes("s3cret"),
    );
  });

  await t.step("a scheme other than ws: or wss:", () => {
    throws(
      () => upgradeRequest(new URL("http://h/"), [], KEY),
      new TypeError('Invalid WebSocket URL scheme "http:": expected ws: or wss:'),
    );
  });

  await t.step("a key that is not 16 bytes in base64", () => {
    for (const key of ["", "abc", `${KEY}\r\nX-Evil: 1`, "dGhlIHNhbXBsZSBub25jZQ"]) {
      throws(() => upgradeRequest(new URL("ws://h/"), [], key), TypeError);
    }
  });
});

Deno.test("headEnd finds the end of the response head", async (t) => {
  const cases: readonly { text: string; end: number }[] = [
    { text: "", end: -1 },
    { text: "HTTP/1.1 101 OK\r\n", end: -1 },
    { text: "HTTP/1.1 101 OK\r\n\r", end: -1 },
    { text: "\r\n\r\n", end: 4 },
    { text: "ab\r\n\r\n", end: 6 },
    { text: "ab\n\n\r\n\r\n", end: 8 },
    { text: "ab\r\n\r\n\x81\x05hello", end: 6 },
    { text: "a\r\n\r\nb\r\n\r\n", end: 5 },
  ];
  for (const { text, end } of cases) {
    await t.step(`${JSON.stringify(text)} -> ${end}`, () => {
      strictEqual(headEnd(latin1(text)), end);
    });
  }

  await t.step("MAX_RESPONSE_HEAD is 16 KiB", () => {
    strictEqual(MAX_RESPONSE_HEAD, 16384);
  });
});

Deno.test("checkUpgradeResponse accepts a correct answer", async (t) => {
  const accept = expectedAccept(KEY);
  const cases: readonly { name: string; head: Uint8Array }[] = [
    {
      name: "the RFC 6455 example",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
      ),
    },
    {
      name: "lowercase header names",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        "upgrade: websocket",
        "connection: upgrade",
        `sec-websocket-accept: ${accept}`,
      ),
    },
    {
      name: "uppercase header names and values",
      head: head(
        "HTTP/1.1 101 SWITCHING PROTOCOLS",
        "UPGRADE: WEBSOCKET",
        "CONNECTION: UPGRADE",
        `SEC-WEBSOCKET-ACCEPT: ${accept}`,
      ),
    },
    {
      name: "no reason phrase, no space after the code",
      head: head(
        "HTTP/1.1 101",
        "Upgrade: WebSocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
      ),
    },
    {
      name: "whitespace around values, other headers, a Connection list",
      head: head(
        "HTTP/1.1 101 ",
        "Server: test",
        "Upgrade:websocket\t",
        "Connection:  keep-alive ,Upgrade  ",
        `Sec-WebSocket-Accept: \t${accept} `,
        "Date: Mon, 01 Jan 2024 00:00:00 GMT",
      ),
    },
    {
      name: "Connection repeated over two lines",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: keep-alive",
        "Connection: Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
      ),
    },
    {
      name: "a folded header (obs-fold)",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: keep-alive,",
        "  Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
      ),
    },
    {
      name: "empty extension and subprotocol headers",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Accept: ${accept}`,
        "Sec-WebSocket-Extensions:",
        "Sec-WebSocket-Protocol: ",
      ),
    },
  ];
  for (const { name, head } of cases) {
    await t.step(name, async () => {
      deepStrictEqual(await checkUpgradeResponse(head, KEY), { ok: true });
    });
  }

  await t.step("ignores bytes after the head", async () => {
    const bytes = latin1(
      `HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n\x81\x02hi`,
    );
    deepStrictEqual(await checkUpgradeResponse(bytes.subarray(0, headEnd(bytes)), KEY), {
      ok: true,
    });
    deepStrictEqual(await checkUpgradeResponse(bytes, KEY), { ok: true });
    const withFrames = new Uint8Array(bytes.length + MAX_RESPONSE_HEAD);
    withFrames.set(bytes);
    deepStrictEqual(await checkUpgradeResponse(withFrames, KEY), { ok: true });
  });

  await t.step("accepts a fresh key's answer", async () => {
    const key = newKey();
    const answer = head(
      "HTTP/1.1 101 Switching Protocols",
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Accept: ${expectedAccept(key)}`,
    );
    deepStrictEqual(await checkUpgradeResponse(answer, key), { ok: true });
  });
});

Deno.test("checkUpgradeResponse fails and says what the server did", async (t) => {
  const accept = expectedAccept(KEY);
  const upgrade = "Upgrade: websocket";
  const connection = "Connection: Upgrade";
  const acceptLine = `Sec-WebSocket-Accept: ${accept}`;
  const cases: readonly {
    name: string;
    head: Uint8Array;
    outcome: { ok: false; status?: number; reason: string };
  }[] = [
    {
      name: "a status line that is not HTTP",
      head: head("SSH-2.0-OpenSSH_9.6"),
      outcome: {
        ok: false,
        reason: 'The server did not answer in HTTP: its first line is "SSH-2.0-OpenSSH_9.6"',
      },
    },
    {
      name: "a status code that is not three digits",
      head: head("HTTP/1.1 1010 Switching"),
      outcome: {
        ok: false,
        reason: 'The server did not answer in HTTP: its first line is "HTTP/1.1 1010 Switching"',
      },
    },
    {
      name: "an empty status line",
      head: head(""),
      outcome: { ok: false, reason: 'The server did not answer in HTTP: its first line is ""' },
    },
    {
      name: "HTTP/1.0",
      head: head("HTTP/1.0 101 Switching Protocols", upgrade, connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server answered in HTTP/1.0 (101 Switching Protocols): " +
          "a WebSocket handshake needs HTTP/1.1 (RFC 6455 section 4.1)",
      },
    },
    {
      name: "HTTP/2",
      head: head("HTTP/2 200"),
      outcome: {
        ok: false,
        status: 200,
        reason: "The server answered in HTTP/2 (200): " +
          "a WebSocket handshake needs HTTP/1.1 (RFC 6455 section 4.1)",
      },
    },
    {
      name: "401 Unauthorized",
      head: head("HTTP/1.1 401 Unauthorized", "WWW-Authenticate: Bearer"),
      outcome: { ok: false, status: 401, reason: "Unexpected server response: 401 Unauthorized" },
    },
    {
      name: "200 without a reason phrase",
      head: head("HTTP/1.1 200"),
      outcome: { ok: false, status: 200, reason: "Unexpected server response: 200" },
    },
    {
      name: "426 Upgrade Required",
      head: head("HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13"),
      outcome: {
        ok: false,
        status: 426,
        reason: "Unexpected server response: 426 Upgrade Required",
      },
    },
    {
      name: "a 101 without Upgrade",
      head: head("HTTP/1.1 101 Switching Protocols", connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server answered 101 without an Upgrade header (RFC 6455 section 4.1)",
      },
    },
    {
      name: "an upgrade to another protocol",
      head: head("HTTP/1.1 101 Switching Protocols", "Upgrade: h2c", connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server upgraded to "h2c" instead of websocket (RFC 6455 section 4.1)',
      },
    },
    {
      name: "Upgrade repeated",
      head: head("HTTP/1.1 101 OK", upgrade, upgrade, connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason:
          'The server upgraded to "websocket, websocket" instead of websocket (RFC 6455 section 4.1)',
      },
    },
    {
      name: "a 101 without Connection",
      head: head("HTTP/1.1 101 Switching Protocols", upgrade, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server answered 101 without a Connection header (RFC 6455 section 4.1)",
      },
    },
    {
      name: "Connection without the upgrade token",
      head: head("HTTP/1.1 101 OK", upgrade, "Connection: keep-alive, upgraded", acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server\'s Connection header "keep-alive, upgraded" lacks the upgrade token ' +
          "(RFC 6455 section 4.1)",
      },
    },
    {
      name: "a missing Sec-WebSocket-Accept",
      head: head("HTTP/1.1 101 Switching Protocols", upgrade, connection),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server answered 101 without a Sec-WebSocket-Accept header " +
          "(RFC 6455 section 4.1)",
      },
    },
    {
      name: "a wrong Sec-WebSocket-Accept (another key's)",
      head: head(
        "HTTP/1.1 101 Switching Protocols",
        upgrade,
        connection,
        `Sec-WebSocket-Accept: ${expectedAccept("AAAAAAAAAAAAAAAAAAAAAA==")}`,
      ),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server's Sec-WebSocket-Accept is wrong (RFC 6455 section 4.1): " +
          "it did not answer this handshake",
      },
    },
    {
      name: "a Sec-WebSocket-Accept in the wrong case",
      head: head(
        "HTTP/1.1 101 OK",
        upgrade,
        connection,
        `Sec-WebSocket-Accept: ${accept.toLowerCase()}`,
      ),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server's Sec-WebSocket-Accept is wrong (RFC 6455 section 4.1): " +
          "it did not answer this handshake",
      },
    },
    {
      name: "Sec-WebSocket-Accept repeated",
      head: head("HTTP/1.1 101 OK", upgrade, connection, acceptLine, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: "The server's Sec-WebSocket-Accept is wrong (RFC 6455 section 4.1): " +
          "it did not answer this handshake",
      },
    },
    {
      name: "an extension the client did not ask for",
      head: head(
        "HTTP/1.1 101 OK",
        upgrade,
        connection,
        acceptLine,
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
      ),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server chose the extension "permessage-deflate; client_max_window_bits", ' +
          "which the client did not ask for (RFC 6455 section 4.1)",
      },
    },
    {
      name: "a subprotocol the client did not ask for",
      head: head(
        "HTTP/1.1 101 OK",
        upgrade,
        connection,
        acceptLine,
        "sec-websocket-protocol: chat",
      ),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server chose the subprotocol "chat", ' +
          "which the client did not ask for (RFC 6455 section 4.1)",
      },
    },
    {
      name: "a header line without a colon",
      head: head("HTTP/1.1 101 OK", upgrade, "NoColonHere", connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server sent a malformed header line "NoColonHere"',
      },
    },
    {
      name: "whitespace before the colon",
      head: head("HTTP/1.1 101 OK", "Upgrade : websocket", connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server sent a malformed header line "Upgrade : websocket"',
      },
    },
    {
      name: "a fold before any header",
      head: head("HTTP/1.1 101 OK", " folded", upgrade, connection, acceptLine),
      outcome: {
        ok: false,
        status: 101,
        reason: 'The server sent a malformed header line " folded"',
      },
    },
    {
      name: "a head without the blank line",
      head: latin1("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n"),
      outcome: {
        ok: false,
        reason: "The server's response head does not end with a blank line",
      },
    },
    {
      name: "a head longer than MAX_RESPONSE_HEAD",
      head: head("HTTP/1.1 101 OK", `X-Pad: ${"a".repeat(MAX_RESPONSE_HEAD)}`),
      outcome: {
        ok: false,
        reason: "The server's response head is longer than 16384 bytes",
      },
    },
  ];
  for (const { name, head, outcome } of cases) {
    await t.step(name, async () => {
      deepStrictEqual(await checkUpgradeResponse(head, KEY), outcome);
    });
  }
});

Deno.test("checkUpgradeResponse escapes and caps the server's text", async (t) => {
  const accept = expectedAccept(KEY);

  await t.step("a status text with an ESC sequence and a newline", async () => {
    const outcome = await checkUpgradeResponse(
      head("HTTP/1.1 401 \x1b[31mUnauthorized\n2024-01-01 INFO forged line\r"),
      KEY,
    );
    const reason = reasonOf(outcome);
    strictEqual(
      reason,
      "Unexpected server response: 401 \\x1b[31mUnauthorized\\x0a2024-01-01 INFO forged line\\x0d",
    );
    ok(!hasControl(reason), "a raw control character reached the reason");
    strictEqual(outcome.ok === false && outcome.status, 401);
  });

  await t.step("a very long status text is capped at 200 characters", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(head(`HTTP/1.1 401 ${"A".repeat(5000)}`), KEY),
    );
    const prefix = "Unexpected server response: 401 ";
    ok(reason.startsWith(prefix));
    const quoted = reason.slice(prefix.length);
    strictEqual(quoted.length, 200);
    strictEqual(quoted, `${"A".repeat(197)}...`);
  });

  await t.step("the cap never cuts an escape in half", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(head(`HTTP/1.1 500 ${"\x1b".repeat(100)}`), KEY),
    );
    const quoted = reason.slice("Unexpected server response: 500 ".length);
    ok(quoted.length <= 200);
    match(quoted, /^(\\x1b)+\.\.\.$/);
  });

  await t.step("a status text of exactly 200 characters is kept whole", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(head(`HTTP/1.1 403 ${"B".repeat(200)}`), KEY),
    );
    strictEqual(reason, `Unexpected server response: 403 ${"B".repeat(200)}`);
  });

  await t.step("non-ASCII bytes show as \\xNN, read as latin1", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(head("HTTP/1.1 404 Not Found \xe9\x80\xff"), KEY),
    );
    strictEqual(reason, "Unexpected server response: 404 Not Found \\xe9\\x80\\xff");
  });

  await t.step("backslashes and quotes are escaped", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(
        head(
          "HTTP/1.1 101 OK",
          'Upgrade: a"b\\x1b',
          "Connection: Upgrade",
          `Sec-WebSocket-Accept: ${accept}`,
        ),
        KEY,
      ),
    );
    strictEqual(
      reason,
      'The server upgraded to "a\\"b\\\\x1b" instead of websocket (RFC 6455 section 4.1)',
    );
  });

  await t.step("a header value with an ESC sequence and a bare CR", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(
        head(
          "HTTP/1.1 101 OK",
          "Upgrade: websocket",
          "Connection: close\r\x1b[2K",
          `Sec-WebSocket-Accept: ${accept}`,
        ),
        KEY,
      ),
    );
    ok(!hasControl(reason), "a raw control character reached the reason");
    match(reason, /"close\\x0d\\x1b\[2K"/);
  });

  await t.step("a long extension list is capped", async () => {
    const reason = reasonOf(
      await checkUpgradeResponse(
        head(
          "HTTP/1.1 101 OK",
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Accept: ${accept}`,
          `Sec-WebSocket-Extensions: ${"x".repeat(1000)}`,
        ),
        KEY,
      ),
    );
    ok(reason.includes(`"${"x".repeat(197)}..."`));
    ok(!reason.includes("x".repeat(198)));
  });
});
