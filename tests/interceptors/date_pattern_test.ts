import { strictEqual, throws } from "node:assert/strict";
import { compileDatePattern } from "../../src/interceptors/_date_pattern.ts";

function parse(pattern: string, text: string): number | undefined {
  return compileDatePattern(pattern).parse(text);
}

Deno.test("date patterns read y M d H m s S as wall-clock milliseconds", () => {
  strictEqual(parse("yyyy-MM-dd HH:mm", "2012-10-18 18:47"), Date.UTC(2012, 9, 18, 18, 47));
  strictEqual(
    parse("yyyy-MM-dd HH:mm:ss,SSS", "2012-10-18 18:47:57,614"),
    Date.UTC(2012, 9, 18, 18, 47, 57, 614),
  );
  strictEqual(parse("d/M/yyyy H:m", "8/3/2024 7:5"), Date.UTC(2024, 2, 8, 7, 5));
  strictEqual(
    parse("HH:mm", "01:30"),
    Date.UTC(1970, 0, 1, 1, 30),
    "missing fields are 1970-01-01",
  );
  strictEqual(parse("yy-MM-dd", "24-02-29"), Date.UTC(2024, 1, 29));
});

Deno.test("date patterns read a fraction of a second with S, whatever its digits", () => {
  strictEqual(parse("ss.S", "01.5"), 1500);
  strictEqual(parse("ss.SSS", "01.050"), 1050);
  strictEqual(parse("ss.SSSSSS", "01.123456"), 1123);
});

Deno.test("date patterns take fixed widths for adjacent numeric fields", () => {
  strictEqual(parse("yyyyMMddHHmmss", "20121018184757"), Date.UTC(2012, 9, 18, 18, 47, 57));
});

Deno.test("date patterns read quoted literal text and month names", () => {
  strictEqual(
    parse("yyyy-MM-dd'T'HH:mm:ss'Z'", "2012-10-18T18:47:57Z"),
    Date.UTC(2012, 9, 18, 18, 47, 57),
  );
  strictEqual(parse("dd MMM yyyy", "18 Oct 2012"), Date.UTC(2012, 9, 18));
  strictEqual(parse("dd MMMM yyyy", "18 october 2012"), Date.UTC(2012, 9, 18));
  strictEqual(parse("HH 'o''clock'", "07 o'clock"), Date.UTC(1970, 0, 1, 7));
  strictEqual(parse("''yyyy", "'2012"), Date.UTC(2012, 0, 1));
});

Deno.test("date patterns refuse text that does not fit, or no real date", () => {
  strictEqual(parse("yyyy-MM-dd", "2012-10-18 extra"), undefined, "text left over");
  strictEqual(parse("yyyy-MM-dd", "2012/10/18"), undefined);
  strictEqual(parse("yyyy-MM-dd", "2012-02-30"), undefined);
  strictEqual(parse("HH:mm", "24:00"), undefined);
  strictEqual(parse("yyyy-MM-dd", ""), undefined);
});

Deno.test("date patterns with unsupported letters or an open quote do not compile", () => {
  throws(() => compileDatePattern("yyyy-MM-dd hh:mm a"), /Unsupported pattern letter "h"/);
  throws(() => compileDatePattern("yyyy-MM-ddTHH"), /Unsupported pattern letter "T"/);
  throws(() => compileDatePattern("yyyy 'at"), /Unterminated quote/);
  throws(() => compileDatePattern("'just text'"), /No date or time field/);
});
