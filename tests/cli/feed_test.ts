import { match, ok, strictEqual } from "node:assert/strict";
import { SILENT_LOG } from "../../src/api/log.ts";
import { startFeed } from "../../src/feed/feed_server.ts";
import { marketTick } from "../../src/feed/market_data.ts";
import { REPO_ROOT, taskPermissions } from "../support/cli.ts";

/** Connects, collects `n` messages (and sends `say`), then closes. */
async function collect(url: string, n: number, say?: string): Promise<(string | Uint8Array)[]> {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const got: (string | Uint8Array)[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  ws.onopen = () => say && ws.send(say);
  ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  ws.onmessage = (e) => {
    if (got.length === n) return; // closing: later messages are not ours
    got.push(typeof e.data === "string" ? e.data : new Uint8Array(e.data));
    if (got.length === n) ws.close();
  };
  ws.onclose = () => resolve();
  await promise;
  return got;
}

Deno.test("market ticks are JSON, numbered, and padded to --size", () => {
  const tick = JSON.parse(marketTick(7, 0, 0));
  strictEqual(tick.seq, 7);
  strictEqual(tick.type, "ticker");
  strictEqual(marketTick(3, 200).length, 200);
  ok(marketTick(3, 10).length > 10, "never truncated");
});

Deno.test("feed sends --count ticks per client and echoes text", async () => {
  const feed = await startFeed({ port: 0, rate: 0, count: 5, size: 200, log: SILENT_LOG });
  try {
    const got = await collect(`ws://127.0.0.1:${feed.port}/`, 6, "echo me");
    const texts = got.map(String);
    strictEqual(texts.filter((t) => t === "echo me").length, 1);
    const ticks = texts.filter((t) => t !== "echo me").map((t) => JSON.parse(t));
    strictEqual(ticks.map((t) => t.seq).join(","), "0,1,2,3,4");
    ok(texts.every((t) => t === "echo me" || t.length === 200));
  } finally {
    await feed.close();
  }
});

Deno.test("feed --binary sends binary frames", async () => {
  const feed = await startFeed({ port: 0, rate: 0, count: 2, binary: true, log: SILENT_LOG });
  try {
    const got = await collect(`ws://127.0.0.1:${feed.port}/`, 2);
    ok(got.every((m) => m instanceof Uint8Array));
    strictEqual(JSON.parse(new TextDecoder().decode(got[1] as Uint8Array)).seq, 1);
  } finally {
    await feed.close();
  }
});

Deno.test("`flume-ws feed --port 0` serves until SIGTERM, then exits 0", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions("feed"), "main.ts", "feed", "--port", "0", "--rate", "100"],
    cwd: REPO_ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening on (ws:\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const url = /listening on (ws:\S+)/.exec(text)?.[1] ?? "";
  match(url, /^ws:\/\/127\.0\.0\.1:\d+\/$/);
  const got = await collect(url, 3);
  strictEqual(got.length, 3);
  child.kill("SIGTERM");
  while (!(await reader.read()).done) { /* drain */ }
  strictEqual((await child.status).code, 0);
});
