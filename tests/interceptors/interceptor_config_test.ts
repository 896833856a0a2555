import { deepStrictEqual, match, strictEqual, throws } from "node:assert/strict";
import { formatIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { confWith, issuesOf, load } from "./_interceptors.ts";

const MILLIS = "org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer";

/** `flume.conf:LINE: severity: component property: message` of every issue. */
function formatted(lines: readonly string[]): string[] {
  return issuesOf(confWith(lines)).map((i) => formatIssue(i).split("\n")[0]);
}

Deno.test("an invalid regex is a config error at its line", () => {
  const issues = formatted([
    "a1.sources.r1.interceptors = i1 i2", // 7
    "a1.sources.r1.interceptors.i1.type = regex_filter", // 8
    "a1.sources.r1.interceptors.i1.regex = ([a-z", // 9
    "a1.sources.r1.interceptors.i2.type = remove_header", // 10
    "a1.sources.r1.interceptors.i2.matching = *x", // 11
  ]);
  strictEqual(issues.length, 2);
  match(
    issues[0],
    /^flume\.conf:9: error: sources\.r1 interceptors\.i1\.regex: Invalid regex "\(\[a-z": not a regular expression: /,
  );
  match(
    issues[1],
    /^flume\.conf:11: error: sources\.r1 interceptors\.i2\.matching: Invalid matching "\*x": not a regular expression: Nothing to repeat/,
  );
});

Deno.test("an invalid date pattern of a millis serializer is a config error at its line", () => {
  const lines = [
    "a1.sources.r1.interceptors = i1", // 7
    "a1.sources.r1.interceptors.i1.type = regex_extractor", // 8
    "a1.sources.r1.interceptors.i1.regex = ^(\\\\S+)", // 9
    "a1.sources.r1.interceptors.i1.serializers = s1", // 10
    `a1.sources.r1.interceptors.i1.serializers.s1.type = ${MILLIS}`, // 11
    "a1.sources.r1.interceptors.i1.serializers.s1.name = timestamp", // 12
    "a1.sources.r1.interceptors.i1.serializers.s1.pattern = yyyy-MM-ddTHH:mm", // 13
  ];
  deepStrictEqual(formatted(lines), [
    'flume.conf:13: error: sources.r1 interceptors.i1.serializers.s1.pattern: Invalid serializers.s1.pattern "yyyy-MM-ddTHH:mm": Unsupported pattern letter "T": supported are y M d H m s S; quote literal text',
  ]);
  throws(() => load(confWith(lines)), /flume\.conf:13: error/);
});

Deno.test("regex_extractor serializers are checked together: name, type, pattern, timeZone", () => {
  const issues = formatted([
    "a1.sources.r1.interceptors = i1", // 7
    "a1.sources.r1.interceptors.i1.type = regex_extractor", // 8
    "a1.sources.r1.interceptors.i1.regex = (a)(b)(c)(d)", // 9
    "a1.sources.r1.interceptors.i1.serializers = s1 s2 s3 s4", // 10
    "a1.sources.r1.interceptors.i1.serializers.s2.name = two", // 11
    "a1.sources.r1.interceptors.i1.serializers.s2.type = com.example.MySerializer", // 12
    "a1.sources.r1.interceptors.i1.serializers.s3.name = three", // 13
    `a1.sources.r1.interceptors.i1.serializers.s3.type = ${MILLIS}`, // 14
    "a1.sources.r1.interceptors.i1.serializers.s4.name = four", // 15
    `a1.sources.r1.interceptors.i1.serializers.s4.type = ${MILLIS}`, // 16
    "a1.sources.r1.interceptors.i1.serializers.s4.pattern = yyyy", // 17
    "a1.sources.r1.interceptors.i1.serializers.s4.timeZone = Mars/Olympus", // 18
    "a1.sources.r1.interceptors.i1.serializers.s9.name = nine", // 19
  ]);
  deepStrictEqual(issues, [
    'flume.conf:10: error: sources.r1 interceptors.i1.serializers: Serializer "s1" has no header name',
    'flume.conf:12: error: sources.r1 interceptors.i1.serializers.s2.type: Unknown serializer type "com.example.MySerializer"',
    'flume.conf:14: error: sources.r1 interceptors.i1.serializers.s3.type: The millis serializer "s3" needs a date pattern',
    'flume.conf:18: error: sources.r1 interceptors.i1.serializers.s4.timeZone: Invalid serializers.s4.timeZone "Mars/Olympus": unknown time zone',
    'flume.conf:19: warning: sources.r1 interceptors.i1.serializers.s9.name: Serializer "s9" is not listed in serializers: ignored',
  ]);
});

Deno.test("regex_extractor needs regex and serializers, and warns of serializers no group reaches", () => {
  deepStrictEqual(
    formatted([
      "a1.sources.r1.interceptors = i1", // 7
      "a1.sources.r1.interceptors.i1.type = regex_extractor", // 8
    ]),
    [
      'flume.conf:8: error: sources.r1 interceptors.i1.regex: Missing required property "regex"',
      'flume.conf:8: error: sources.r1 interceptors.i1.serializers: Missing required property "serializers"',
    ],
  );
  deepStrictEqual(
    formatted([
      "a1.sources.r1.interceptors = i1", // 7
      "a1.sources.r1.interceptors.i1.type = regex_extractor", // 8
      "a1.sources.r1.interceptors.i1.regex = (a)", // 9
      "a1.sources.r1.interceptors.i1.serializers = s1 s2", // 10
      "a1.sources.r1.interceptors.i1.serializers.s1.name = one", // 11
      "a1.sources.r1.interceptors.i1.serializers.s2.name = two", // 12
      "a1.sources.r1.interceptors.i1.serializers.s2.pattern = yyyy", // 13
    ]),
    [
      "flume.conf:10: warning: sources.r1 interceptors.i1.serializers: The regex has 1 match group(s): serializer(s) s2 will never set a header",
      'flume.conf:13: warning: sources.r1 interceptors.i1.serializers.s2.pattern: Property "serializers.s2.pattern" is for the millis serializer only: ignored',
    ],
  );
});

Deno.test("json_extractor checks its fields and header names", () => {
  deepStrictEqual(
    formatted([
      "a1.sources.r1.interceptors = i1", // 7
      "a1.sources.r1.interceptors.i1.type = json_extractor", // 8
      "a1.sources.r1.interceptors.i1.fields = type data..symbol", // 9
      "a1.sources.r1.interceptors.i1.header.type =", // 10
      "a1.sources.r1.interceptors.i1.header.product_id = product", // 11
    ]),
    [
      'flume.conf:9: error: sources.r1 interceptors.i1.fields: Invalid field path "data..symbol": empty name between dots',
      'flume.conf:10: error: sources.r1 interceptors.i1.header.type: Invalid header.type "": expected a header name',
      'flume.conf:11: warning: sources.r1 interceptors.i1.header.product_id: Field "product_id" is not listed in fields: ignored',
    ],
  );
});

/** Each type with the properties it requires. */
const TYPES: readonly [string, readonly string[]][] = [
  ["timestamp", []],
  ["org.apache.flume.interceptor.TimestampInterceptor$Builder", []],
  ["host", []],
  ["org.apache.flume.interceptor.HostInterceptor$Builder", []],
  ["static", []],
  ["org.apache.flume.interceptor.StaticInterceptor$Builder", []],
  ["remove_header", ["withName = a"]],
  ["org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder", ["matching = x-.*"]],
  ["uuid", []],
  ["org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder", []],
  ["regex_filter", []],
  ["org.apache.flume.interceptor.RegexFilteringInterceptor$Builder", []],
  ["regex_extractor", ["regex = (x)", "serializers = s1", "serializers.s1.name = x"]],
  ["org.apache.flume.interceptor.RegexExtractorInterceptor$Builder", [
    "regex = (x)",
    "serializers = s1",
    "serializers.s1.name = x",
  ]],
  ["json_extractor", ["fields = type"]],
];

Deno.test("every interceptor type and Flume class name is known, and a typo gets a hint", () => {
  for (const [type, required] of TYPES) {
    const lines = [
      "a1.sources.r1.interceptors = i1",
      `a1.sources.r1.interceptors.i1.type = ${type}`,
      ...required.map((line) => `a1.sources.r1.interceptors.i1.${line}`),
    ];
    deepStrictEqual(formatted(lines), [], type);
  }
  const [typo] = issuesOf(confWith([
    "a1.sources.r1.interceptors = i1", // 7
    "a1.sources.r1.interceptors.i1.type = timestmap", // 8
  ]));
  strictEqual(typo.line, 8);
  match(typo.message, /Unknown interceptor type "timestmap"/);
  match(typo.hint ?? "", /timestamp/);
});

Deno.test("every interceptor's reference example is a valid configuration without warnings", () => {
  const definitions = builtinRegistry().all("interceptor");
  strictEqual(definitions.length, 8);
  for (const def of definitions) {
    deepStrictEqual(formatted(def.example!.trim().split("\n")), [], def.type);
  }
});

Deno.test("remove_header without withName, fromList or matching is a warning", () => {
  deepStrictEqual(
    formatted([
      "a1.sources.r1.interceptors = i1", // 7
      "a1.sources.r1.interceptors.i1.type = remove_header", // 8
    ]),
    ["flume.conf:8: warning: sources.r1: The remove_header interceptor removes nothing: events pass unchanged"],
  );
});
