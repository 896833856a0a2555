/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`, e.g.
 * `deno task bench --scenarios memory-null --runs 1 --cpu-prof DIR`): the
 * functions with the most self time, and self time per file, as shares of
 * the busy (non-idle) time; and the busy time charged to the nearest
 * frame of the project's own code (`src/` by default) on each sampled stack,
 * so that runtime work a project function causes (a `TextEncoder.encode`,
 * an op) is charged to the line that asked for it.
 *
 *   deno run --allow-read bench/profile_summary.ts FILE.cpuprofile [top=25] [prefix=src/]
 *
 * @module
 */

/** The parts of V8's profile format that are read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      /** 0-based. */
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  /** The node sampled at each tick. */
  readonly samples: readonly number[];
  /** Microseconds since the previous sample, per sample. */
  readonly timeDeltas: readonly number[];
}

/** Self time of one function or file. */
export interface SelfTime {
  /** `name file:line` for a function, the path for a file. */
  readonly what: string;
  readonly micros: number;
  /** Share of the busy time, in percent. */
  readonly percent: number;
}

/** What {@linkcode summarise} found. */
export interface ProfileSummary {
  /** Sampled time, microseconds. */
  readonly totalMicros: number;
  /** Sampled time not spent idle, microseconds. */
  readonly busyMicros: number;
  readonly functions: readonly SelfTime[];
  readonly files: readonly SelfTime[];
  /** Busy time by the nearest stack frame in a file under the prefix (self time of all below it). */
  readonly charged: readonly SelfTime[];
}

const IDLE = "(idle)";

/** Options of {@linkcode summarise}. */
export interface SummariseOptions {
  /** Paths are shown relative to this directory. @default Deno.cwd() */
  readonly root?: string;
  /** Files (relative to root) that count as the project's own code. @default "src/" */
  readonly prefix?: string;
}

/** Outside the project's code: the runtime, WebSocket dispatch, GC. */
const OUTSIDE = "(no project frame on the stack)";

/** Self time per function, per file, and charged to project frames; largest first. */
export function summarise(profile: CpuProfile, options: SummariseOptions = {}): ProfileSummary {
  const root = options.root ?? Deno.cwd();
  const prefix = options.prefix ?? "src/";
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const label = (id: number): string => {
    const frame = byId.get(id)!;
    const file = shortPath(frame.url, root);
    const name = frame.functionName || "(anonymous)";
    return file ? `${name} ${file}:${frame.lineNumber + 1}` : name;
  };
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      if (shortPath(byId.get(at)!.url, root).startsWith(prefix)) return label(at);
    }
    return OUTSIDE;
  };
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const charged = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    // A sample's delta is the time since the previous one: it belongs to the next sample.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const frame = byId.get(id);
    if (!frame) return;
    total += micros;
    if (frame.functionName === IDLE) {
      idle += micros;
      return;
    }
    const key = label(id);
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const fileKey = shortPath(frame.url, root) || frame.functionName;
    files.set(fileKey, (files.get(fileKey) ?? 0) + micros);
    const chargedKey = owner(id);
    charged.set(chargedKey, (charged.get(chargedKey) ?? 0) + micros);
  });
  const busy = total - idle;
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()]
      .map(([what, micros]) => ({ what, micros, percent: (micros * 100) / Math.max(1, busy) }))
      .sort((a, b) => b.micros - a.micros);
  return {
    totalMicros: total,
    busyMicros: busy,
    functions: rank(functions),
    files: rank(files),
    charged: rank(charged),
  };
}

/**
 * The summary as text: the top `top` functions by self time, every file
 * above 0.5 %, and the top `top` project frames by charged time.
 */
export function formatSummary(summary: ProfileSummary, top = 25): string {
  const ms = (micros: number): string => (micros / 1000).toFixed(0).padStart(7);
  const pct = (p: number): string => p.toFixed(1).padStart(5);
  const lines = [
    `sampled ${ms(summary.totalMicros).trim()} ms, busy ${ms(summary.busyMicros).trim()} ms ` +
    `(shares below are of busy time)`,
    "",
    "self ms    %  function",
    ...summary.functions.slice(0, top).map((f) => `${ms(f.micros)} ${pct(f.percent)}  ${f.what}`),
    "",
    "self ms    %  file",
    ...summary.files.filter((f) => f.percent >= 0.5).map((f) =>
      `${ms(f.micros)} ${pct(f.percent)}  ${f.what}`
    ),
    "",
    "charged    %  nearest project frame (its self time and that of everything it called)",
    ...summary.charged.slice(0, top).map((f) => `${ms(f.micros)} ${pct(f.percent)}  ${f.what}`),
  ];
  return lines.join("\n");
}

/** A path relative to `root` for the project's files; `ext:…`/`node:…` kept short. */
function shortPath(url: string, root: string): string {
  if (!url) return "";
  let path = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const prefix = root.endsWith("/") ? root : `${root}/`;
  if (path.startsWith(prefix)) path = path.slice(prefix.length);
  return path;
}

if (import.meta.main) {
  const [file, topText, prefix] = Deno.args;
  if (!file) {
    console.error(
      "Usage: deno run --allow-read bench/profile_summary.ts FILE.cpuprofile [top] [prefix]",
    );
    Deno.exit(2);
  }
  const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
  console.log(formatSummary(summarise(profile, { prefix }), topText ? Number(topText) : 25));
}
