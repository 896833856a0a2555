/**
 * The benchmark harness (`deno task bench`, `make bench`): throughput of
 * the ceiling and the three agent topologies at 200 B and 2048 B messages,
 * each run three times in its own process, then latency at a fixed rate.
 * Prints a markdown table and writes `latest.md` and `latest.json` to the
 * output directory (`bench/results/` by default).
 *
 *   deno task bench                         # the full benchmark (3–4 minutes here)
 *   deno task bench --smoke --out DIR       # a few thousand events, one run each (seconds)
 *   deno task bench --scenarios memory-null --runs 1 --no-latency --cpu-prof DIR
 *
 * Runs are interleaved (run 1 of every scenario, then run 2, …) so that a
 * drift in the machine affects every scenario alike.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { REPO_ROOT } from "../tests/support/cli.ts";
import { FrameSender } from "./frame_sender.ts";
import { machineFacts } from "./machine.ts";
import { measureLatency, measureThroughput } from "./measure.ts";
import { encodeFrames } from "./message_format.ts";
import { type BenchResults, renderMarkdown } from "./report_markdown.ts";
import {
  AGENT_SETTINGS,
  KAFKA_SINK_SETTINGS,
  scenario,
  type ScenarioId,
  SCENARIOS,
} from "./scenarios.ts";
import { createTopic, type KafkaBroker, startKafka } from "../tests/support/kafka_broker.ts";
import { type AvroReceiver, startAvroReceiver } from "./avro_receiver.ts";
import { latencyRows, type LatencyRun, throughputRows, type ThroughputRun } from "./summary.ts";

/** One message size and how many messages a throughput run sends. */
interface SizeStep {
  readonly size: number;
  readonly messages: number;
}

/** What to run. */
interface Plan {
  readonly mode: BenchResults["mode"];
  readonly sizes: readonly SizeStep[];
  readonly runs: number;
  readonly scenarios: readonly ScenarioId[];
  readonly latency?: { readonly size: number; readonly rate: number; readonly durationMs: number };
}

/**
 * The benchmark. The 2048 B runs send 250,000 messages (512 MB,
 * 2.5 times the bytes of the 200 B runs): 1,000,000 would need a 2 GB frame
 * buffer and take the whole benchmark to about 9 minutes instead of 3–4.
 */
const FULL: Plan = {
  mode: "full",
  sizes: [{ size: 200, messages: 1_000_000 }, { size: 2048, messages: 250_000 }],
  runs: 3,
  scenarios: SCENARIOS.map((s) => s.id),
  latency: { size: 200, rate: 20_000, durationMs: 10_000 },
};

/** Enough to prove the harness works, in seconds. */
const SMOKE: Plan = {
  mode: "smoke",
  sizes: [{ size: 200, messages: 3_000 }, { size: 2048, messages: 1_000 }],
  runs: 1,
  scenarios: SCENARIOS.map((s) => s.id),
  latency: { size: 200, rate: 2_000, durationMs: 1_000 },
};

const LATENCY_SCENARIOS: readonly ScenarioId[] = ["memory-null", "file-null"];

