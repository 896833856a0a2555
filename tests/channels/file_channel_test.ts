import { deepStrictEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  DATABASE_FILE,
  expandHome,
  FILE_CHANNEL,
  FileChannel,
  type FileChannelOptions,
  LOCK_FILE,
} from "../../src/channels/file/mod.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { ChannelError, ChannelFullError } from "../../src/api/channel.ts";
import type { Clock } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { isSettled } from "../support/async.ts";
import { runCli } from "../support/cli.ts";
import { channelFrom, loadConf } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { body, channelContract, putCommitted, takeCommitted } from "./channel_contract.ts";
import { withoutSourcelessWarning } from "../support/config_issues.ts";

const DECODER = new TextDecoder();
const CHILD = new URL("../support/file_channel_child.ts", import.meta.url).pathname;

/** A file channel named c1 in `dir`; keep-alive 0, no free-space floor, a manual FakeClock. */
function fileChannel(
  dir: string,
  options: Partial<FileChannelOptions> = {},
  clock: Clock = new FakeClock(),
): FileChannel {
  return new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    checkpointDir: `${dir}/checkpoint`,
    dataDirs: [`${dir}/data`],
    keepAlive: 0,
    minimumRequiredSpace: 0,
    ...options,
  }, clock);
}

/** Runs `fn` in a new temporary directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "file_channel_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `fn` with a started channel in a new temporary directory; stops it and removes the directory. */
function withChannel(
  fn: (ch: FileChannel, dir: string) => Promise<void> | void,
  options: Partial<FileChannelOptions> = {},
  clock?: Clock,
): Promise<void> {
  return inTempDir(async (dir) => {
    const ch = fileChannel(dir, options, clock);
    await ch.start();
    try {
      await fn(ch, dir);
    } finally {
      await ch.stop();
    }
  });
}

/** Opens the channel in `dir`, runs `fn`, and stops it. */
async function reopened(
  dir: string,
  fn: (ch: FileChannel) => Promise<void> | void,
  options: Partial<FileChannelOptions> = {},
): Promise<void> {
  const ch = fileChannel(dir, options);
  await ch.start();
  try {
    await fn(ch);
  } finally {
    await ch.stop();
  }
}

Deno.test("FileChannel meets the channel contract", (t) =>
  channelContract(t, {
    transactionClass: "FileBackedTransaction",
    fullMessage: /^The channel has reached its capacity/,
    anyRollbackOrder: true,
    make: async (options, clock) => {
      const dir = await Deno.makeTempDir({ prefix: "file_channel_test_" });
      const channel = fileChannel(dir, options, clock);
      try {
        await channel.start();
      } catch (err) {
        await Deno.remove(dir, { recursive: true });
        throw err;
      }
      return {
        channel,
        cleanup: async () => {
          try {
            await channel.stop();
          } finally {
            await Deno.remove(dir, { recursive: true });
          }
        },
      };
    },
  }));

Deno.test("FileChannel refuses misuse of a transaction", async (t) => {
  await t.step("begin before start or after stop", async () => {
    await inTempDir(async (dir) => {
      const ch = fileChannel(dir);
      throws(() => ch.getTransaction().begin(), /Channel "c1" is not open/);
      await ch.start();
      const tx = ch.getTransaction();
      tx.begin();
      tx.put(textEvent("a"));
      await ch.stop();
      await rejects(tx.commit(), /Channel "c1" is not open/);
      tx.close(); // a rollback after stop is harmless
    });
  });

  await t.step(
    "a transaction begun before a restart is refused after it",
    () =>
      withChannel(async (ch) => {
        await putCommitted(ch, "a");
        const tx = ch.getTransaction();
        tx.begin();
        equal(body(tx.take()!), "a");
        await ch.stop();
        await ch.start();
        await rejects(tx.commit(), /reopened since this transaction began/);
        tx.close();
        deepStrictEqual(await takeCommitted(ch), ["a"], "the take was not committed");
      }),
  );

  await t.step("stop ends a waiting commit with ChannelError", async () => {
    const clock = new FakeClock();
    await inTempDir(async (dir) => {
      const ch = fileChannel(dir, { capacity: 1, transactionCapacity: 1, keepAlive: 1 }, clock);
      await ch.start();
      await putCommitted(ch, "a");
      const tx = ch.getTransaction();
      tx.begin();
      tx.put(textEvent("b"));
      const refused = rejects(tx.commit(), /Channel "c1" is not open/);
      await clock.nextSleep();
      await ch.stop();
      await refused;
      tx.close();
      await reopened(dir, async (again) => deepStrictEqual(await takeCommitted(again), ["a"]));
    });
  });
});

