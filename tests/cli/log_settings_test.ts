import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { formatDuration, parseDuration } from "../../src/cli/duration.ts";
import { LOG_FILE_DEFAULTS, parseLogSettings } from "../../src/cli/log_settings.ts";
import { UsageError } from "../../src/cli/usage_error.ts";

const AGENT = { command: "agent" };

Deno.test("parseLogSettings reads Flume's log4j properties", async (t) => {
  await t.step("the default is INFO to the console, as text", () => {
    deepStrictEqual(parseLogSettings({}, AGENT), {
      level: "info",
      format: "text",
      console: true,
      file: undefined,
    });
  });
  await t.step("INFO,LOGFILE writes ./logs/flume.log with log4j's 100MB x 10", () => {
    deepStrictEqual(parseLogSettings({ "flume.root.logger": "INFO,LOGFILE" }, AGENT), {
      level: "info",
      format: "text",
      console: false,
      file: { path: "logs/flume.log", maxFileSize: 100 * 1024 * 1024, maxBackupIndex: 10 },
    });
    strictEqual(LOG_FILE_DEFAULTS.dir, "./logs");
  });
  await t.step("both appenders, dir, file, size and backups", () => {
    const settings = parseLogSettings({
      "flume.root.logger": "debug, console, logfile",
      "flume.log.dir": "/var/log/flume",
      "flume.log.file": "a1.log",
      "flume.log.maxFileSize": "2KB",
      "flume.log.maxBackupIndex": "3",
    }, { format: "json", command: "agent" });
    deepStrictEqual(settings, {
      level: "debug",
      format: "json",
      console: true,
      file: { path: "/var/log/flume/a1.log", maxFileSize: 2048, maxBackupIndex: 3 },
    });
  });
  await t.step("sizes as log4j writes them", () => {
    const size = (text: string): number | undefined =>
      parseLogSettings(
        { "flume.root.logger": "INFO,LOGFILE", "flume.log.maxFileSize": text },
        AGENT,
      ).file?.maxFileSize;
    deepStrictEqual(["100MB", "512kb", "1GB", "4096", "10 MB"].map(size), [
      104_857_600,
      524_288,
      1_073_741_824,
      4096,
      10_485_760,
    ]);
  });
  await t.step("OFF is null", () => {
    strictEqual(parseLogSettings({ "flume.root.logger": "OFF" }, AGENT).level, null);
  });
});

Deno.test("parseLogSettings refuses bad values, naming them", async (t) => {
  const cases: [Record<string, string>, string | undefined, RegExp][] = [
    [
      { "flume.root.logger": "LOUD,console" },
      undefined,
      /^Invalid -Dflume\.root\.logger="LOUD,console": expected one of TRACE/,
    ],
    [
      { "flume.root.logger": "INFO,syslog" },
      undefined,
      /unknown appender "syslog": expected console or LOGFILE$/,
    ],
    [
      { "flume.log.maxFileSize": "big" },
      undefined,
      /^Invalid -Dflume\.log\.maxFileSize="big": expected a size/,
    ],
    [{ "flume.log.maxFileSize": "0" }, undefined, /^Invalid -Dflume\.log\.maxFileSize="0"/],
    [
      { "flume.log.maxBackupIndex": "-1" },
      undefined,
      /^Invalid -Dflume\.log\.maxBackupIndex="-1": expected a whole number from 0 to 1000$/,
    ],
    [{ "flume.log.file": "" }, undefined, /^Invalid -Dflume\.log\.file="": expected a file name$/],
    [{}, "yaml", /^Invalid --log-format "yaml": expected text or json$/],
  ];
  for (const [sys, format, message] of cases) {
    await t.step(message.source, () => {
      throws(() => parseLogSettings(sys, { format, command: "agent" }), (err: unknown) => {
        return err instanceof UsageError && message.test(err.message) && err.command === "agent";
      });
    });
  }
});

Deno.test("parseDuration takes s, m, h and plain seconds", async (t) => {
  await t.step("valid", () => {
    deepStrictEqual(
      ["2s", "90", "10m", "2h", "8760h"].map((d) => parseDuration("duration", d, AGENT)),
      [2, 90, 600, 7200, 31_536_000],
    );
  });
  await t.step("invalid, naming the option", () => {
    for (const bad of ["0", "0s", "10x", "1.5h", "-5", "", "8761h", "m"]) {
      throws(
        () => parseDuration("duration", bad, AGENT),
        new RegExp(`^UsageError: Invalid --duration "${bad}": expected a whole number of seconds`),
      );
    }
  });
  await t.step("formatDuration", () => {
    deepStrictEqual([2, 90, 600, 7200].map(formatDuration), ["2s", "90s", "10m", "2h"]);
  });
});
