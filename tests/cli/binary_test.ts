/**
 * `deno compile` builds a flume-ws executable that runs without Deno: its
 * version, its help, and an agent seq → file channel (the channel's store
 * runs on an embedded worker) → logger. `deno compile` needs its `denort`
 * runtime: `DENORT_BIN`, or the zip it downloads into `DENO_DIR/dl`. Where
 * neither is here (these build machines cannot reach Deno's release host),
 * the test says so in its name and is skipped.
 *
 * @module
 */
import { equal, match, ok } from "node:assert/strict";
import { REPO_ROOT } from "../support/cli.ts";

/** Where `deno compile` finds its runtime here, or why it cannot. */
async function denortRuntime(): Promise<{ found: boolean; where: string }> {
  const env = Deno.env.get("DENORT_BIN");
  if (env) return { found: await isFile(env), where: `DENORT_BIN=${env}` };
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  const zip = `${denoDir}/dl/release/v${Deno.version.deno}/denort-${Deno.build.target}.zip`;
  return { found: await isFile(zip), where: zip };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The `build` task's arguments, with the output sent to `output`. */
function buildArgs(output: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}deno.json`));
  const args = String(config.tasks.build).split(/\s+/).slice(1); // drop "deno"
  const at = args.indexOf("--output");
  args[at + 1] = output;
  return args;
}

const runtime = await denortRuntime();

Deno.test({
  name: runtime.found
    ? "deno compile builds a flume-ws that runs without Deno"
    : `deno compile builds a flume-ws that runs without Deno (SKIPPED: no denort runtime at ` +
      `${runtime.where}; set DENORT_BIN or run once on a machine that reaches dl.deno.land)`,
  ignore: !runtime.found,
  async fn(): Promise<void> {
    const dir = await Deno.makeTempDir({ prefix: "flume_ws_binary_" });
    try {
      const bin = `${dir}/flume-ws`;
      const built = await new Deno.Command(Deno.execPath(), {
        args: buildArgs(bin),
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      equal(built.code, 0, new TextDecoder().decode(built.stderr));
      const run = async (...args: string[]): Promise<{ code: number; text: string }> => {
        const out = await new Deno.Command(bin, { args, env: { NO_COLOR: "1" } }).output();
        const decoder = new TextDecoder();
        return { code: out.code, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
      };
      const version = await run("version");
      equal(version.code, 0, version.text);
      match(version.text, /^flume-ws \d+\.\d+\.\d+ \(deno /);
      const help = await run("--help");
      equal(help.code, 0, help.text);
      match(help.text, /agent/);

      const conf = `${dir}/flume.conf`;
      await Deno.writeTextFile(
        conf,
        [
          "a1.sources = r1",
          "a1.channels = c1",
          "a1.sinks = l1",
          "a1.sources.r1.type = seq",
          "a1.sources.r1.totalEvents = 3",
          "a1.sources.r1.channels = c1",
          "a1.channels.c1.type = file",
          `a1.channels.c1.checkpointDir = ${dir}/checkpoint`,
          `a1.channels.c1.dataDirs = ${dir}/data`,
          "a1.channels.c1.minimumRequiredSpace = 0",
          "a1.sinks.l1.type = logger",
          "a1.sinks.l1.channel = c1",
          "",
        ].join("\n"),
      );
      const agent = new Deno.Command(bin, {
        args: ["agent", "-n", "a1", "-f", conf],
        env: { NO_COLOR: "1" },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      let log = "";
      const reader = agent.stderr.pipeThrough(new TextDecoderStream()).getReader();
      const deadline = Date.now() + 30_000;
      while ((log.match(/Event: /g) ?? []).length < 3 && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
      }
      agent.kill("SIGTERM");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
      }
      const status = await agent.status;
      equal((log.match(/Event: /g) ?? []).length, 3, log);
      equal(status.code, 0, log);
      ok(!/error/i.test(log), log);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