Deno.test("FileChannel keeps committed events across a clean close", async (t) => {
  await t.step(
    "events, order, headers and bodies survive stop and start",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, async (ch) => {
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("a", { k: "1" }));
          tx.put({ headers: {}, body: new Uint8Array([0, 255, 7]) });
          await tx.commit();
          tx.close();
          await putCommitted(ch, "c");
        });
        await reopened(dir, (ch) => {
          equal(ch.size(), 3);
          const tx = ch.getTransaction();
          tx.begin();
          deepStrictEqual([tx.take(), tx.take(), tx.take(), tx.take()], [
            textEvent("a", { k: "1" }),
            { headers: {}, body: new Uint8Array([0, 255, 7]) },
            textEvent("c"),
            undefined,
          ]);
          tx.rollback();
          tx.close();
        });
      }),
  );

  await t.step("a committed take is gone after reopening", () =>
    inTempDir(async (dir) => {
      await reopened(dir, async (ch) => {
        await putCommitted(ch, "a", "b", "c");
        deepStrictEqual(await takeCommitted(ch, 2), ["a", "b"]);
      });
      await reopened(dir, async (ch) => deepStrictEqual(await takeCommitted(ch), ["c"]));
      await reopened(dir, (ch) => equal(ch.size(), 0));
    }));

  await t.step(
    "events taken but not committed at stop are delivered again",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, async (ch) => {
          await putCommitted(ch, "a", "b");
          const tx = ch.getTransaction();
          tx.begin();
          tx.take();
          // stopped with the take open
        });
        await reopened(dir, async (ch) => deepStrictEqual(await takeCommitted(ch), ["a", "b"]));
      }),
  );

  await t.step(
    "new events go after the old ones, also once the channel was emptied",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, (ch) => putCommitted(ch, "a", "b"));
        await reopened(dir, async (ch) => {
          await putCommitted(ch, "c");
          deepStrictEqual(await takeCommitted(ch), ["a", "b", "c"]);
        });
        await reopened(dir, async (ch) => {
          await putCommitted(ch, "d");
          deepStrictEqual(await takeCommitted(ch), ["d"]);
        });
      }),
  );

  await t.step(
    "the database is in the first data dir and every dir is locked",
    () =>
      inTempDir(async (dir) => {
        const ch = fileChannel(dir, { dataDirs: [`${dir}/d1`, `${dir}/d2`] });
        await ch.start();
        try {
          equal(ch.databasePath, `${dir}/d1/${DATABASE_FILE}`);
          for (const sub of ["checkpoint", "d1", "d2"]) {
            ok((await Deno.stat(`${dir}/${sub}/${LOCK_FILE}`)).isFile, `${sub} has ${LOCK_FILE}`);
          }
          ok((await Deno.stat(`${dir}/d1/${DATABASE_FILE}`)).isFile);
        } finally {
          await ch.stop();
        }
      }),
  );

  await t.step(
    "a reopened channel with events is readable at once",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, (ch) => putCommitted(ch, "a"));
        await reopened(dir, async (ch) => {
          equal(await isSettled(ch.whenReadable(new AbortController().signal)), true);
        });
      }),
  );
});

