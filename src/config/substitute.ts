/**
 * `${…}` references in configuration values, resolved as Flume 1.10 does
 * with Commons Text's StringSubstitutor: `${env:NAME}`, `${sys:NAME}`, and
 * a bare `${NAME}` that names a key of the configuration files.
 *
 * @module
 */

/** Where references look their names up. */
export interface Variables {
  /** Environment variables (`${env:NAME}`). */
  env(name: string): string | undefined;
  /** `-DNAME=VALUE` properties from the command line (`${sys:NAME}`). */
  readonly sys: Readonly<Record<string, string>>;
  /**
   * The keys of the configuration files, all files merged (`${NAME}`), with
   * their values as written (references in them are resolved in turn).
   * @default undefined (no key is set)
   */
  conf?(name: string): string | undefined;
}

/** The outcome of {@linkcode substitute}. */
export interface Substitution {
  /** The value with every set reference replaced and every unset one removed. */
  readonly value: string;
  /** The unset references as written (`${env:NAME}`, `${NAME}`), in order; empty when all are set. */
  readonly missing: readonly string[];
  /** The keys that refer back to themselves, each as its chain (`A -> B -> A`); usually empty. */
  readonly cycles: readonly string[];
}

/** What one substitution collects while it resolves. */
interface Walk {
  readonly vars: Variables;
  readonly missing: string[];
  readonly cycles: string[];
  /** Keys resolved already: each is resolved once per substitution, however often it is used. */
  readonly done: Map<string, string>;
}

/**
 * Replaces the references in `value`, as StringSubstitutor does:
 *
 * - `${env:NAME}` and `${sys:NAME}` read the environment and `-D`; when
 *   unset there, NAME is looked up among the configuration keys, as
 *   Flume's interpolator falls back to its default lookup;
 * - `${NAME}` reads the configuration keys; a key's value is resolved in
 *   turn (`A = ${env:B}` works), and a key that comes back to itself is
 *   listed in `cycles`;
 * - `${NAME:-DEFAULT}` gives DEFAULT when NAME is unset; `$${…}` is a
 *   literal `${…}`; a name may itself hold references (`${${WHICH}}`);
 * - any other scope (`${date:…}`) and an unclosed `${` are kept as written.
 *
 * Environment and `-D` values are taken as they are. An unset reference is
 * listed in `missing` and removed from the value, so that the rest of a
 * list (`a1.sinks = k1 ${sys:MORE}`) still reads as written.
 */
export function substitute(value: string, vars: Variables): Substitution {
  const walk: Walk = { vars, missing: [], cycles: [], done: new Map() };
  const out = expand(value, walk, []);
  return { value: out, missing: walk.missing, cycles: walk.cycles };
}

/** `text` with its references replaced; `chain` holds the keys being resolved. */
function expand(text: string, walk: Walk, chain: readonly string[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      const end = closingBrace(text, i + 3);
      if (end < 0) break;
      out += text.slice(i + 1, end + 1);
      i = end + 1;
      continue;
    }
    if (!text.startsWith("${", i)) {
      out += text[i++];
      continue;
    }
    const end = closingBrace(text, i + 2);
    if (end < 0) break;
    const whole = text.slice(i, end + 1);
    const inner = text.slice(i + 2, end);
    const name = inner.includes("${") ? expand(inner, walk, chain) : inner;
    out += resolve(name, whole, walk, chain);
    i = end + 1;
  }
  return out + text.slice(i);
}

/** The index of the `}` that closes a `${` whose name starts at `from`; -1 when none does. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text.startsWith("${", j)) {
      depth++;
      j++;
    } else if (text[j] === "}" && --depth === 0) {
      return j;
    }
  }
  return -1;
}

/** The value of one reference (`whole` as written, `name` its resolved inside). */
function resolve(name: string, whole: string, walk: Walk, chain: readonly string[]): string {
  const dash = name.indexOf(":-");
  const key = dash < 0 ? name : name.slice(0, dash);
  const fallback = dash < 0 ? undefined : name.slice(dash + 2);
  const scoped = /^(env|sys):([\s\S]*)$/.exec(key);
  let found: string | undefined;
  if (scoped) {
    const [, scope, bare] = scoped;
    found = scope === "env" ? walk.vars.env(bare) : walk.vars.sys[bare];
    found ??= confValue(bare, walk, chain);
  } else if (key.includes(":")) {
    return whole;
  } else {
    found = confValue(key, walk, chain);
  }
  if (found !== undefined) return found;
  if (fallback !== undefined) return fallback;
  walk.missing.push(whole);
  return "";
}

/** A configuration key's value, its references resolved; undefined when unset. */
function confValue(key: string, walk: Walk, chain: readonly string[]): string | undefined {
  const raw = walk.vars.conf?.(key);
  if (raw === undefined) return undefined;
  const done = walk.done.get(key);
  if (done !== undefined) return done;
  if (chain.includes(key)) {
    walk.cycles.push([...chain.slice(chain.indexOf(key)), key].join(" -> "));
    return "";
  }
  const value = expand(raw, walk, [...chain, key]);
  walk.done.set(key, value);
  return value;
}
