/**
 * The directories a configuration needs, tested before anything starts:
 * each must exist as a directory or be creatable, and be writable; a
 * directory one component locks must not be another's. Nothing is
 * created: writability is probed with a temporary directory that is
 * removed at once.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import type { DirectoryClaim } from "../api/component.ts";
import { errorMessage } from "../util/errors.ts";
import type { AgentConfig } from "./agent_config.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import type { ComponentConfig } from "./resolve_components.ts";

/** One claimed directory, with the component that claims it. */
interface Claim extends DirectoryClaim {
  readonly component: ComponentConfig;
  /** The absolute path. */
  readonly absolute: string;
}

/**
 * The problems with the directories the agent's components claim: one
 * that cannot be created or written, and an exclusive one that two
 * components claim. Errors carry the claiming property's line.
 */
export function checkDirectories(config: AgentConfig): ConfigIssue[] {
  const claims: Claim[] = [];
  for (const component of [...config.channels, ...config.sources, ...config.sinks]) {
    const directories = component.definition.directories;
    if (!directories) continue;
    let claimed: readonly DirectoryClaim[];
    try {
      claimed = directories(component.config);
    } catch {
      continue; // a path that cannot even be named (no HOME for `~`): start reports it
    }
    for (const claim of claimed) {
      claims.push({ ...claim, component, absolute: resolve(claim.path) });
    }
  }
  const issues: ConfigIssue[] = [];
  const issue = (claim: Claim, message: string, hint: string): ConfigIssue => ({
    severity: "error",
    file: config.file,
    line: claim.component.settings.line(claim.property) ?? claim.component.line,
    component: claim.component.id,
    property: claim.property,
    message,
    hint,
  });
  const owners = new Map<string, Claim>();
  const probed = new Set<string>();
  for (const claim of claims) {
    const owner = owners.get(claim.absolute);
    if (owner && owner.component !== claim.component && (owner.exclusive || claim.exclusive)) {
      issues.push(issue(
        claim,
        `"${claim.path}" is also ${owner.component.id}'s ${owner.property}: ` +
          `a directory a file channel locks cannot be shared`,
        `give ${claim.component.id} a directory of its own`,
      ));
      continue;
    }
    if (!owner) owners.set(claim.absolute, claim);
    if (probed.has(claim.absolute)) continue;
    probed.add(claim.absolute);
    const problem = directoryProblem(claim.absolute);
    if (problem) {
      issues.push(issue(
        claim,
        `Cannot use "${claim.path}": ${problem}`,
        "choose a directory this user can create and write",
      ));
    }
  }
  return issues;
}

/**
 * Why `path` cannot be used as a directory to write in, or undefined when
 * it can (or when this process may not look: no read or write permission).
 */
export function directoryProblem(path: string): string | undefined {
  let existing = path;
  for (;;) {
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.statSync(existing);
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) return undefined;
      const missing = err instanceof Deno.errors.NotFound ||
        err instanceof Deno.errors.NotADirectory; // a file on the way: found further up
      if (!missing) return describe(err);
    }
    if (info) {
      if (!info.isDirectory) {
        return existing === path ? "it is a file, not a directory" : `"${existing}" is a file`;
      }
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) return "no part of the path exists";
    existing = parent;
  }
  try {
    Deno.removeSync(Deno.makeTempDirSync({ dir: existing, prefix: ".flume-ws-check-" }));
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) return undefined;
    const where = existing === path ? "it" : `"${existing}"`;
    return `no directory can be created in ${where} (${describe(err)})`;
  }
  return undefined;
}

/** An OS error in words: its text without the error number and the call. */
function describe(err: unknown): string {
  const text = errorMessage(err).replace(/ \(os error \d+\).*$/s, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}
