/**
 * Issues of test configurations that build one channel or sink without a
 * source: the agent-level "lists no sources" warning is true of all of them
 * and not what those tests are about.
 *
 * @module
 */
import type { ConfigIssue } from "../../src/config/diagnostics.ts";

/** `issues` without the agent's "lists no sources" warning. */
export function withoutSourcelessWarning(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.filter((i) => !(i.component === undefined && /lists no sources/.test(i.message)));
}
