/**
 * Raw benchmark runs and their medians, ratios and target verdicts: pure
 * functions over the numbers, no I/O.
 *
 * @module
 */
import type { SendReport } from "./frame_sender.ts";
import type { LatencySummary } from "./latency_recorder.ts";
import { scenario, type ScenarioId } from "./scenarios.ts";

/** One throughput run of one scenario. */
export interface ThroughputRun {
  readonly scenario: ScenarioId;
  /** Message size in bytes. */
  readonly size: number;
  readonly messages: number;
  /** 1-based. */
  readonly run: number;
  /** From the sender's first frame byte until the last event was drained. */
  readonly seconds: number;
  /** Delivered events over `seconds`. */
  readonly eventsPerSecond: number;
  /** Message payload MB (10^6 bytes) per second. */
  readonly megabytesPerSecond: number;
  readonly delivered: number;
  readonly dropped: number;
  /** VmHWM of the child, MB (10^6 bytes). */
  readonly peakRssMb: number;
  /** CPU seconds of the child while it ran the scenario, per 10^6 delivered events. */
  readonly cpuSecondsPerMillion: number;
  readonly cpuSeconds: number;
  readonly cpuTotalSeconds: number;
  /** The most a 10 ms timer in the child fired late, ms. */
  readonly loopLagMaxMs: number;
  readonly sender: SendReport;
}

/** One fixed-rate latency run of one scenario. */
export interface LatencyRun {
  readonly scenario: ScenarioId;
  readonly size: number;
  readonly run: number;
  /** Messages per second asked of the sender. */
  readonly rate: number;
  readonly durationMs: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly peakRssMb: number;
  readonly cpuSecondsPerMillion: number;
  readonly latency: LatencySummary;
  readonly sender: SendReport;
}

/** A verdict against a target; undefined target means none was set. */
export interface Verdict {
  readonly target: number;
  readonly pass: boolean;
}

/** Medians of one scenario at one size. */
export interface ThroughputRow {
  readonly scenario: ScenarioId;
  readonly size: number;
  readonly messages: number;
  readonly runs: number;
  readonly eventsPerSecond: number;
  /** The slowest and the fastest run, events/s. */
  readonly eventsPerSecondRange: readonly [number, number];
  readonly megabytesPerSecond: number;
  /** Median events/s over the ceiling's median; undefined for the ceiling and sender. */
  readonly ratio?: number;
  readonly ratioVerdict?: Verdict;
  readonly peakRssMb: number;
  readonly rssVerdict?: Verdict;
  readonly cpuSecondsPerMillion: number;
  /** CPU seconds per second of the run: how many cores it kept busy. */
  readonly cores: number;
  readonly loopLagMaxMs: number;
  /** The most any run dropped. */
  readonly dropped: number;
  /** The sender's median own rate in these runs, messages/s. */
  readonly senderMessagesPerSecond: number;
}

/** Medians of one scenario's latency runs. */
export interface LatencyRow {
  readonly scenario: ScenarioId;
  readonly size: number;
  readonly runs: number;
  readonly rate: number;
  /** The sender's median achieved rate, messages/s. */
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The largest max of any run. */
  readonly worstMaxMs: number;
  readonly p99Verdict?: Verdict;
  readonly dropped: number;
  readonly peakRssMb: number;
}

/** The median (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One row per scenario and size, in the order first seen; each metric its own median. */
export function throughputRows(runs: readonly ThroughputRun[]): ThroughputRow[] {
  const groups = groupBy(runs, (r) => `${r.size}\u0000${r.scenario}`);
  const rows: ThroughputRow[] = [];
  for (const group of groups) {
    const first = group[0];
    const m = (pick: (r: ThroughputRun) => number): number => median(group.map(pick));
    rows.push({
      scenario: first.scenario,
      size: first.size,
      messages: first.messages,
      runs: group.length,
      eventsPerSecond: m((r) => r.eventsPerSecond),
      eventsPerSecondRange: [
        Math.min(...group.map((r) => r.eventsPerSecond)),
        Math.max(...group.map((r) => r.eventsPerSecond)),
      ],
      megabytesPerSecond: m((r) => r.megabytesPerSecond),
      peakRssMb: m((r) => r.peakRssMb),
      cpuSecondsPerMillion: m((r) => r.cpuSecondsPerMillion),
      cores: m((r) => r.cpuSeconds / r.seconds),
      loopLagMaxMs: m((r) => r.loopLagMaxMs),
      dropped: Math.max(...group.map((r) => r.dropped)),
      senderMessagesPerSecond: m((r) => r.sender.messagesPerSecond),
    });
  }
  return rows.map((row) => withVerdicts(row, rows));
}

/** One row per latency scenario; each percentile its own median over the runs. */
export function latencyRows(runs: readonly LatencyRun[]): LatencyRow[] {
  return groupBy(runs, (r) => `${r.size}\u0000${r.scenario}`).map((group) => {
    const first = group[0];
    const m = (pick: (r: LatencyRun) => number): number => median(group.map(pick));
    const p99Ms = m((r) => r.latency.p99Ms);
    const target = scenario(first.scenario).maxP99Ms;
    return {
      scenario: first.scenario,
      size: first.size,
      runs: group.length,
      rate: first.rate,
      achievedRate: m((r) => r.sender.messagesPerSecond),
      p50Ms: m((r) => r.latency.p50Ms),
      p99Ms,
      maxMs: m((r) => r.latency.maxMs),
      worstMaxMs: Math.max(...group.map((r) => r.latency.maxMs)),
      p99Verdict: target === undefined ? undefined : { target, pass: p99Ms <= target },
      dropped: Math.max(...group.map((r) => r.dropped)),
      peakRssMb: m((r) => r.peakRssMb),
    };
  });
}

function withVerdicts(row: ThroughputRow, rows: readonly ThroughputRow[]): ThroughputRow {
  const spec = scenario(row.scenario);
  const ceiling = rows.find((r) => r.scenario === "ceiling" && r.size === row.size);
  let out = row;
  if (spec.minRatio !== undefined && ceiling) {
    const ratio = row.eventsPerSecond / ceiling.eventsPerSecond;
    // Dropped events are not delivered: a run that dropped any fails its target.
    const pass = ratio >= spec.minRatio && row.dropped === 0;
    out = { ...out, ratio, ratioVerdict: { target: spec.minRatio, pass } };
  }
  const maxRss = spec.maxRssMb?.[row.size];
  if (maxRss !== undefined) {
    out = { ...out, rssVerdict: { target: maxRss, pass: row.peakRssMb <= maxRss } };
  }
  return out;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
