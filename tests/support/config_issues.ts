/**
 * Issues of test configurations that build one channel or sink without a
 * source: the agent-level "lists no sources" warning is true of all of them
 * and not what those tests are about.
 *
 * @module
 */
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";

/** `issues` without the agent's "lists no sources" warning. */
export function withoutSourcelessWarning(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.filter((i) => !(i.component === undefined && /lists no sources/.test(i.message)));
}

/**
 * The errors and warnings `check` would report for `component`
 * (`sources.r1`) when the configuration `text` of agent `a1` is loaded
 * from `file`: the warnings of a valid file, the issues of an invalid one.
 */
export function componentIssues(text: string, file: string, component: string): ConfigIssue[] {
  let found: readonly ConfigIssue[];
  try {
    found = loadAgentConfig(text, {
      file,
      agent: "a1",
      lookup: builtinRegistry(),
      variables: { env: () => undefined, sys: {} },
    }).warnings;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    found = err.issues;
  }
  return found.filter((i) => i.component === component);
}
