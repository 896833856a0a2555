import { deepStrictEqual, throws } from "node:assert/strict";
import { parseProperties, type PropertyEntry, toPropertyMap } from "../../src/config/properties.ts";

interface Row {
  name: string;
  text: string;
  expected: PropertyEntry[];
}

/** Shorthand for an expected entry. */
function e(key: string, value: string, line: number): PropertyEntry {
  return { key, value, line };
}

const lineRules: Row[] = [
  { name: "\\n ends a line", text: "a=1\nb=2\n", expected: [e("a", "1", 1), e("b", "2", 2)] },
  { name: "lone \\r ends a line", text: "a=1\rb=2\r", expected: [e("a", "1", 1), e("b", "2", 2)] },
  {
    name: "\\r\\n counts as one line break",
    text: "a=1\r\nb=2\r\n\r\nc=3",
    expected: [e("a", "1", 1), e("b", "2", 2), e("c", "3", 4)],
  },
  {
    name: "mixed line endings are each counted once",
    text: "a=1\r\rb=2\n\r\nc=3",
    expected: [e("a", "1", 1), e("b", "2", 3), e("c", "3", 5)],
  },
  {
    name: "blank and whitespace-only lines are skipped",
    text: "\n  \t\f\n\na=1\n   \n",
    expected: [e("a", "1", 4)],
  },
  {
    name: "leading whitespace before the key is skipped",
    text: " \t\f key=v",
    expected: [e("key", "v", 1)],
  },
  {
    name: "# and ! comment lines are skipped, also when indented",
    text: "# a=1\n! b=2\n  # c=3\n\t! d=4\ne=5",
    expected: [e("e", "5", 5)],
  },
  {
    name: "a comment line ending in a backslash is not continued",
    text: "# note \\\na=1",
    expected: [e("a", "1", 2)],
  },
  {
    name: "# after the first char of a line is content",
    text: "a=#1\nb#=2",
    expected: [e("a", "#1", 1), e("b#", "2", 2)],
  },
  {
    name: "a leading UTF-8 BOM is skipped",
    text: "\uFEFFa=1\nb=2",
    expected: [e("a", "1", 1), e("b", "2", 2)],
  },
  { name: "empty text has no entries", text: "", expected: [] },
];

const continuationRules: Row[] = [
  {
    name: "an odd trailing backslash joins the next line without its leading whitespace",
    text: "a=one \\\n    two\nb=3",
    expected: [e("a", "one two", 1), e("b", "3", 3)],
  },
  {
    name: "an even number of trailing backslashes is a literal backslash, not a continuation",
    text: "a=x\\\\\nb=y",
    expected: [e("a", "x\\", 1), e("b", "y", 2)],
  },
  {
    name: "three trailing backslashes are a literal backslash plus a continuation",
    text: "a=x\\\\\\\n  y",
    expected: [e("a", "x\\y", 1)],
  },
  {
    name: "a continuation line starting with # is not a comment",
    text: "a=1,\\\n  #2\n",
    expected: [e("a", "1,#2", 1)],
  },
  {
    name: "continuation works across \\r\\n and \\r",
    text: "a=1\\\r\n  2\\\r  3\r\nb=4",
    expected: [e("a", "123", 1), e("b", "4", 4)],
  },
  {
    name: "a key may span a continuation and keeps the line where it starts",
    text: "x=0\nlong\\\n  key = v",
    expected: [e("x", "0", 1), e("longkey", "v", 2)],
  },
  {
    name: "an empty line after a continuation ends the logical line",
    text: "a=1\\\n\nb=2",
    expected: [e("a", "1", 1), e("b", "2", 3)],
  },
  {
    name: "a backslash at the very end of the text is dropped",
    text: "a=1\\",
    expected: [e("a", "1", 1)],
  },
  {
    name: "a backslash before a final line break is dropped",
    text: "a=1\\\n",
    expected: [e("a", "1", 1)],
  },
];

