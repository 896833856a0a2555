/**
 * Every component's example in the README's reference is a valid
 * configuration: completed with what a fragment leaves out (a memory
 * channel, a seq source, a null sink, the agent's lists), it loads without
 * an error or a warning.
 *
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import type { ComponentKind } from "../../src/api/component.ts";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError } from "../../src/config/diagnostics.ts";
import { splitList } from "../../src/config/parse_value.ts";
import { builtinRegistry } from "../../src/registry.ts";

/** The kinds a flume.conf configures: monitors are set on the command line instead. */
const KINDS: readonly ComponentKind[] = [
  "source",
  "channel",
  "sink",
  "selector",
  "interceptor",
  "processor",
];

/** `a1.sources.r1.type = seq` as [key, value]. */
function entries(lines: readonly string[]): [string, string][] {
  return lines.filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).map((l) => {
    const at = l.indexOf("=");
    return [l.slice(0, at).trim(), l.slice(at + 1).trim()];
  });
}

/** The names of a list: its `a1.LIST` line, else the names its keys use. */
function names(keys: Map<string, string>, list: string): string[] {
  const listed = keys.get(`a1.${list}`);
  if (listed !== undefined) return splitList(listed);
  const found = new Set<string>();
  for (const key of keys.keys()) {
    const m = new RegExp(`^a1\\.${list}\\.([^.]+)\\.`).exec(key);
    if (m) found.add(m[1]);
  }
  return [...found];
}

/** The example with what a fragment leaves out added after it. */
export function completeExample(example: string): string {
  const lines = example.trim().split("\n");
  const keys = new Map(entries(lines));
  const add: string[] = [];
  const set = (key: string, value: string): void => {
    if (!keys.has(key)) {
      keys.set(key, value);
      add.push(`${key} = ${value}`);
    }
  };
  const channels = new Set(names(keys, "channels"));
  for (const [key, value] of keys) {
    if (/^a1\.(sources\.[^.]+\.channels|sinks\.[^.]+\.channel)$/.test(key)) {
      for (const c of splitList(value)) channels.add(c);
    }
  }
  if (channels.size === 0) channels.add("c1");
  const groupSinks = names(keys, "sinkgroups").flatMap((g) =>
    splitList(keys.get(`a1.sinkgroups.${g}.sinks`) ?? "")
  );
  const sources = names(keys, "sources");
  const sinks = [...new Set([...names(keys, "sinks"), ...groupSinks])];
  if (sources.length === 0) sources.push("r0");
  if (sinks.length === 0) sinks.push("k0");
  const first = [...channels][0];
  set("a1.sources", sources.join(" "));
  set("a1.channels", [...channels].join(" "));
  set("a1.sinks", sinks.join(" "));
  for (const s of sources) {
    set(`a1.sources.${s}.type`, "seq");
    set(`a1.sources.${s}.channels`, [...channels].join(" "));
  }
  for (const c of channels) set(`a1.channels.${c}.type`, "memory");
  for (const k of sinks) {
    set(`a1.sinks.${k}.type`, "null");
    set(`a1.sinks.${k}.channel`, first);
  }
  return [...lines, ...add].join("\n");
}

Deno.test("every component's reference example is a valid configuration", async (t) => {
  const registry = builtinRegistry();
  for (const kind of KINDS) {
    for (const def of registry.all(kind)) {
      await t.step(`${kind} ${def.type}`, () => {
        ok(def.example !== undefined, `the ${kind} ${def.type} has no example`);
        ok(
          def.example.includes(`= ${def.type}`) ||
            (def.aliases ?? []).some((a) => def.example!.includes(`= ${a}`)),
          `the ${kind} ${def.type}'s example does not use its type`,
        );
        const text = completeExample(def.example);
        try {
          const config = loadAgentConfig(text, {
            file: "example.conf",
            agent: "a1",
            lookup: registry,
            variables: { env: (name) => `env-${name}`, sys: {} },
          });
          deepStrictEqual(
            config.warnings.map((w) => `${w.line}: ${w.message}`),
            [],
            `warnings for\n${text}`,
          );
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          // An example names files its reader has (a keystore); this machine has not.
          const real = err.issues.filter((i) =>
            i.severity === "error" && !/file not found/.test(i.message)
          );
          if (real.length > 0) throw new Error(`${err.message}\nin\n${text}`);
        }
      });
    }
  }
});
