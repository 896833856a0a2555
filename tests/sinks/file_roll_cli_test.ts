import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { REPO_ROOT, TASK_PERMISSIONS, withTempDir } from "../support/cli.ts";

/** seq -> memory -> file_roll, writing to `dir`, with extra sink lines. */
function seqToFileRoll(dir: string, totalEvents: number, sinkLines: string[] = []): string {
  return [
    "a1.sources = r1",
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.sources.r1.type = seq",
    `a1.sources.r1.totalEvents = ${totalEvents}`,
    "a1.sources.r1.batchSize = 100",
    "a1.sources.r1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.channels.c1.capacity = 10000",
    "a1.sinks.k1.type = file_roll",
    "a1.sinks.k1.channel = c1",
    `a1.sinks.k1.sink.directory = ${dir}`,
    ...sinkLines.map((l) => `a1.sinks.k1.${l}`),
  ].join("\n");
}

/** `0\n1\n…(count-1)\n`. */
function lines(count: number): string {
  return Array.from({ length: count }, (_, i) => `${i}\n`).join("");
}

/** Every file in `dir` concatenated in series order (`<millis>-<n>`). */
async function contents(dir: string): Promise<{ names: string[]; text: string }> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  names.sort((a, b) => Number(a.split("-")[1]) - Number(b.split("-")[1]));
  const texts = await Promise.all(names.map((n) => Deno.readTextFile(`${dir}/${n}`)));
  return { names, text: texts.join("") };
}

/** Resolves once `read()` returns true; polls, as a file's contents cannot be awaited. */
async function until(read: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await read()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("agent: seq -> memory -> file_roll writes every event once, in order", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/out`;
    const total = 5000;
    const conf = await tempConf(dir, seqToFileRoll(out, total));
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    try {
      await until(async () => {
        try {
          return (await contents(out)).text.length >= lines(total).length;
        } catch {
          return false; // the directory is not there yet
        }
      });
    } finally {
      agent.kill("SIGTERM");
    }
    const { code, stderr } = await agent.exit();
    equal(code, 0, stderr.join("\n"));
    const { names, text } = await contents(out);
    ok(text === lines(total), `files hold 0..${total - 1} exactly once, in order`);
    for (const name of names) match(name, /^\d{13}-\d+$/);
    match(stderr.join("\n"), /INFO {2}sink\.k1: Created directory .*\/out/);
  });
});

Deno.test("agent: a file that cannot grow keeps whole batches and the rest in the channel", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/out`;
    const total = 200; // 690 bytes of lines, more than the 512 the file may hold
    const conf = await tempConf(
      dir,
      seqToFileRoll(out, total, ["sink.rollInterval = 0", "sink.batchSize = 10"]),
    );
    // `ulimit -f 1` caps every file the agent writes at 512 bytes: a write
    // past it is cut short and then fails with EFBIG, a real error from the
    // kernel, as a full disk gives ENOSPC. SIGXFSZ is ignored (and stays
    // ignored through exec) so that the write fails instead of killing Deno.
    const child = new Deno.Command("sh", {
      args: [
        "-c",
        `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`,
        Deno.execPath(),
        "run",
        ...TASK_PERMISSIONS,
        "--quiet",
        "main.ts",
        "agent",
        "-n",
        "a1",
        "-f",
        conf,
        "--drain-timeout",
        "0",
      ],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr: string[] = [];
    const failure = / ERROR .*sink\.k1: .*File too large/;
    let rest = "";
    let stopping = false;
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      stderr.push(...parts);
      // The second failure comes after a backoff: the batch was retried, not dropped.
      if (!stopping && stderr.filter((l) => failure.test(l)).length >= 2) {
        stopping = true;
        child.kill("SIGTERM");
      }
    }
    const { code } = await child.status;
    equal(code, 0, stderr.join("\n"));

    const { names, text } = await contents(out);
    equal(names.length, 1);
    ok(text.length <= 512);
    const written = text.split("\n").length - 1;
    ok(written > 0);
    equal(text, lines(written), "whole lines 0..k-1, no part of the failed batch");
    match(
      stderr.find((l) => failure.test(l)) ?? "",
      new RegExp(
        `unable to deliver events: Failed to write \\d+ event\\(s\\) to ".*/out/${names[0]}": ` +
          `File too large \\(os error 27\\); the \\d+ event\\(s\\) stay in channel "c1"$`,
      ),
    );
    deepStrictEqual(
      stderr.filter((l) => / WARN .*Stopping with/.test(l)).map((l) => l.replace(/^.* WARN +/, "")),
      [`agent.a1: Stopping with ${total - written} event(s) still in channels`],
    );
  });
});
