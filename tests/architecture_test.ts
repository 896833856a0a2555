/**
 * The layering of `src/`, read from Deno's own module graph
 * (`deno info --json`) of the CLI and of the benchmark: no import cycle
 * among the project's files, no import from a lower layer to a higher one,
 * and no import between two component folders.
 *
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

/**
 * The layers, bottom first. A file may import its own layer and those
 * below it. The component folders share a layer but import none of each
 * other: what two of them share lives below them.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["src/api/"], // the contracts: import nothing else of the project
  ["src/util/"], // pure helpers: backoff, redaction, queue, suggestions
  ["src/tls/"], // keystores and TLS diagnosis
  ["src/avro/"], // Avro IPC for the avro source and sink: framing, handshake, protocol
  ["src/config/"], // properties, agent model, validation
  ["src/core/"], // the runtime: agent, channel processor, sender, batch sink, runner
  [
    "src/sources/",
    "src/channels/",
    "src/sinks/",
    "src/selectors/",
    "src/interceptors/",
    "src/processors/",
    "src/monitoring/",
    "src/feed/",
  ], // one folder per component kind
  ["src/registry.ts"], // the built-in components
  ["src/cli/"], // commands
  ["main.ts"],
  ["tests/support/"], // test servers and frames the benchmark reuses
  ["bench/"],
];

const ROOT = fromFileUrl(new URL("../", import.meta.url));

/** The project-relative path of a TypeScript module, or undefined (npm:, node:, deno.json). */
function local(specifier: string): string | undefined {
  if (!specifier.startsWith("file://") || !specifier.endsWith(".ts")) return undefined;
  const path = relative(ROOT, fromFileUrl(specifier));
  return path.startsWith("..") ? undefined : path;
}

/** The layer index and component folder of a project file. */
function place(path: string): { layer: number; folder: string } {
  for (const [layer, folders] of LAYERS.entries()) {
    const folder = folders.find((f) => path === f || path.startsWith(f));
    if (folder) return { layer, folder };
  }
  throw new Error(`"${path}" is in no layer: add it to LAYERS in tests/architecture_test.ts`);
}

interface InfoModule {
  readonly specifier: string;
  readonly dependencies?: readonly {
    readonly code?: { readonly specifier: string };
    readonly type?: { readonly specifier: string };
  }[];
}

/** Every project import edge of the graphs rooted at `roots`, as [from, to]. */
async function importEdges(roots: readonly string[]): Promise<[string, string][]> {
  const edges = new Map<string, [string, string]>();
  for (const root of roots) {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", root],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    ok(output.success, new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: InfoModule[];
    };
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (!from) continue;
      for (const dep of module.dependencies ?? []) {
        for (const target of [dep.code?.specifier, dep.type?.specifier]) {
          const to = target === undefined ? undefined : local(target);
          if (to) edges.set(`${from} ${to}`, [from, to]);
        }
      }
    }
  }
  return [...edges.values()];
}

/** The import cycles among `edges`: each strongly connected set of more than one file. */
function cycles(edges: readonly [string, string][]): string[][] {
  const next = new Map<string, string[]>();
  for (const [from, to] of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

Deno.test("architecture: the module graph is layered and has no cycles", async (t) => {
  const edges = await importEdges(["main.ts", "bench/run.ts", "bench/scenario_child.ts"]);
  ok(edges.length > 100, `the graph was read (${edges.length} imports)`);

  await t.step("no import cycle among the project's files", () => {
    deepStrictEqual(cycles(edges), []);
  });

  await t.step("no import from a lower layer to a higher one", () => {
    const upward = edges.filter(([from, to]) => place(from).layer < place(to).layer)
      .map(([from, to]) => `${from} -> ${to}`);
    deepStrictEqual(upward, []);
  });

  await t.step("no import between two component folders", () => {
    const across = edges.filter(([from, to]) => {
      const [a, b] = [place(from), place(to)];
      return a.layer === b.layer && a.folder !== b.folder;
    }).map(([from, to]) => `${from} -> ${to}`);
    deepStrictEqual(across, []);
  });

  await t.step("the contracts import nothing else of the project", () => {
    const out = edges.filter(([from, to]) =>
      from.startsWith("src/api/") && !to.startsWith("src/api/")
    )
      .map(([from, to]) => `${from} -> ${to}`);
    deepStrictEqual(out, []);
  });

  await t.step("only the CLI and the benchmarks import the registry", () => {
    const importers = [
      ...new Set(edges.filter(([, to]) => to === "src/registry.ts").map(([f]) => f)),
    ]
      .filter((f) => !f.startsWith("src/cli/") && !f.startsWith("bench/"));
    deepStrictEqual(importers, []);
  });
});

Deno.test("architecture: the checks catch a cycle and an upward import", () => {
  deepStrictEqual(
    cycles([["a.ts", "b.ts"], ["b.ts", "c.ts"], ["c.ts", "a.ts"], ["c.ts", "d.ts"]]),
    [
      ["a.ts", "b.ts", "c.ts"],
    ],
  );
  ok(place("src/core/agent.ts").layer < place("src/registry.ts").layer);
  ok(place("src/api/event.ts").layer < place("src/util/backoff.ts").layer);
});
