/** Where `${env:NAME}` and `${sys:NAME}` look their names up. */
export interface Variables {
  /** Environment variables (`${env:NAME}`). */
  env(name: string): string | undefined;
  /** `-DNAME=VALUE` properties from the command line (`${sys:NAME}`). */
  readonly sys: Readonly<Record<string, string>>;
}

/** The outcome of {@linkcode substitute}. */
export interface Substitution {
  /** The value with every set reference replaced and every unset one removed. */
  readonly value: string;
  /** The unset references as written (`${env:NAME}`), in order; empty when all are set. */
  readonly missing: readonly string[];
}

const REFERENCE = /\$\{(env|sys):([^}]*)\}/g;

/**
 * Replaces `${env:NAME}` and `${sys:NAME}` in `value`. An unset reference is
 * listed in `missing` and removed from the value, so that the rest of a list
 * (`a1.sinks = k1 ${sys:MORE}`) still reads as written.
 */
export function substitute(value: string, vars: Variables): Substitution {
  const missing: string[] = [];
  const out = value.replace(REFERENCE, (whole, scope: string, name: string) => {
    const found = scope === "env" ? vars.env(name) : vars.sys[name];
    if (found === undefined) {
      missing.push(whole);
      return "";
    }
    return found;
  });
  return { value: out, missing };
}