Deno.test("FileChannel reopens after kill -9 with exactly the committed events", async () => {
  await inTempDir(async (dir) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CHILD, "crash", dir],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready\n")) {
      const { value, done } = await lines.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGKILL");
    await lines.cancel();
    const status = await child.status;
    const errors = await stderr;
    ok(out.includes("ready\n"), `the child never got ready: ${out}${errors}`);
    equal(status.signal, "SIGKILL");
    // a and b were taken and committed; c was taken uncommitted; x was put uncommitted.
    await reopened(dir, (ch) => {
      equal(ch.size(), 3);
      const tx = ch.getTransaction();
      tx.begin();
      deepStrictEqual([tx.take(), tx.take(), tx.take(), tx.take()], [
        textEvent("c", { n: "c" }),
        textEvent("d", { n: "d" }),
        textEvent("e", { n: "e" }),
        undefined,
      ]);
      tx.rollback();
      tx.close();
    });
  });
});

Deno.test("FileChannel locks its directories against a second channel or agent", async (t) => {
  await t.step(
    "a second channel on the same directories fails to start",
    () =>
      withChannel(async (_, dir) => {
        const second = fileChannel(dir);
        await rejects(second.start(), (err: unknown) => {
          ok(err instanceof ChannelError);
          equal(
            err.message,
            `Cannot lock checkpointDir "${dir}/checkpoint": another channel or agent holds it ` +
              `(process ${Deno.pid}); give each file channel its own checkpointDir and dataDirs`,
          );
          return true;
        });
        equal(second.size(), 0);
      }),
  );

  await t.step(
    "sharing only the data dir fails too, and releases what it locked",
    () =>
      withChannel(async (first, dir) => {
        await putCommitted(first, "a");
        const second = fileChannel(dir, { checkpointDir: `${dir}/other` });
        await rejects(second.start(), /Cannot lock dataDirs ".*\/data": another channel or agent/);
        // The failed start let go of its checkpoint lock.
        const third = fileChannel(dir, { checkpointDir: `${dir}/other`, dataDirs: [`${dir}/d3`] });
        await third.start();
        await third.stop();
        deepStrictEqual(await takeCommitted(first), ["a"], "the first channel is untouched");
      }),
  );

  await t.step(
    "SQLite's own exclusive lock keeps other connections out",
    () =>
      withChannel(async (ch) => {
        await putCommitted(ch, "a");
        const other = new DatabaseSync(ch.databasePath);
        try {
          throws(() => other.prepare("SELECT count(*) FROM events").get(), /database is locked/);
        } finally {
          other.close();
        }
      }),
  );

  await t.step(
    "a database held by a connection that skipped the directory lock",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, (ch) => putCommitted(ch, "a"));
        const path = `${dir}/data/${DATABASE_FILE}`;
        const other = new DatabaseSync(path);
        try {
          other.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA user_version = 1");
          await rejects(
            fileChannel(dir).start(),
            new RegExp(
              `Cannot open "${path}": database is locked; another channel or agent has it open$`,
            ),
          );
        } finally {
          other.close();
        }
        await reopened(dir, async (ch) => deepStrictEqual(await takeCommitted(ch), ["a"]));
      }),
  );

  await t.step(
    "a stopped channel's directories can be opened again",
    () =>
      inTempDir(async (dir) => {
        await reopened(dir, () => {});
        await reopened(dir, () => {});
      }),
  );

  await t.step("checkpointDir may be the data dir", () =>
    inTempDir(async (dir) => {
      await reopened(dir, (ch) => putCommitted(ch, "a"), {
        checkpointDir: `${dir}/data`,
      });
    }));

  await t.step(
    "another process fails to open the directories while they are held",
    () =>
      withChannel(async (_, dir) => {
        const { code, stdout } = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", CHILD, "open", dir],
          stdin: "null",
          stderr: "inherit",
        }).output();
        equal(code, 3);
        match(
          DECODER.decode(stdout),
          new RegExp(`another channel or agent holds it \\(process ${Deno.pid}\\)`),
        );
      }),
  );

  await t.step("and succeeds once they are released", () =>
    inTempDir(async (dir) => {
      await reopened(dir, () => {});
      const { code, stdout } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CHILD, "open", dir],
        stdin: "null",
        stderr: "inherit",
      }).output();
      equal(DECODER.decode(stdout), "opened\n");
      equal(code, 0);
    }));
});

