/**
 * The benchmark results as markdown: the machine, the command, the
 * settings, then one throughput table and one latency table with each
 * target's verdict next to its number.
 *
 * @module
 */
import type { MachineFacts } from "./machine.ts";
import { AGENT_SETTINGS, scenario } from "./scenarios.ts";
import type { LatencyRow, LatencyRun, ThroughputRow, ThroughputRun, Verdict } from "./summary.ts";

/** Everything one benchmark run produced; `latest.json` holds exactly this. */
export interface BenchResults {
  /** `full`, `smoke`, or `custom` when sizes or counts were changed on the command line. */
  readonly mode: "full" | "smoke" | "custom";
  /** The command that produced the results. */
  readonly command: string;
  readonly machine: MachineFacts;
  readonly settings: typeof AGENT_SETTINGS;
  readonly throughput: {
    readonly rows: readonly ThroughputRow[];
    readonly runs: readonly ThroughputRun[];
  };
  readonly latency: { readonly rows: readonly LatencyRow[]; readonly runs: readonly LatencyRun[] };
  /** Seconds the whole benchmark took. */
  readonly wallSeconds: number;
}

/** The results as a markdown document. */
export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const out: string[] = [
    `# flume-ws benchmark${results.mode === "full" ? "" : ` (${results.mode})`}`,
    "",
    `- Command: \`${results.command}\` (${Math.round(results.wallSeconds)} s)`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}`,
    `- Deno ${machine.deno} (V8 ${machine.v8}), ${machine.date}`,
    `- Settings: ${settingsText(results.settings)}`,
    "",
    "## Throughput",
    "",
    "Median of each metric over the runs. Events/s = events the sink drained ÷ time from the " +
    "sender's first frame byte to the last drain; MB = 10^6 bytes of message payload; " +
    "RSS = the child's VmHWM; CPU = user + system seconds of the child (all threads) from " +
    "connect to done, per 10^6 delivered events; cores = CPU seconds per second of the run; loop lag = the most a 10 ms timer in the child fired " +
    "late (how long timers and setImmediate callbacks waited). The sender column is the " +
    "sender's own rate in those runs; row (0) is its rate into a reader that parses nothing.",
    "",
    "| size | scenario | events/s | slowest–fastest run | MB/s | ratio to (a) | target | peak RSS MB | CPU s / M events | cores | loop lag ms | dropped | sender msg/s |",
    "| ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of results.throughput.rows) {
    const spec = scenario(row.scenario);
    const targets = [
      row.ratioVerdict && verdict(`≥ ${row.ratioVerdict.target}`, row.ratioVerdict),
      row.rssVerdict && verdict(`RSS ≤ ${row.rssVerdict.target} MB`, row.rssVerdict),
    ].filter(Boolean).join("; ");
    out.push(
      `| ${sizeText(row.size)} × ${count(row.messages)} | ${spec.tag} ${spec.title} | ` +
        `${count(row.eventsPerSecond)} | ${count(row.eventsPerSecondRange[0])}–` +
        `${count(row.eventsPerSecondRange[1])} | ${row.megabytesPerSecond.toFixed(1)} | ` +
        `${row.ratio === undefined ? "" : row.ratio.toFixed(2)} | ${targets} | ` +
        `${row.peakRssMb.toFixed(0)} | ${row.cpuSecondsPerMillion.toFixed(2)} | ` +
        `${row.cores.toFixed(2)} | ` +
        `${row.loopLagMaxMs.toFixed(0)} | ${count(row.dropped)} | ` +
        `${count(row.senderMessagesPerSecond)} |`,
    );
  }
  if (results.latency.rows.length > 0) {
    out.push(
      "",
      "## Latency",
      "",
      "From the send timestamp in each message (stamped by the sender as it writes the frame) " +
        "to the moment the sink's transaction takes the event; median of each percentile over " +
        "the runs.",
      "",
      "| scenario | rate asked / sent msg/s | p50 ms | p99 ms | target p99 | max ms (worst run) | dropped | peak RSS MB |",
      "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    );
    for (const row of results.latency.rows) {
      const spec = scenario(row.scenario);
      out.push(
        `| ${spec.tag} ${spec.title}, ${sizeText(row.size)} | ${count(row.rate)} / ` +
          `${count(row.achievedRate)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ` +
          `${row.p99Verdict ? verdict(`≤ ${row.p99Verdict.target} ms`, row.p99Verdict) : ""} | ` +
          `${row.maxMs.toFixed(2)} (${row.worstMaxMs.toFixed(2)}) | ${count(row.dropped)} | ` +
          `${row.peakRssMb.toFixed(0)} |`,
      );
    }
  }
  const dropping = results.throughput.rows.filter((r) => r.dropped > 0);
  if (dropping.length > 0) {
    out.push(
      "",
      `Dropped events (${
        dropping.map((r) => `${scenario(r.scenario).tag} at ${r.size} B`).join(", ")
      }): ` +
        "the WebSocket source's backlog (backlogCapacity) overflowed, so those runs delivered " +
        "fewer events than were sent; events/s counts delivered events only, and a run that " +
        "dropped any fails its ratio target.",
    );
  }
  return out.join("\n") + "\n";
}

function verdict(text: string, v: Verdict): string {
  return `${text} ${v.pass ? "**pass**" : "**FAIL**"}`;
}

function settingsText(settings: BenchResults["settings"]): string {
  return Object.entries(settings)
    .map(([component, values]) =>
      `${component} ${Object.entries(values).map(([k, v]) => `${k}=${v}`).join(", ")}`
    )
    .join("; ");
}

function sizeText(bytes: number): string {
  return `${bytes} B`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
