/**
 * One measured run: the sender serves one connection while a child process
 * runs the scenario against it; the two accounts become one raw run.
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT, taskPermissions } from "../tests/support/cli.ts";
import type { FrameSender, SendPlan, SendReport } from "./frame_sender.ts";
import type { ChildRequest, ChildResult } from "./scenario_child.ts";
import type { ScenarioId } from "./scenarios.ts";
import type { LatencyRun, ThroughputRun } from "./summary.ts";

/** Where and how children run. */
export interface MeasureOptions {
  /** A directory for the runs' scratch directories (on the disk under test). */
  readonly workRoot: string;
  /** When set, each child writes a V8 CPU profile (`--cpu-prof`) to its own directory in here. */
  readonly cpuProfDir?: string;
  /** The Kafka broker's `host:port`, for the kafka scenario. */
  readonly kafkaBootstrap?: string;
  /** The receiving agent's avro source port, for the avro scenario. */
  readonly avroPort?: number;
}

/** One throughput run of `scenario` over the prepared frames. */
export async function measureThroughput(
  sender: FrameSender,
  run: { scenario: ScenarioId; size: number; messages: number; frames: Uint8Array; run: number },
  options: MeasureOptions,
): Promise<ThroughputRun> {
  const plan: SendPlan = { kind: "bulk", frames: run.frames, messages: run.messages };
  const { send, child } = await measure(sender, plan, {
    scenario: run.scenario,
    messages: run.messages,
    frameBytes: run.frames.length,
  }, {
    ...options,
    name: `${run.scenario}-${run.size}B-run${run.run}`,
    timeoutMs: 60_000 + run.messages, // 1 ms per message on top: only a hang gets there
  });
  const seconds = (child.doneAt - send.firstByteAt) / 1000;
  const eventsPerSecond = child.delivered / seconds;
  return {
    scenario: run.scenario,
    size: run.size,
    messages: run.messages,
    run: run.run,
    seconds,
    eventsPerSecond,
    megabytesPerSecond: (eventsPerSecond * run.size) / 1e6,
    delivered: child.delivered,
    dropped: child.dropped,
    peakRssMb: child.peakRssBytes / 1e6,
    cpuSecondsPerMillion: (child.cpuSeconds / Math.max(1, child.delivered)) * 1e6,
    cpuSeconds: child.cpuSeconds,
    cpuTotalSeconds: child.cpuTotalSeconds,
    loopLagMaxMs: child.loopLag.maxMs,
    sender: send,
  };
}

/** One fixed-rate latency run of `scenario`, with the latency sink. */
export async function measureLatency(
  sender: FrameSender,
  run: { scenario: ScenarioId; size: number; rate: number; durationMs: number; run: number },
  options: MeasureOptions,
): Promise<LatencyRun> {
  const plan: SendPlan = {
    kind: "paced",
    size: run.size,
    rate: run.rate,
    durationMs: run.durationMs,
  };
  const messages = Math.round((run.rate * run.durationMs) / 1000);
  const { send, child } = await measure(sender, plan, {
    scenario: run.scenario,
    messages,
    frameBytes: 0,
    latency: true,
  }, {
    ...options,
    name: `latency-${run.scenario}-${run.size}B-run${run.run}`,
    timeoutMs: 60_000 + run.durationMs * 2,
  });
  if (!child.latency) throw new Error(`Scenario "${run.scenario}" recorded no latencies`);
  return {
    scenario: run.scenario,
    size: run.size,
    run: run.run,
    rate: run.rate,
    durationMs: run.durationMs,
    delivered: child.delivered,
    dropped: child.dropped,
    peakRssMb: child.peakRssBytes / 1e6,
    cpuSecondsPerMillion: (child.cpuSeconds / Math.max(1, child.delivered)) * 1e6,
    latency: child.latency,
    sender: send,
  };
}

async function measure(
  sender: FrameSender,
  plan: SendPlan,
  request: Omit<ChildRequest, "url" | "workDir">,
  options: ChildOptions,
): Promise<{ send: SendReport; child: ChildResult }> {
  await Deno.mkdir(options.workRoot, { recursive: true });
  const workDir = await Deno.makeTempDir({ dir: options.workRoot, prefix: `${request.scenario}-` });
  try {
    const serving = sender.serve(plan);
    serving.catch(() => {}); // a child that never connects fails the run below
    const child = await runChild(
      {
        ...request,
        url: sender.url,
        workDir,
        kafkaBootstrap: options.kafkaBootstrap,
        avroPort: options.avroPort,
      },
      options,
    );
    return { send: await serving, child };
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}

/** How one child runs. */
interface ChildOptions extends MeasureOptions {
  /** Names the run's profile directory. */
  readonly name: string;
  /** The child is killed after this long. */
  readonly timeoutMs: number;
}

/** Runs `scenario_child.ts` with the agent task's permissions; its one JSON line. */
async function runChild(request: ChildRequest, options: ChildOptions): Promise<ChildResult> {
  const profile = options.cpuProfDir === undefined
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${join(options.cpuProfDir, options.name)}`];
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...taskPermissions("agent"),
      "--quiet",
      ...profile,
      join(REPO_ROOT, "bench", "scenario_child.ts"),
      JSON.stringify(request),
    ],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const { code, stdout, stderr } = await command.output();
  const errors = new TextDecoder().decode(stderr).trim();
  if (code !== 0) {
    throw new Error(`Scenario "${request.scenario}" exited with ${code}: ${errors || "no output"}`);
  }
  if (errors) {
    console.error(`[${request.scenario}] ${errors.replaceAll("\n", `\n[${request.scenario}] `)}`);
  }
  const line = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as ChildResult;
}