Deno.test("FileChannel refuses puts below minimumRequiredSpace", async () => {
  await inTempDir(async (dir) => {
    await reopened(dir, (ch) => putCommitted(ch, "a", "b"));
    await reopened(dir, async (ch) => {
      const tx = ch.getTransaction();
      tx.begin();
      tx.put(textEvent("c"));
      await rejects(tx.commit(), (err: unknown) => {
        ok(err instanceof ChannelError);
        ok(!(err instanceof ChannelFullError));
        match(
          err.message,
          new RegExp(
            `^Refusing puts on channel "c1": "${dir}/data" has \\d+ bytes .* free, below ` +
              `minimumRequiredSpace ${Number.MAX_SAFE_INTEGER} bytes .*; free some space or ` +
              `lower minimumRequiredSpace$`,
          ),
        );
        return true;
      });
      tx.rollback();
      tx.close();
      deepStrictEqual(await takeCommitted(ch), ["a", "b"], "takes go on");
    }, { minimumRequiredSpace: Number.MAX_SAFE_INTEGER });
  });
});

Deno.test("FileChannel reports a database it cannot use and leaves it alone", async (t) => {
  await t.step("a file that is not a database", () =>
    inTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/data`);
      const path = `${dir}/data/${DATABASE_FILE}`;
      const garbage = new Uint8Array(8192).map((_, i) => (i * 7) % 251);
      await Deno.writeFile(path, garbage);
      const ch = fileChannel(dir);
      await rejects(ch.start(), (err: unknown) => {
        ok(err instanceof ChannelError);
        equal(
          err.message,
          `Cannot open "${path}": file is not a database; move it aside (with its -wal file, ` +
            `if any) to start the channel empty; the events in it are lost`,
        );
        return true;
      });
      deepStrictEqual(await Deno.readFile(path), garbage, "the file is untouched");
      await rejects(ch.start(), /file is not a database/, "the locks were released");
    }));

  await t.step("a damaged page of a real channel database", () =>
    inTempDir(async (dir) => {
      await reopened(dir, async (ch) => {
        const big = "x".repeat(1000);
        for (let i = 0; i < 5; i++) await putCommitted(ch, ...Array(100).fill(big));
      });
      const path = `${dir}/data/${DATABASE_FILE}`;
      const bytes = await Deno.readFile(path);
      // The page size is at offset 16, big-endian; 1 stands for 65536.
      const pageSize = ((bytes[16] << 8) | bytes[17]) === 1 ? 65536 : (bytes[16] << 8) | bytes[17];
      ok(bytes.length >= 4 * pageSize, `database of ${bytes.length} bytes`);
      bytes.fill(0xa5, 2 * pageSize, 3 * pageSize); // one b-tree page overwritten
      await Deno.writeFile(path, bytes);
      await rejects(
        fileChannel(dir).start(),
        new RegExp(`^ChannelError: Cannot open "${path}": .*move it aside.*events in it are lost$`),
      );
    }));

  await t.step("an SQLite database of something else", () =>
    inTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/data`);
      const path = `${dir}/data/${DATABASE_FILE}`;
      const other = new DatabaseSync(path);
      other.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
      other.close();
      await rejects(
        fileChannel(dir).start(),
        new RegExp(`Cannot open "${path}": not a flume-ws file channel database`),
      );
    }));

  await t.step("a directory that cannot be created", () =>
    inTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/file`, "");
      await rejects(
        fileChannel(dir, { dataDirs: [`${dir}/file/data`] }).start(),
        new RegExp(`^ChannelError: Cannot create dataDirs "${dir}/file/data": `),
      );
    }));
});

/** flume.conf lines for a channel c1 of `type` with `props`, drained by a null sink of batchSize 1. */
function fileConf(props: Record<string, string>, type = "file"): string[] {
  return [
    "a1.channels = c1",
    "a1.sinks = k1",
    `a1.channels.c1.type = ${type}`,
    ...Object.entries(props).map(([k, v]) => `a1.channels.c1.${k} = ${v}`),
    "a1.sinks.k1.type = null",
    "a1.sinks.k1.channel = c1",
    "a1.sinks.k1.batchSize = 1",
  ];
}

/**
 * Every issue the agent's configuration loader reports for a file channel
 * c1 with `props`, as `severity property: message`.
 */
function fileIssues(props: Record<string, string>): string[] {
  let issues: readonly ConfigIssue[];
  try {
    issues = loadConf(fileConf(props)).warnings;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues = err.issues;
  }
  return withoutSourcelessWarning(issues).map((issue) =>
    `${issue.severity} ${issue.property}: ${issue.message}`
  );
}

/** A file channel built from `props` as the agent builds it (not started). */
function fileChannelFrom(props: Record<string, string>): FileChannel {
  const ch = channelFrom("file", props, { clock: new FakeClock() });
  ok(ch instanceof FileChannel);
  return ch;
}

Deno.test("FILE_CHANNEL: Flume's properties, defaults and checks", async (t) => {
  await t.step("Flume's defaults", () => {
    const config = loadConf(fileConf({})).channels[0];
    deepStrictEqual(fileIssues({}), []);
    equal(config.definition, FILE_CHANNEL);
    const values = config.config as Record<string, unknown>;
    equal(values.capacity, 1000000);
    equal(values.transactionCapacity, 10000);
    equal(values["keep-alive"], 3000, "3 s, held in milliseconds");
    equal(values.minimumRequiredSpace, 524288000);
  });

  await t.step("default directories under ~/.flume-ws/file-channel", async () => {
    const home = Deno.env.get("HOME");
    const dir = await Deno.makeTempDir();
    try {
      Deno.env.set("HOME", dir);
      const ch = fileChannelFrom({});
      equal(ch.checkpointDir, `${dir}/.flume-ws/file-channel/checkpoint`);
      deepStrictEqual(ch.dataDirs, [`${dir}/.flume-ws/file-channel/data`]);
      equal(ch.capacity, 1000000);
      equal(ch.transactionCapacity, 10000);
      equal(ch.keepAliveMs, 3000);
      equal(ch.minimumRequiredSpace, 524288000);
      equal(expandHome("~/x"), `${dir}/x`);
      equal(expandHome("/abs/~/x"), "/abs/~/x");
    } finally {
      if (home === undefined) Deno.env.delete("HOME");
      else Deno.env.set("HOME", home);
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("dataDirs is split on commas, as Flume splits it", () => {
    const ch = fileChannelFrom({ checkpointDir: "/x/cp", dataDirs: " /x/d1 , /x/d 2,," });
    deepStrictEqual(ch.dataDirs, ["/x/d1", "/x/d 2"]);
    equal(ch.checkpointDir, "/x/cp");
    deepStrictEqual(fileIssues({ dataDirs: ", ," }), [
      'error dataDirs: Invalid dataDirs ", ,": expected at least one directory',
    ]);
  });

  await t.step("a dataDirs without a directory is quoted as written", () => {
    // `\ ` keeps the leading space in a .properties value: the value is " , ".
    deepStrictEqual(fileIssues({ dataDirs: "\\ , " }), [
      'error dataDirs: Invalid dataDirs " , ": expected at least one directory',
    ]);
  });

  await t.step("jdbc and Flume's class names are the same type", () => {
    const registry = builtinRegistry();
    for (
      const name of [
        "file",
        "jdbc",
        "JDBC",
        "org.apache.flume.channel.file.FileChannel",
        "org.apache.flume.channel.jdbc.JdbcChannel",
      ]
    ) {
      equal(registry.find("channel", name), FILE_CHANNEL, name);
      equal(loadConf(fileConf({}, name)).channels[0].definition, FILE_CHANNEL, name);
    }
  });

  await t.step("transactionCapacity larger than capacity is an error", () => {
    deepStrictEqual(fileIssues({ capacity: "10", transactionCapacity: "11" }), [
      "error transactionCapacity: transactionCapacity 11 is larger than capacity 10",
    ]);
    deepStrictEqual(fileIssues({ transactionCapacity: "1000001" }), [
      "error transactionCapacity: transactionCapacity 1000001 is larger than capacity 1000000",
    ]);
    deepStrictEqual(fileIssues({ capacity: "10", transactionCapacity: "10" }), []);
  });

  await t.step("bad values are errors", () => {
    deepStrictEqual(fileIssues({ minimumRequiredSpace: "-1", "keep-alive": "x" }), [
      'error minimumRequiredSpace: Invalid minimumRequiredSpace "-1": must be at least 0',
      'error keep-alive: Invalid keep-alive "x": expected a whole number',
    ]);
  });

  await t.step("Flume's other properties are accepted without a word", () => {
    deepStrictEqual(
      fileIssues({
        useDualCheckpoints: "true",
        backupCheckpointDir: "/backup",
        checkpointInterval: "60000",
        maxFileSize: "1048576",
        "use-log-replay-v1": "false",
        "use-fast-replay": "true",
        checkpointOnClose: "false",
      }),
      [],
    );
  });

  await t.step("encryption is accepted with one warning that it is not done", () => {
    deepStrictEqual(
      fileIssues({
        "encryption.activeKey": "key-0",
        "encryption.cipherProvider": "AESCTRNOPADDING",
        "encryption.keyProvider": "JCEKSFILE",
      }),
      [
        "warning encryption.activeKey: Encryption is not supported: events are stored unencrypted",
      ],
    );
  });
});

Deno.test("two file channels on one directory are refused before the agent starts", async () => {
  await inTempDir(async (dir) => {
    const conf = `${dir}/flume.conf`;
    await Deno.writeTextFile(conf, sharedDirsConf(dir));
    for (const command of ["check", "agent"]) {
      const { code, stderr } = await runCli([command, "-n", "a1", "-f", conf]);
      equal(code, 2, stderr);
      match(
        stderr,
        new RegExp(
          `^${conf}:14: error: channels.c2 checkpointDir: "${dir}/checkpoint" is also ` +
            `channels.c1's checkpointDir: a directory a file channel locks cannot be shared$`,
          "m",
        ),
      );
      match(stderr, /^.*:15: error: channels.c2 dataDirs: .* is also channels.c1's dataDirs/m);
      ok(!/^\s+at /m.test(stderr), "no stack trace");
    }
    ok(!(await exists(`${dir}/data`)), "check created nothing");
  });
});

