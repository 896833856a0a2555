import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { LogFileSink } from "../../src/cli/log_file_sink.ts";
import { formatJsonRecord, formatRecord } from "../../src/cli/logging.ts";
import { RollingFile } from "../../src/cli/rolling_file.ts";
import { withTempDir } from "../support/cli.ts";

function record(message: string, properties: Record<string, unknown> = {}): LogRecord {
  return {
    category: ["flume-ws", "source", "w1"],
    level: "info",
    message: ["", message, ""],
    rawMessage: message,
    timestamp: Date.UTC(2026, 10, 27, 22, 59, 1, 123),
    properties,
  };
}

async function files(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("RollingFile rolls by size as log4j's RollingFileAppender", async (t) => {
  await t.step("backups flume.log.1 (newest) to .N, the oldest dropped", async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/logs/flume.log`;
      using file = RollingFile.open(path, { maxFileSize: 10, maxBackupIndex: 2 });
      for (const line of ["aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n", "gg\n"]) {
        file.write(line);
      }
      deepStrictEqual(await files(`${dir}/logs`), ["flume.log", "flume.log.1", "flume.log.2"]);
      strictEqual(await Deno.readTextFile(path), "gg\n");
      strictEqual(await Deno.readTextFile(`${path}.1`), "eeee\nffff\n");
      strictEqual(await Deno.readTextFile(`${path}.2`), "cccc\ndddd\n");
    });
  });
  await t.step("appends to an existing file, counting what it holds", async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/flume.log`;
      await Deno.writeTextFile(path, "12345678\n");
      using file = RollingFile.open(path, { maxFileSize: 10, maxBackupIndex: 1 });
      strictEqual(file.size, 9);
      file.write("x\n");
      strictEqual(await Deno.readTextFile(`${path}.1`), "12345678\n");
      strictEqual(await Deno.readTextFile(path), "x\n");
    });
  });
  await t.step("a line larger than the limit gets a file of its own", async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/flume.log`;
      using file = RollingFile.open(path, { maxFileSize: 4, maxBackupIndex: 3 });
      file.write("0123456789\n");
      file.write("a\n");
      strictEqual(await Deno.readTextFile(`${path}.1`), "0123456789\n");
      strictEqual(await Deno.readTextFile(path), "a\n");
    });
  });
  await t.step("maxBackupIndex 0 starts the file afresh", async () => {
    await withTempDir(async (dir) => {
      const path = `${dir}/flume.log`;
      using file = RollingFile.open(path, { maxFileSize: 6, maxBackupIndex: 0 });
      file.write("aaaa\n");
      file.write("bbbb\n");
      deepStrictEqual(await files(dir), ["flume.log"]);
      strictEqual(await Deno.readTextFile(path), "bbbb\n");
    });
  });
  await t.step("a file that cannot be opened throws", async () => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/plain`, "");
      throws(
        () => RollingFile.open(`${dir}/plain/flume.log`, { maxFileSize: 10, maxBackupIndex: 1 }),
      );
    });
  });
});

Deno.test("LogFileSink says on stderr when the file fails, and when it works again", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/logs/flume.log`;
    const file = RollingFile.open(path, { maxFileSize: 1 << 20, maxBackupIndex: 1 });
    const stderr: string[] = [];
    let now = 0;
    const sink = new LogFileSink(file, {
      format: formatRecord,
      stderr: (line) => stderr.push(line),
      divert: true,
      now: () => now,
      retryMs: 1000,
    });
    try {
      sink.write(record("one"));
      // The directory goes away and a plain file takes its place: no write can succeed.
      file.close();
      await Deno.remove(`${dir}/logs`, { recursive: true });
      await Deno.writeTextFile(`${dir}/logs`, "");
      sink.write(record("two"));
      sink.write(record("three"));
      strictEqual(stderr.length, 3, stderr.join(""));
      match(
        stderr[0],
        /WARN {2}log: Cannot write log file ".*flume\.log": .*: logging to stderr instead, trying the file again every 1 s\n$/,
      );
      match(stderr[1], /source\.w1: two\n$/);
      match(stderr[2], /source\.w1: three\n$/);
      await Deno.remove(`${dir}/logs`);
      now = 1000;
      sink.write(record("four"));
      const text = await Deno.readTextFile(path);
      match(
        text,
        /WARN {2}log: Log file ".*" written again: 2 line\(s\) went to stderr meanwhile\n/,
      );
      match(text, /source\.w1: four\n$/);
      ok(!text.includes("one"), "a new file after the directory was replaced");
    } finally {
      sink[Symbol.dispose]();
    }
  });
});

Deno.test("formatJsonRecord writes one parseable object per line", async (t) => {
  await t.step("without properties, no fields", () => {
    const line = formatJsonRecord(record('Event: { headers:{} body: 7B 22 {"a" }\u0007'));
    ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
    deepStrictEqual(JSON.parse(line), {
      time: "2026-11-27T22:59:01.123Z",
      level: "INFO",
      component: "source.w1",
      message: 'Event: { headers:{} body: 7B 22 {"a" }\u0007',
    });
  });
  await t.step("with properties, as fields", () => {
    const parsed = JSON.parse(formatJsonRecord(record("status: …", { sources: { w1: {} } })));
    deepStrictEqual(parsed.fields, { sources: { w1: {} } });
  });
  await t.step("a property JSON cannot hold keeps the line", () => {
    const parsed = JSON.parse(formatJsonRecord(record("m", { n: 1n })));
    deepStrictEqual(parsed.fields, { unserializable: ["n"] });
  });
  await t.step("levels as the text format names them", () => {
    const warn = JSON.parse(formatJsonRecord({ ...record("m"), level: "warning" }));
    strictEqual(warn.level, "WARN");
  });
});
