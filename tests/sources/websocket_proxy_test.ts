import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { bypassesProxy, parseProxy, proxyFromEnv } from "../../src/sources/websocket/proxy.ts";
import { runCli, withTempDir } from "../support/cli.ts";
import { ConnectProxy } from "../support/connect_proxy.ts";
import { startWssServer } from "../support/tls_servers.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "5" };
const FIXTURES = new URL("../fixtures/tls/", import.meta.url).pathname;
const TRUST = { keyStorePath: `${FIXTURES}truststore.pem`, keyStoreType: "PEM" };
const PROXY_VARIABLES = [
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "NO_PROXY",
  "no_proxy",
];

/** Loads a1.sources.w1 (websocket) with these extra `w1` properties. */
function load(lines: string[]): ReturnType<typeof loadAgentConfig> {
  const head = [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
  ];
  return loadAgentConfig([...head, ...lines.map((l) => `a1.sources.w1.${l}`)].join("\n"), {
    file: "w.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: () => undefined, sys: {} },
  });
}

/** The errors and warnings of loading these `w1` properties. */
function issues(lines: string[]): ConfigIssue[] {
  try {
    return [...load(lines).warnings];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
}

/** Runs `body` with these proxy variables set (and every other one unset), then restores. */
async function withProxyEnv(
  values: Record<string, string>,
  body: () => Promise<void>,
): Promise<void> {
  const saved = new Map(PROXY_VARIABLES.map((name) => [name, Deno.env.get(name)]));
  for (const name of PROXY_VARIABLES) Deno.env.delete(name);
  for (const [name, value] of Object.entries(values)) Deno.env.set(name, value);
  try {
    await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

Deno.test("websocket source reaches a ws:// server through a CONNECT proxy", async (t) => {
  await t.step("without credentials", async () => {
    const server = await WsTestServer.start();
    const proxy = ConnectProxy.start();
    server.onConnection = (c) => void c.sendText("via proxy");
    const h = sourceHarness({ endpoint: server.url("/feed"), proxy: proxy.url(), ...FAST });
    try {
      await h.source.start();
      await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
      deepStrictEqual(await h.drainText(), ["via proxy"]);
      strictEqual(proxy.tunnels, 1);
      strictEqual(proxy.requests[0].target, `127.0.0.1:${server.port}`);
      strictEqual(proxy.requests[0].authorization, undefined);
      strictEqual(server.handshakes[0].path, "/feed");
    } finally {
      await h.source.stop();
      await proxy.close();
      await server.close();
    }
  });
  await t.step("with Basic credentials, which never reach a log line", async () => {
    const server = await WsTestServer.start();
    const proxy = ConnectProxy.start({ credentials: { user: "feeder", password: "s3cr3t-pw" } });
    server.onConnection = (c) => void c.sendText("authorised");
    const h = sourceHarness({
      endpoint: server.url(),
      proxy: proxy.url("feeder:s3cr3t-pw"),
      ...FAST,
    });
    try {
      await h.source.start();
      await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
      strictEqual(proxy.requests[0].authorization, `Basic ${btoa("feeder:s3cr3t-pw")}`);
      ok(h.log.entries.every((e) => !e.message.includes("s3cr3t-pw")));
    } finally {
      await h.source.stop();
      await proxy.close();
      await server.close();
    }
  });
});

Deno.test("websocket source reaches a wss:// server through a CONNECT proxy, TLS to the origin", async () => {
  const server = await startWssServer({
    cert: Deno.readTextFileSync(`${FIXTURES}server.pem`),
    key: Deno.readTextFileSync(`${FIXTURES}server-key.pem`),
  });
  const proxy = ConnectProxy.start();
  const h = sourceHarness({ endpoint: server.url(), proxy: proxy.url(), ...TRUST, ...FAST });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
    deepStrictEqual(await h.drainText(), ["hello over tls"]);
    strictEqual(proxy.tunnels, 1);
    strictEqual(proxy.requests[0].target, `127.0.0.1:${server.port}`);
  } finally {
    await h.source.stop();
    await proxy.close();
    await server.close();
  }
});

Deno.test("websocket source counts a 407 from the proxy as a failed attempt, password unlogged", async () => {
  const server = await WsTestServer.start();
  const proxy = ConnectProxy.start({ credentials: { user: "feeder", password: "right-pw" } });
  const h = sourceHarness({
    endpoint: server.url(),
    proxy: proxy.url("feeder:wrong-pw-123"),
    ...FAST,
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 2, "two failed attempts");
    strictEqual(server.handshakes.length, 0);
    strictEqual(proxy.tunnels, 0);
    const warnings = h.log.messages("warn").join("\n");
    match(
      warnings,
      new RegExp(`proxy 127\\.0\\.0\\.1:${proxy.port} refused CONNECT: 407 Proxy Authentication`),
    );
    ok(h.log.entries.every((e) => !e.message.includes("wrong-pw-123")), "password in a log line");
    ok(!String(h.source.source.health?.().lastError).includes("wrong-pw-123"));
  } finally {
    await h.source.stop();
    await proxy.close();
    await server.close();
  }
});

Deno.test("websocket source uses HTTP_PROXY for ws://, unless NO_PROXY or proxy = none", async (t) => {
  const server = await WsTestServer.start();
  const proxy = ConnectProxy.start();
  server.onConnection = (c) => void c.sendText("hi");
  /** Connects once; returns how many tunnels the proxy opened meanwhile. */
  const connectOnce = async (properties: Record<string, string> = {}): Promise<number> => {
    const before = proxy.tunnels;
    const h = sourceHarness({ endpoint: server.url(), ...FAST, ...properties });
    try {
      await h.source.start();
      await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the greeting");
      return proxy.tunnels - before;
    } finally {
      await h.source.stop();
    }
  };
  try {
    await t.step("HTTP_PROXY is used", async () => {
      await withProxyEnv({ HTTP_PROXY: proxy.url() }, async () => {
        strictEqual(await connectOnce(), 1);
      });
    });
    await t.step("lower-case http_proxy is used", async () => {
      await withProxyEnv({ http_proxy: proxy.url() }, async () => {
        strictEqual(await connectOnce(), 1);
      });
    });
    await t.step("HTTPS_PROXY is not used for ws://", async () => {
      await withProxyEnv({ HTTPS_PROXY: proxy.url() }, async () => {
        strictEqual(await connectOnce(), 0);
      });
    });
    await t.step("NO_PROXY naming the host (with its port) bypasses it", async () => {
      await withProxyEnv(
        { HTTP_PROXY: proxy.url(), NO_PROXY: `example.com, 127.0.0.1:${server.port}` },
        async () => strictEqual(await connectOnce(), 0),
      );
    });
    await t.step("NO_PROXY = * bypasses it", async () => {
      await withProxyEnv({ HTTP_PROXY: proxy.url(), no_proxy: "*" }, async () => {
        strictEqual(await connectOnce(), 0);
      });
    });
    await t.step("proxy = none turns the environment off", async () => {
      await withProxyEnv({ HTTP_PROXY: proxy.url() }, async () => {
        strictEqual(await connectOnce({ proxy: "none" }), 0);
      });
    });
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("NO_PROXY matches hosts, domains, ports and * as curl reads it", () => {
  const cases: [string, number, string, boolean][] = [
    ["feed.example.com", 443, "example.com", true],
    ["feed.example.com", 443, ".example.com", true],
    ["example.com", 443, ".example.com", true],
    ["badexample.com", 443, "example.com", false],
    ["feed.example.com", 443, "example.com:8443", false],
    ["feed.example.com", 8443, "example.com:8443", true],
    ["10.0.0.1", 80, "10.0.0.1", true],
    ["10.0.0.12", 80, "10.0.0.1", false],
    ["[::1]", 80, "::1", true],
    ["[::1]", 80, "[::1]:80", true],
    ["anything", 1, "*", true],
    ["anything", 1, "", false],
    ["a.internal", 1, "other,  a.internal other2", true],
  ];
  for (const [host, port, list, expected] of cases) {
    strictEqual(bypassesProxy(host, port, list), expected, `${host}:${port} vs "${list}"`);
  }
  const env = (values: Record<string, string>) => (name: string) => values[name];
  strictEqual(
    proxyFromEnv(new URL("wss://feed.example.com/"), env({ HTTPS_PROXY: "http://p:3128" }))
      ?.shown,
    "p:3128",
  );
  strictEqual(
    proxyFromEnv(new URL("wss://feed.example.com/"), env({ HTTP_PROXY: "http://p:3128" })),
    undefined,
  );
});

Deno.test("parseProxy reads http://user:pass@host:port and hides the credentials", () => {
  const proxy = parseProxy("http://us%40er:p%3Ass@proxy.local:3128")!;
  deepStrictEqual(
    { ...proxy },
    {
      hostname: "proxy.local",
      port: 3128,
      authorization: `Basic ${btoa("us@er:p:ss")}`,
      shown: "proxy.local:3128",
    },
  );
  strictEqual(parseProxy("proxy.local:8080")?.port, 8080);
  strictEqual(parseProxy("none"), undefined);
  strictEqual(parseProxy(" "), undefined);
  throws(() => parseProxy("https://u:topsecret@proxy:443"), (err: Error) => {
    return /expected an http:\/\/ proxy/.test(err.message) && !err.message.includes("topsecret");
  });
});

Deno.test("loadAgentConfig checks proxy and never shows its credentials", async (t) => {
  await t.step("an https:// proxy is an error without its password", () => {
    const found = issues(["endpoint = ws://feed:1/", "proxy = https://u:hunter2@p:1"]);
    const error = found.find((i) => i.property === "proxy" && i.severity === "error");
    ok(error, JSON.stringify(found));
    match(error.message, /expected an http:\/\/ proxy/);
    ok(!JSON.stringify(found).includes("hunter2"));
  });
  await t.step("proxy with trustAllCerts on wss:// is refused with a hint", () => {
    const found = issues([
      "endpoint = wss://feed:1/",
      "proxy = http://p:1",
      "trustAllCerts = true",
    ]);
    const error = found.find((i) => i.property === "proxy" && i.severity === "error");
    ok(error, JSON.stringify(found));
    match(error.message, /proxy with trustAllCerts = true is not supported/);
    match(error.hint ?? "", /keyStorePath/);
  });
  await t.step("a valid proxy loads", () => {
    const config = load(["endpoint = ws://feed:1/", "proxy = http://u:pw@p:3128"]);
    strictEqual(config.sources[0].config.proxy, "http://u:pw@p:3128");
  });
});

Deno.test("check masks proxy; check --connect tunnels through it and names a 407", async (t) => {
  const server = await WsTestServer.start();
  const proxy = ConnectProxy.start({ credentials: { user: "u", password: "right-pw" } });
  const checkWith = async (proxyUrl: string): Promise<{ code: number; stdout: string }> => {
    let result = { code: -1, stdout: "" };
    await withTempDir(async (dir) => {
      const file = `${dir}/f.conf`;
      await Deno.writeTextFile(
        file,
        [
          "a1.sources = w1",
          "a1.channels = c1",
          "a1.channels.c1.type = memory",
          "a1.sources.w1.type = websocket",
          "a1.sources.w1.channels = c1",
          `a1.sources.w1.endpoint = ${server.url()}`,
          `a1.sources.w1.proxy = ${proxyUrl}`,
        ].join("\n"),
      );
      const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", file, "--connect"]);
      result = { code, stdout: stdout + stderr };
    });
    return result;
  };
  try {
    await t.step("the right credentials: OK through the proxy", async () => {
      const { code, stdout } = await checkWith(proxy.url("u:right-pw"));
      strictEqual(code, 0, stdout);
      match(stdout, new RegExp(`OK: tunnel through proxy 127\\.0\\.0\\.1:${proxy.port}`));
      match(stdout, /proxy = \*\*\*/);
      ok(!stdout.includes("right-pw"), stdout);
      strictEqual(proxy.tunnels, 1);
    });
    await t.step("wrong credentials: FAILED with the 407, no password", async () => {
      const { code, stdout } = await checkWith(proxy.url("u:wrong-pw-456"));
      strictEqual(code, 1, stdout);
      match(stdout, new RegExp(`FAILED: proxy 127\\.0\\.0\\.1:${proxy.port} refused CONNECT: 407`));
      ok(!stdout.includes("wrong-pw-456"), stdout);
    });
  } finally {
    await proxy.close();
    await server.close();
  }
});
