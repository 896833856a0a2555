/**
 * A strict reader of Prometheus's text exposition format (0.0.4), written
 * for the tests so that they do not trust the code that writes it: every
 * line is a `# HELP`, a `# TYPE` or a sample `name{labels} value`; a
 * family's HELP and TYPE come before its samples, which are contiguous;
 * names and label names are valid; label values are unescaped.
 *
 * @module
 */

/** One sample. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family as read. */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;

/** Parses `text`; throws an Error naming the line on anything the format does not allow. */
export function parsePrometheus(text: string): Map<string, Family> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("The text does not end with a newline");
  const families = new Map<string, Family>();
  const pending = new Map<string, { help?: string; type?: string }>();
  let current: string | undefined;
  const lines = text.split("\n").slice(0, -1);
  for (const [i, line] of lines.entries()) {
    const fail = (why: string): never => {
      throw new Error(`Line ${i + 1} ${JSON.stringify(line)}: ${why}`);
    };
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, what, name, rest] = meta;
      if (!NAME.test(name)) fail("invalid metric name");
      if (families.has(name)) fail("HELP or TYPE after the family's samples");
      const entry = pending.get(name) ?? {};
      if (what === "HELP") {
        if (entry.help !== undefined) fail("second HELP");
        entry.help = rest;
      } else {
        if (entry.type !== undefined) fail("second TYPE");
        if (!["counter", "gauge", "untyped", "summary", "histogram"].includes(rest)) {
          fail("unknown type");
        }
        entry.type = rest;
      }
      pending.set(name, entry);
      continue;
    }
    if (line.startsWith("#")) fail("a comment that is neither HELP nor TYPE");
    const sample = SAMPLE.exec(line);
    if (!sample) fail("not a sample line");
    const [, name, labelText, valueText] = sample!;
    let family = families.get(name);
    if (!family) {
      const entry = pending.get(name);
      if (entry?.help === undefined || entry.type === undefined) {
        fail("sample before HELP and TYPE");
      }
      family = { name, help: entry!.help!, type: entry!.type!, samples: [] };
      families.set(name, family);
      pending.delete(name);
    } else if (current !== name) {
      fail("the family's samples are not contiguous");
    }
    current = name;
    const value = valueText === "+Inf"
      ? Infinity
      : valueText === "-Inf"
      ? -Infinity
      : valueText === "NaN"
      ? NaN
      : Number(valueText);
    if (Number.isNaN(value) && valueText !== "NaN") fail("the value is not a number");
    family.samples.push({ labels: parseLabels(labelText ?? "", fail), value });
  }
  if (pending.size > 0) throw new Error(`HELP or TYPE without samples: ${[...pending.keys()]}`);
  return families;
}

function parseLabels(text: string, fail: (why: string) => never): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = /^([^=]+)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (!m) fail(`bad labels at ${JSON.stringify(rest)}`);
    const [whole, name, raw] = m!;
    if (!LABEL_NAME.test(name)) fail(`invalid label name ${name}`);
    if (Object.hasOwn(labels, name)) fail(`label ${name} twice`);
    labels[name] = raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}