Deno.test("agent start fails with one line when a file channel's directory is held", async () => {
  await inTempDir(async (dir) => {
    const conf = `${dir}/flume.conf`;
    const oneChannel = sharedDirsConf(dir).split("\n").slice(0, 12).join("\n");
    await Deno.writeTextFile(conf, oneChannel.replaceAll("c1 c2", "c1") + "\n");
    const holder = fileChannel(dir); // the same directories, held by this process
    await holder.start();
    try {
      const { code, stderr } = await runCli(["agent", "-n", "a1", "-f", conf]);
      equal(code, 1, stderr);
      const lines = stderr.trimEnd().split("\n");
      match(
        lines[lines.length - 1],
        new RegExp(
          `^error: Cannot lock checkpointDir "${dir}/checkpoint": another channel or agent ` +
            `holds it \\(process \\d+\\); give each file channel its own checkpointDir and ` +
            `dataDirs$`,
        ),
      );
      ok(!/^\s+at /m.test(stderr), "no stack trace");
    } finally {
      await holder.stop();
    }
  });
});

/** An agent whose channels c1 and c2 (lines 9–15) share `dir`'s checkpoint and data dirs. */
function sharedDirsConf(dir: string): string {
  return [
    "a1.sources = r1",
    "a1.channels = c1 c2",
    "a1.sinks = k1",
    "a1.sources.r1.type = seq",
    "a1.sources.r1.totalEvents = 1",
    "a1.sources.r1.channels = c1 c2",
    "a1.sinks.k1.type = null",
    "a1.sinks.k1.channel = c1",
    "a1.channels.c1.type = file",
    `a1.channels.c1.checkpointDir = ${dir}/checkpoint`,
    `a1.channels.c1.dataDirs = ${dir}/data`,
    "a1.channels.c1.minimumRequiredSpace = 0",
    "a1.channels.c2.type = jdbc",
    `a1.channels.c2.checkpointDir = ${dir}/checkpoint`,
    `a1.channels.c2.dataDirs = ${dir}/data`,
    "",
  ].join("\n");
}

/** Whether `path` exists. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
