import { equal } from "node:assert/strict";
import { closest, didYouMean, didYouMeanProperty, editDistance } from "../../src/util/suggest.ts";

Deno.test("editDistance counts single-character edits, ignoring case", async (t) => {
  const rows: readonly [string, string, number][] = [
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["memory", "memory", 0],
    ["maxBytesTolog", "maxBytesToLog", 0],
    ["kitten", "sitting", 3],
    ["memroy", "memory", 2],
    ["channel", "channels", 1],
  ];
  for (const [a, b, expected] of rows) {
    await t.step(`"${a}" → "${b}" is ${expected}`, () => {
      equal(editDistance(a, b), expected);
      equal(editDistance(b, a), expected);
    });
  }
});

Deno.test("closest returns a likely typo's target and nothing for unrelated words", async (t) => {
  const properties = ["capacity", "transactionCapacity", "keep-alive", "byteCapacity"];
  await t.step("a near-miss finds its property", () => {
    equal(closest("capcity", properties), "capacity");
    equal(closest("transactioncapacity", properties), "transactionCapacity");
    equal(closest("keepalive", properties), "keep-alive");
  });
  await t.step("the closest of several candidates wins", () => {
    equal(closest("byteCapacty", properties), "byteCapacity");
  });
  await t.step("a word further than a third of its length is no typo", () => {
    equal(closest("colour", properties), undefined);
    equal(closest("hdfs", ["logger", "null"]), undefined);
  });
  await t.step("short words still allow one edit", () => {
    equal(closest("c2", ["c1"]), "c1");
    equal(closest("x", ["c1"]), undefined);
  });
  await t.step("no candidates, no suggestion", () => {
    equal(closest("anything", []), undefined);
  });
});

Deno.test("didYouMean phrases the suggestion as a hint", () => {
  equal(
    didYouMean("memroy", ["memory", "org.apache.flume.channel.MemoryChannel"]),
    'did you mean "memory"?',
  );
  equal(didYouMean("maxBytesTolog", ["maxBytesToLog"]), 'did you mean "maxBytesToLog"?');
  equal(didYouMean("retrydelay", ["retryDelay", "retryMaxDelay"]), 'did you mean "retryDelay"?');
  equal(didYouMean("elasticsearch", ["logger", "null"]), undefined);
});

Deno.test("didYouMeanProperty also finds a property under a prefix", () => {
  const properties = ["sink.directory", "sink.batchSize", "sink.pathManager.prefix"];
  equal(didYouMeanProperty("sink.batchsize", properties), 'did you mean "sink.batchSize"?');
  equal(didYouMeanProperty("batchSize", properties), 'did you mean "sink.batchSize"?');
  equal(didYouMeanProperty("Directory", properties), 'did you mean "sink.directory"?');
  equal(didYouMeanProperty("prefix", [...properties, "header.prefix"]), undefined, "ambiguous");
  equal(didYouMeanProperty("size", properties), undefined);
});