const keyValueRules: Row[] = [
  { name: "= separates key and value", text: "a=b", expected: [e("a", "b", 1)] },
  { name: ": separates key and value", text: "a:b", expected: [e("a", "b", 1)] },
  { name: "whitespace separates key and value", text: "a\tb", expected: [e("a", "b", 1)] },
  {
    name: "whitespace around one separator is skipped",
    text: "a \t=\f b\nc : d",
    expected: [e("a", "b", 1), e("c", "d", 2)],
  },
  {
    name: "only the first separator is consumed",
    text: "a.b = x = y\nc==d\ne :: f",
    expected: [e("a.b", "x = y", 1), e("c", "=d", 2), e("e", ": f", 3)],
  },
  {
    name: "a key without separator has an empty value",
    text: "flag\nspaced   \nempty=",
    expected: [e("flag", "", 1), e("spaced", "", 2), e("empty", "", 3)],
  },
  {
    name: "a line starting with a separator has an empty key",
    text: "=v",
    expected: [e("", "v", 1)],
  },
  {
    name: "duplicate keys are all kept in file order",
    text: "a=1\nb=2\na=3",
    expected: [e("a", "1", 1), e("b", "2", 2), e("a", "3", 3)],
  },
];

const escapeRules: Row[] = [
  {
    name: "\\t \\n \\r \\f are control chars in key and value",
    text: "k\\tx=a\\tb\\nc\\rd\\fe",
    expected: [e("k\tx", "a\tb\nc\rd\fe", 1)],
  },
  {
    name: "\\uXXXX decodes 4 hex digits of either case in key and value",
    text: "\\u0041\\u00e9=\\u263A\\u263a!",
    expected: [e("Aé", "☺☺!", 1)],
  },
  {
    name: "escaped =, : and space are part of the key",
    text: "a\\=b\\:c\\ d=v",
    expected: [e("a=b:c d", "v", 1)],
  },
  {
    name: "escaped # and ! at line start are keys, not comments",
    text: "\\#k=1\n\\!k=2",
    expected: [e("#k", "1", 1), e("!k", "2", 2)],
  },
  {
    name: "\\\\ is a literal backslash",
    text: "path=C:\\\\dir\\\\",
    expected: [e("path", "C:\\dir\\", 1)],
  },
  {
    name: "any other escaped char stands for itself",
    text: 'k=\\b\\q\\"\\x',
    expected: [e("k", 'bq"x', 1)],
  },
  {
    name: "an escaped space keeps leading whitespace in the value",
    text: "k=\\  v",
    expected: [e("k", "  v", 1)],
  },
  {
    name: "trailing whitespace in a value is kept",
    text: "k=v  \t\f",
    expected: [e("k", "v  \t\f", 1)],
  },
  {
    name: "quotes stay in the value",
    text: "k=\"abc\"\nq='x'",
    expected: [e("k", '"abc"', 1), e("q", "'x'", 2)],
  },
];

const tables: Record<string, Row[]> = {
  "parseProperties splits natural lines and skips blanks and comments like Properties.load":
    lineRules,
  "parseProperties joins continuation lines like Properties.load": continuationRules,
  "parseProperties splits keys from values like Properties.load": keyValueRules,
  "parseProperties resolves escapes and keeps value content like Properties.load": escapeRules,
};

for (const [name, table] of Object.entries(tables)) {
  Deno.test(name, async (t) => {
    for (const row of table) {
      await t.step(row.name, () => deepStrictEqual(parseProperties(row.text), row.expected));
    }
  });
}

const malformed: { name: string; text: string; line: number }[] = [
  { name: "too few hex digits at the end of a value", text: "k=\\u12", line: 1 },
  { name: "a non-hex digit in a value", text: "k=\\u12G4", line: 1 },
  { name: "too few hex digits before the separator", text: "\\u004=v", line: 1 },
  { name: "a bad escape after comments and blank lines", text: "a=1\n\n# c\r\nb=\\u00zz", line: 4 },
  { name: "a bad escape on a continuation line", text: "\na=ok \\\n  \\uXYZW", line: 2 },
];

Deno.test("parseProperties throws SyntaxError with the key's line when \\u is malformed", async (t) => {
  for (const row of malformed) {
    await t.step(row.name, () => {
      throws(() => parseProperties(row.text), {
        name: "SyntaxError",
        message: `Malformed \\uxxxx encoding on line ${row.line}`,
      });
    });
  }
});

Deno.test("toPropertyMap keeps the last entry when keys repeat", () => {
  const map = toPropertyMap(parseProperties("a=1\nb=2\na=3\n"));
  deepStrictEqual([...map.keys()], ["a", "b"]);
  deepStrictEqual(map.get("a"), e("a", "3", 3));
  deepStrictEqual(map.get("b"), e("b", "2", 2));
});

Deno.test("toPropertyMap returns an empty map when there are no entries", () => {
  deepStrictEqual(toPropertyMap([]).size, 0);
});
