import { deepStrictEqual } from "node:assert/strict";
import { substitute, type Substitution, type Variables } from "../../src/config/substitute.ts";

const ENV: Readonly<Record<string, string>> = { HOST: "example.com", PORT: "8080", EMPTY: "" };
const VARS: Variables = {
  env: (name: string): string | undefined => ENV[name],
  sys: { token: "s3cret", PORT: "9090" },
};

interface Row {
  readonly name: string;
  readonly value: string;
  readonly expected: Substitution;
}

const rows: readonly Row[] = [
  { name: "a value without references is unchanged", value: "memory", expected: ok("memory") },
  { name: "${env:NAME} reads the environment", value: "${env:HOST}", expected: ok("example.com") },
  { name: "${sys:NAME} reads -D properties", value: "${sys:token}", expected: ok("s3cret") },
  {
    name: "env and sys are separate scopes",
    value: "${env:PORT} ${sys:PORT}",
    expected: ok("8080 9090"),
  },
  {
    name: "several references and text around them",
    value: "ws://${env:HOST}:${env:PORT}/feed?t=${sys:token}",
    expected: ok("ws://example.com:8080/feed?t=s3cret"),
  },
  {
    name: "a variable set to the empty string is set",
    value: "a${env:EMPTY}b",
    expected: ok("ab"),
  },
  {
    name: "an unknown scope, or no braces, is kept as written",
    value: "${foo:HOST} $env:HOST ${env:HOST",
    expected: ok("${foo:HOST} $env:HOST ${env:HOST"),
  },
  {
    name: "names are case-sensitive",
    value: "${env:host}",
    expected: unset("", "${env:host}"),
  },
  {
    name: "unset references are listed in order and removed from the value",
    value: "k1 ${sys:MORE} ${env:HOST} ${env:NOPE}",
    expected: unset("k1  example.com ", "${sys:MORE}", "${env:NOPE}"),
  },
];

/** A substitution with nothing missing. */
function ok(value: string): Substitution {
  return { value, missing: [], cycles: [] };
}

/** A substitution with the references `missing` unset. */
function unset(value: string, ...missing: string[]): Substitution {
  return { value, missing, cycles: [] };
}

Deno.test("substitute replaces ${env:NAME} and ${sys:NAME} and lists the unset ones", async (t) => {
  for (const row of rows) {
    await t.step(row.name, () => {
      deepStrictEqual(substitute(row.value, VARS), row.expected);
    });
  }
});

/** Keys of the configuration files, as `${NAME}` sees them (values as written). */
const CONF: Readonly<Record<string, string>> = {
  NC_PORT: "44444",
  "a1.sources.r1.bind": "0.0.0.0",
  URL: "ws://${HOST_NAME}:${NC_PORT}/feed",
  HOST_NAME: "${env:HOST}",
  WHICH: "NC_PORT",
  DOLLARS: "$${env:HOST}",
  FROM_CONF_ONLY: "conf",
  LOOP_A: "x${LOOP_B}",
  LOOP_B: "${LOOP_A}y",
  SELF: "${SELF}",
  BROKEN: "${env:NOPE}",
};

const CONF_VARS: Variables = {
  ...VARS,
  conf: (name: string): string | undefined => CONF[name],
};

const confRows: readonly Row[] = [
  { name: "${NAME} reads a key of the files", value: "${NC_PORT}", expected: ok("44444") },
  {
    name: "a key with dots, an agent key too, is a name",
    value: "${a1.sources.r1.bind}",
    expected: ok("0.0.0.0"),
  },
  {
    name: "a key's value is resolved in turn, down to ${env:…}",
    value: "${URL}",
    expected: ok("ws://example.com:44444/feed"),
  },
  {
    name: "an unset ${NAME} is listed as written",
    value: "port ${NO_SUCH_KEY}",
    expected: unset("port ", "${NO_SUCH_KEY}"),
  },
  {
    name: "an unset reference inside a key's value is listed as written there",
    value: "${BROKEN}",
    expected: unset("", "${env:NOPE}"),
  },
  {
    name: "${NAME:-DEFAULT} gives DEFAULT when NAME is unset, the value when set",
    value: "${NO_SUCH_KEY:-7} ${env:NOPE:-8} ${NC_PORT:-9} ${env:NOPE:-${NC_PORT}}",
    expected: ok("7 8 44444 44444"),
  },
  {
    name: "${env:NAME} unset in the environment falls back to the files' NAME, as Flume's does",
    value: "${env:FROM_CONF_ONLY} ${sys:FROM_CONF_ONLY} ${env:HOST}",
    expected: ok("conf conf example.com"),
  },
  {
    name: "a name may itself hold a reference",
    value: "${${WHICH}}",
    expected: ok("44444"),
  },
  {
    name: "$${…} is a literal ${…}, in the value and in a key's value",
    value: "$${NC_PORT} ${DOLLARS}",
    expected: ok("${NC_PORT} ${env:HOST}"),
  },
  {
    name: "keys that refer to each other are a cycle, listed once as their chain",
    value: "${LOOP_A}",
    expected: { value: "xy", missing: [], cycles: ["LOOP_A -> LOOP_B -> LOOP_A"] },
  },
  {
    name: "a key that refers to itself is a cycle",
    value: "${SELF}",
    expected: { value: "", missing: [], cycles: ["SELF -> SELF"] },
  },
  {
    name: "without conf, ${NAME} is unset",
    value: "${NC_PORT}",
    expected: unset("", "${NC_PORT}"),
  },
];

Deno.test("substitute resolves ${NAME} from the configuration files, recursively", async (t) => {
  for (const row of confRows) {
    await t.step(row.name, () => {
      const vars = row.name.startsWith("without conf") ? VARS : CONF_VARS;
      deepStrictEqual(substitute(row.value, vars), row.expected);
    });
  }
});
