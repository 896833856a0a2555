/** Where `${env:NAME}` and `${sys:NAME}` look their names up. */
export interface Variables {
  /** Environment variables (`${env:NAME}`). */
  env(name: string): string | undefined;
  /** `-DNAME=VALUE` properties from the command line (`${sys:NAME}`). */
  readonly sys: Readonly<Record<string, string>>;
}

const REFERENCE = /\$\{(env|sys):([^}]*)\}/g;

/**
 * Replaces `${env:NAME}` and `${sys:NAME}` in `value`; returns the result,
 * or the names that are not set.
 */
export function substitute(
  value: string,
  vars: Variables,
): { value: string } | { missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(REFERENCE, (whole, scope: string, name: string) => {
    const found = scope === "env" ? vars.env(name) : vars.sys[name];
    if (found === undefined) {
      missing.push(whole);
      return whole;
    }
    return found;
  });
  return missing.length > 0 ? { missing } : { value: out };
}
