import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../support/cli.ts";
import type { BenchResults } from "../../bench/report_markdown.ts";
import { SCENARIOS } from "../../bench/scenarios.ts";

Deno.test("bench --smoke measures every scenario and writes latest.md and latest.json", async () => {
  const out = await Deno.makeTempDir({ prefix: "flume-ws-bench-smoke-" });
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--quiet", "bench/run.ts", "--smoke", "--out", out],
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const errors = new TextDecoder().decode(stderr);
    strictEqual(code, 0, errors);
    ok(new TextDecoder().decode(stdout).includes("| (b) agent: websocket → memory → null"));

    const results = JSON.parse(await Deno.readTextFile(join(out, "latest.json"))) as BenchResults;
    strictEqual(results.mode, "smoke");
    for (const size of [200, 2048]) {
      for (const { id } of SCENARIOS) {
        const row = results.throughput.rows.find((r) => r.scenario === id && r.size === size);
        ok(row, `no ${size} B row for ${id}`);
        ok(row.eventsPerSecond > 0, `${id} at ${size} B: ${row.eventsPerSecond} events/s`);
        ok(row.peakRssMb > 0 && row.cpuSecondsPerMillion > 0, `${id} at ${size} B: no RSS or CPU`);
      }
    }
    for (const id of ["memory-null", "file-null"]) {
      const row = results.latency.rows.find((r) => r.scenario === id);
      ok(row, `no latency row for ${id}`);
      ok(
        row.achievedRate > 0 && row.p99Ms > 0,
        `${id}: rate ${row.achievedRate}, p99 ${row.p99Ms}`,
      );
    }
    ok((await Deno.readTextFile(join(out, "latest.md"))).includes("## Latency"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
