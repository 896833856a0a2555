import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import type { ConfigOf } from "../../src/api/properties.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import type { Settings } from "../../src/config/settings.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { handshakeHeaders, initMessages } from "../../src/sources/websocket/handshake.ts";
import { WEBSOCKET_PROPERTIES } from "../../src/sources/websocket/spec.ts";
import { redactUrl } from "../../src/util/redact.ts";

const HEAD = [
  "a1.sources = w1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sources.w1.type = websocket",
  "a1.sources.w1.channels = c1",
];

function load(lines: string[]): ReturnType<typeof loadAgentConfig> {
  return loadAgentConfig([...HEAD, ...lines].join("\n"), {
    file: "w.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: () => undefined, sys: {} },
  });
}

function issues(lines: string[]): ConfigIssue[] {
  try {
    return [...load(lines).warnings];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
}

interface Row {
  name: string;
  lines: string[];
  property: string;
  message: RegExp;
  /** The hint, when the row checks it. */
  hint?: string;
}

/** The hint of every endpoint that is not a ws:// or wss:// URL. */
const ENDPOINT_HINT = "use ws://host:port/path or wss://host/path";

const ERRORS: Row[] = [
  {
    name: "missing endpoint",
    lines: [],
    property: "endpoint",
    message: /Missing required property "endpoint"/,
  },
  {
    name: "an http URL",
    lines: ["a1.sources.w1.endpoint = http://example.test/"],
    property: "endpoint",
    message: /^Invalid endpoint "http:\/\/example\.test\/": expected a ws:\/\/ or wss:\/\/ URL$/,
    hint: ENDPOINT_HINT,
  },
  {
    name: "not a URL",
    lines: ["a1.sources.w1.endpoint = example.test:80"],
    property: "endpoint",
    message: /Invalid endpoint "example\.test:80"/,
    hint: ENDPOINT_HINT,
  },
  {
    name: "a host and port without a scheme",
    lines: ["a1.sources.w1.endpoint = 127.0.0.1:80"],
    property: "endpoint",
    message: /^Invalid endpoint "127\.0\.0\.1:80": not a URL$/,
    hint: ENDPOINT_HINT,
  },
  {
    name: "a malformed URL shows no user info and no query values",
    lines: ["a1.sources.w1.endpoint = wss//alice:s3cret@feed.test/?token=abc123&x=1"],
    property: "endpoint",
    message: /^Invalid endpoint "wss\/\/\*\*\*@feed\.test\/\?token=\*\*\*&x=\*\*\*": not a URL$/,
    hint: ENDPOINT_HINT,
  },
  {
    name: "sslEnabled=true with ws://",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.sslEnabled = true"],
    property: "sslEnabled",
    message: /sslEnabled=true with a ws:\/\/ endpoint/,
  },
  {
    name: "sslEnabled=false stated with wss://",
    lines: ["a1.sources.w1.endpoint = wss://127.0.0.1:1/", "a1.sources.w1.sslEnabled = false"],
    property: "sslEnabled",
    message: /sslEnabled=false with a wss:\/\/ endpoint/,
  },
  {
    name: "a negative retryDelay",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.retryDelay = -5"],
    property: "retryDelay",
    message: /Invalid retryDelay "-5": must be greater than 0/,
  },
  {
    name: "a non-numeric retryDelay",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.retryDelay = 5s"],
    property: "retryDelay",
    message: /Invalid retryDelay "5s": expected a number/,
  },
  {
    name: "retryMaxDelay below retryDelay",
    lines: [
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.retryDelay = 10",
      "a1.sources.w1.retryMaxDelay = 5",
    ],
    property: "retryMaxDelay",
    message: /retryMaxDelay 5 is smaller than retryDelay 10/,
  },
  {
    name: "a cookie ID without its value",
    lines: [
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.cookies = c1",
      "a1.sources.w1.cookie.c1.name = session",
    ],
    property: "cookies",
    message: /Cookie "c1" is listed in cookies but has no cookie\.c1\.value/,
  },
  {
    name: "a cookie ID without its name",
    lines: [
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.cookies = c1",
      "a1.sources.w1.cookie.c1.value = v",
    ],
    property: "cookies",
    message: /has no cookie\.c1\.name/,
  },
  {
    name: "an initMessages ID without its text",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.initMessages = auth"],
    property: "initMessages",
    message: /initMessage\.auth is not set/,
  },
  {
    name: "pingMessage without pingInterval",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.pingMessage = ping"],
    property: "pingMessage",
    message: /pingMessage and pingInterval go together/,
  },
  {
    name: "a zero connectTimeout",
    lines: ["a1.sources.w1.endpoint = ws://127.0.0.1:1/", "a1.sources.w1.connectTimeout = 0"],
    property: "connectTimeout",
    message: /^Invalid connectTimeout "0": must be greater than 0$/,
  },
  {
    name: "a zero pingInterval",
    lines: [
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.pingMessage = ping",
      "a1.sources.w1.pingInterval = 0",
    ],
    property: "pingInterval",
    message: /^Invalid pingInterval "0": must be greater than 0$/,
  },
  {
    name: "a retryMaxDelay too large for a timer",
    lines: [
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.retryMaxDelay = 2147484",
    ],
    property: "retryMaxDelay",
    message: /^Invalid retryMaxDelay "2147484": must be at most 2147483$/,
    hint: "that is about 24.8 days, the longest wait a timer holds",
  },
];

Deno.test("websocket source configuration errors", async (t) => {
  for (const row of ERRORS) {
    await t.step(row.name, () => {
      const found = issues(row.lines).filter((i) => i.severity === "error");
      strictEqual(found.length, 1, JSON.stringify(found));
      strictEqual(found[0].property, row.property);
      strictEqual(found[0].component, "sources.w1");
      match(found[0].message, row.message);
      if (row.hint !== undefined) strictEqual(found[0].hint, row.hint);
      ok(found[0].line !== undefined && found[0].line > 0);
    });
  }
});

Deno.test("websocket source configuration warnings", async (t) => {
  await t.step("a cookie not listed in cookies is not sent", () => {
    const found = issues([
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.cookie.x.name = n",
      "a1.sources.w1.cookie.x.value = v",
    ]);
    deepStrictEqual(found.map((i) => [i.severity, i.line]), [["warning", 7]]);
    match(found[0].message, /Cookie "x" is not listed in cookies: not sent/);
  });
  await t.step("a typo gets a hint", () => {
    const [w] = issues([
      "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.w1.retryDelya = 5",
    ]);
    strictEqual(w.hint, `did you mean "retryDelay"?`);
  });
});

Deno.test("websocket handshake material is read from the settings", async (t) => {
  const source = load([
    "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
    "a1.sources.w1.cookies = b a",
    "a1.sources.w1.cookie.a.name = first",
    'a1.sources.w1.cookie.a.value = "1"',
    "a1.sources.w1.cookie.b.name = second",
    "a1.sources.w1.cookie.b.value = 2",
    "a1.sources.w1.header.Authorization = Bearer t",
    "a1.sources.w1.initMessage = one",
    "a1.sources.w1.initMessages = x",
    "a1.sources.w1.initMessage.x = two",
  ]).sources[0];
  const { settings } = source;
  const config = source.config as ConfigOf<typeof WEBSOCKET_PROPERTIES>;
  await t.step("cookies follow the cookies list order; quotes stay", () => {
    deepStrictEqual(config.cookies, ["b", "a"]);
    deepStrictEqual(handshakeHeaders(config.cookies ?? [], settings), [
      ["Authorization", "Bearer t"],
      ["Cookie", `second=2; first="1"`],
    ]);
  });
  await t.step("initMessage goes first, then initMessages", () => {
    deepStrictEqual(initMessages(config, settings), ["one", "two"]);
  });
  await t.step("secrets are masked in check output", () => {
    ok(settings.isSecret("cookie.a.value"));
    ok(settings.isSecret("header.Authorization"));
    ok(!settings.isSecret("cookie.a.name"));
  });
});

Deno.test("redactUrl hides credentials and query values", () => {
  strictEqual(
    redactUrl("wss://user:pw@example.test/feed?token=abc&x=1"),
    "wss://example.test/feed?token=***&x=***",
  );
  strictEqual(redactUrl("ws://127.0.0.1:8765/"), "ws://127.0.0.1:8765/");
});

Deno.test("a valid websocket source gets the documented defaults", () => {
  const source = load(["a1.sources.w1.endpoint = ws://127.0.0.1:1/"]).sources[0];
  // The source's settings are declared by WEBSOCKET_PROPERTIES.
  const s = source.settings as Settings<typeof WEBSOCKET_PROPERTIES>;
  // Durations are written in seconds and held in milliseconds.
  deepStrictEqual(
    (["retryDelay", "connectTimeout", "idleTimeout", "backlogCapacity"] as const).map((n) =>
      s.get(n)
    ),
    [30000, 10000, 0, 10000],
  );
  deepStrictEqual(
    ["retryDelay", "connectTimeout", "idleTimeout", "backlogCapacity"].map((n) => source.config[n]),
    [30000, 10000, 0, 10000],
  );
  strictEqual(s.get("trustAllCerts"), false);
  strictEqual(s.get("endpoint"), "ws://127.0.0.1:1/");
  // A property is read with its declared type: the endpoint is no number.
  // @ts-expect-error endpoint is a string
  const endpoint: number | undefined = s.get("endpoint");
  strictEqual(typeof endpoint, "string");
});
