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
    expected: { value: "", missing: ["${env:host}"] },
  },
  {
    name: "unset references are listed in order and removed from the value",
    value: "k1 ${sys:MORE} ${env:HOST} ${env:NOPE}",
    expected: { value: "k1  example.com ", missing: ["${sys:MORE}", "${env:NOPE}"] },
  },
];

/** A substitution with nothing missing. */
function ok(value: string): Substitution {
  return { value, missing: [] };
}

Deno.test("substitute replaces ${env:NAME} and ${sys:NAME} and lists the unset ones", async (t) => {
  for (const row of rows) {
    await t.step(row.name, () => {
      deepStrictEqual(substitute(row.value, VARS), row.expected);
    });
  }
});