const HELP = `Usage: deno task bench [options]

  --smoke                a few thousand events, one run each (seconds)
  --out DIR              where latest.md and latest.json go (default bench/results;
                         with --smoke nothing is written unless --out is given)
  --runs N               runs per scenario (default 3)
  --messages N           messages per 200 B run (default 1000000)
  --large-messages N     messages per 2048 B run (default 250000)
  --scenarios LIST       comma-separated: ${SCENARIOS.map((s) => s.id).join(", ")}
  --no-latency           skip the fixed-rate latency runs
  --latency-seconds N    seconds per latency run (default 10)
  --cpu-prof DIR         every child writes a V8 CPU profile to DIR/<scenario>-<size>B-run<n>/
                         (summarise one with bench/profile_summary.ts)
  --work-dir DIR         scratch directories for the file channel and file_roll sink
                         (default bench/tmp: the repository's disk, not a tmpfs)
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      smoke: { type: "boolean", default: false },
      out: { type: "string" },
      runs: { type: "string" },
      messages: { type: "string" },
      "large-messages": { type: "string" },
      scenarios: { type: "string" },
      "no-latency": { type: "boolean", default: false },
      "latency-seconds": { type: "string" },
      "cpu-prof": { type: "string" },
      "work-dir": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const plan = planFrom(values.smoke ? SMOKE : FULL, values);
  const outDir = values.out ?? (values.smoke ? undefined : join(REPO_ROOT, "bench", "results"));
  // The kafka scenario's broker: one for the whole run, its topic made before anything is measured.
  let kafka: KafkaBroker | undefined;
  if (plan.scenarios.includes("memory-kafka")) {
    progress("Starting a Kafka broker for memory-kafka …");
    kafka = await startKafka();
    await createTopic(kafka.bootstrap, String(KAFKA_SINK_SETTINGS["kafka.topic"]), 1);
  }
  // The avro scenario's receiver: a flume-ws agent in another process, one for the whole run.
  let avroReceiver: AvroReceiver | undefined;
  if (plan.scenarios.includes("memory-avro")) {
    progress("Starting a flume-ws avro source for memory-avro …");
    avroReceiver = await startAvroReceiver();
  }
  const options = {
    avroPort: avroReceiver?.port,
    workRoot: values["work-dir"] ?? join(REPO_ROOT, "bench", "tmp"),
    cpuProfDir: values["cpu-prof"],
    kafkaBootstrap: kafka?.bootstrap,
  };
  if (options.cpuProfDir) await Deno.mkdir(options.cpuProfDir, { recursive: true });

  const started = performance.now();
  const machine = machineFacts();
  const throughput: ThroughputRun[] = [];
  const latency: LatencyRun[] = [];
  const sender = FrameSender.listen();
  try {
    for (const step of plan.sizes) {
      const frames = encodeFrames(step.messages, step.size);
      const frameBytes = frames.length / step.messages;
      for (let run = 1; run <= plan.runs; run++) {
        for (const id of plan.scenarios) {
          // A slow sink gets a share of the messages: the same flood, a shorter run.
          const messages = Math.max(1, Math.round(step.messages * (scenario(id).share ?? 1)));
          const result = await measureThroughput(
            sender,
            {
              scenario: id,
              ...step,
              messages,
              frames: frames.subarray(0, messages * frameBytes),
              run,
            },
            options,
          );
          throughput.push(result);
          progress(
            `${step.size} B ${scenario(id).tag} ${id} run ${run}/${plan.runs}: ` +
              `${count(result.eventsPerSecond)} events/s, ${result.peakRssMb.toFixed(0)} MB RSS, ` +
              `${result.cpuSecondsPerMillion.toFixed(2)} CPU s/M, loop lag ` +
              `${result.loopLagMaxMs.toFixed(0)} ms, sender ` +
              `${count(result.sender.messagesPerSecond)} msg/s` +
              (result.dropped > 0 ? `, ${count(result.dropped)} DROPPED` : ""),
          );
        }
      }
    }
    if (plan.latency) {
      for (let run = 1; run <= plan.runs; run++) {
        for (const id of LATENCY_SCENARIOS.filter((s) => plan.scenarios.includes(s))) {
          const result = await measureLatency(
            sender,
            { scenario: id, ...plan.latency, run },
            options,
          );
          latency.push(result);
          progress(
            `latency ${scenario(id).tag} ${id} run ${run}/${plan.runs} at ` +
              `${count(result.sender.messagesPerSecond)} msg/s: p50 ${result.latency.p50Ms} ms, ` +
              `p99 ${result.latency.p99Ms} ms, max ${result.latency.maxMs} ms`,
          );
        }
      }
    }
  } finally {
    await sender.close();
    await kafka?.stop();
    await avroReceiver?.stop();
  }

  const results: BenchResults = {
    mode: plan.mode,
    command: ["deno task bench", ...Deno.args].join(" "),
    machine,
    settings: AGENT_SETTINGS,
    throughput: { rows: throughputRows(throughput), runs: throughput },
    latency: { rows: latencyRows(latency), runs: latency },
    wallSeconds: (performance.now() - started) / 1000,
  };
  const markdown = renderMarkdown(results);
  console.log(markdown);
  if (outDir) {
    await Deno.mkdir(outDir, { recursive: true });
    await Deno.writeTextFile(join(outDir, "latest.md"), markdown);
    await Deno.writeTextFile(join(outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
    progress(`Wrote ${join(outDir, "latest.md")} and latest.json`);
  }
  return 0;
}

/** The base plan with the command line's changes; `custom` when sizes or counts changed. */
function planFrom(base: Plan, values: Record<string, string | boolean | undefined>): Plan {
  const int = (name: string): number | undefined => {
    const text = values[name];
    if (typeof text !== "string") return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Invalid --${name} "${text}": expected a whole number above 0`);
    }
    return n;
  };
  const messages = int("messages");
  const large = int("large-messages");
  const runs = int("runs");
  const seconds = int("latency-seconds");
  const list = typeof values.scenarios === "string" ? values.scenarios.split(",") : undefined;
  for (const id of list ?? []) scenario(id as ScenarioId);
  const changed = [messages, large, runs, seconds, list, values["no-latency"] || undefined]
    .some((v) => v !== undefined);
  return {
    mode: changed ? "custom" : base.mode,
    sizes: base.sizes.map((s) => ({
      size: s.size,
      messages: (s.size === 200 ? messages : large) ?? s.messages,
    })),
    runs: runs ?? base.runs,
    scenarios: (list as ScenarioId[] | undefined) ?? base.scenarios,
    latency: values["no-latency"] || !base.latency
      ? undefined
      : { ...base.latency, durationMs: seconds ? seconds * 1000 : base.latency.durationMs },
  };
}

function progress(line: string): void {
  console.error(line);
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
