/**
 * The checks of the connect phase's properties: `proxy`, the credential
 * commands (`…command`), several endpoints.
 *
 * @module
 */
import type { PatternDecl, RawProperties, Reporter } from "../../api/properties.ts";
import { redactUrl } from "../../util/redact.ts";
import { splitCommand } from "./credential_command.ts";
import {
  HEADER_COMMAND_PROPERTY,
  INIT_COMMAND_PROPERTY,
  QUERY_COMMAND_PROPERTY,
} from "./credentials.ts";
import { splitEndpoints } from "./endpoints.ts";
import { parseProxy } from "./proxy.ts";
import { headerProblem } from "./upgrade.ts";

/** The patterned properties of the connect phase. */
export const CONNECT_PATTERNS: readonly PatternDecl[] = [
  {
    pattern: INIT_COMMAND_PROPERTY,
    display: "initMessage.command, initMessage.ID.command",
    kind: "secret",
    doc: "A command run at every connection attempt whose output is `initMessage` " +
      "(or `initMessage.ID`) instead of a fixed text",
  },
  {
    pattern: HEADER_COMMAND_PROPERTY,
    display: "header.NAME.command",
    kind: "secret",
    doc: "A command run at every connection attempt whose output is header NAME's value",
  },
  {
    pattern: QUERY_COMMAND_PROPERTY,
    display: "endpoint.query.NAME.command",
    kind: "secret",
    doc: "A command run at every connection attempt whose output is the endpoint's query " +
      "parameter NAME (set on every endpoint, replacing one written in the URL)",
  },
];

/** The parsed values these checks read (undefined when unset or invalid). */
export interface ConnectValues {
  readonly endpoint?: string;
  readonly proxy?: string;
  readonly trustAllCerts?: boolean;
  readonly initMessages?: readonly string[];
}

/** Cross-property rules of `proxy`, the commands and several endpoints. */
export function checkConnectSettings(
  values: ConnectValues,
  settings: RawProperties,
  report: Reporter,
): void {
  const endpoint = values.endpoint;
  const urls = endpoint === undefined ? [] : splitEndpoints(endpoint);
  const seen = new Set<string>();
  for (const url of urls) {
    if (seen.has(url)) {
      report({
        severity: "warning",
        property: "endpoint",
        message: `endpoint lists "${redactUrl(url)}" twice`,
      });
    }
    seen.add(url);
  }
  checkProxy(values, report, urls);
  checkCommands(values, settings, report);
}

function checkProxy(values: ConnectValues, report: Reporter, urls: readonly string[]): void {
  const proxy = values.proxy;
  if (proxy === undefined) return;
  let parsed;
  try {
    parsed = parseProxy(proxy);
  } catch (err) {
    report({
      property: "proxy",
      message: (err as Error).message,
      hint: "use proxy = http://[user:password@]host:port, or none",
    });
    return;
  }
  if (
    parsed !== undefined && values.trustAllCerts === true &&
    urls.some((url) => url.startsWith("wss:"))
  ) {
    report({
      property: "proxy",
      message: "proxy with trustAllCerts = true is not supported",
      hint: "trust the server's CA with keyStorePath instead of trustAllCerts",
    });
  }
}

function checkCommands(values: ConnectValues, settings: RawProperties, report: Reporter): void {
  const commands = [
    ...settings.matching(INIT_COMMAND_PROPERTY),
    ...settings.matching(HEADER_COMMAND_PROPERTY),
    ...settings.matching(QUERY_COMMAND_PROPERTY),
  ];
  for (const [key, raw] of commands) {
    try {
      splitCommand(raw.value);
    } catch (err) {
      report({
        property: key,
        message: `${(err as Error).message}`,
        hint: "quote words with ' or \"; write sh -c '…' for a shell",
      });
    }
  }
  if (settings.has("initMessage") && settings.has("initMessage.command")) {
    report({
      property: "initMessage.command",
      message: "initMessage and initMessage.command are both set",
      hint: "keep one of them",
    });
  }
  const ids = values.initMessages ?? [];
  for (const [key] of settings.matching(INIT_COMMAND_PROPERTY)) {
    const id = INIT_COMMAND_PROPERTY.exec(key)?.[1];
    if (id === undefined) continue;
    if (settings.has(`initMessage.${id}`)) {
      report({
        property: key,
        message: `initMessage.${id} and ${key} are both set`,
        hint: "keep one of them",
      });
    } else if (!ids.includes(id)) {
      report({
        severity: "warning",
        property: key,
        message: `${key} is not listed in initMessages: not run`,
        hint: `add ${id} to initMessages`,
      });
    }
  }
  for (const [key] of settings.matching(HEADER_COMMAND_PROPERTY)) {
    const name = HEADER_COMMAND_PROPERTY.exec(key)![1];
    const problem = headerProblem(name, "");
    if (problem !== undefined) {
      report({ property: key, message: problem });
    } else if (settings.has(`header.${name}`)) {
      report({
        property: key,
        message: `header.${name} and ${key} are both set`,
        hint: "keep one of them",
      });
    }
  }
  if (commands.length > 0 && Deno.permissions.querySync({ name: "run" }).state !== "granted") {
    report({
      severity: "warning",
      property: commands[0][0],
      message: "The agent cannot run commands without --allow-run: every connection " +
        "attempt would fail",
      hint: "start the agent with --allow-run (deno task agent and the installed launcher do)",
    });
  }
}
