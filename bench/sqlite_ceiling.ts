/**
 * What SQLite alone commits on this disk, the way the file channel uses it
 * (WAL, `synchronous = FULL`, exclusive locking): EVENTS rows of SIZE bytes
 * inserted in transactions of BATCH rows, deleted 10,000 at a time, each
 * transaction fsynced. The ceiling of websocket → file → null. Run from the
 * repository root:
 *
 *   deno run -A bench/sqlite_ceiling.ts [size=200] [pageSize=65536] [events=100000] [batch=2000]
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";

const [size = 200, pageSize = 65536, events = 100_000, batch = 2000] = Deno.args.map(Number);
const dir = await Deno.makeTempDir({ prefix: "sqlite_ceiling_" });
const db = new DatabaseSync(`${dir}/bench.db`);
try {
  db.exec(`PRAGMA page_size = ${pageSize}`);
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  db.prepare("PRAGMA journal_mode = WAL").get();
  db.exec("PRAGMA synchronous = FULL");
  db.exec(
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, headers TEXT NOT NULL, body BLOB NOT NULL) STRICT",
  );
  const insert = db.prepare("INSERT INTO events (seq, headers, body) VALUES (?, ?, ?)");
  const remove = db.prepare("DELETE FROM events WHERE seq BETWEEN ? AND ?");
  const body = new Uint8Array(size).fill(120);
  const start = performance.now();
  let seq = 1;
  let deleted = 1;
  for (let done = 0; done < events; done += batch) {
    db.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < batch; i++) insert.run(seq++, "{}", body);
    db.exec("COMMIT");
    if (seq - deleted >= 10_000) {
      db.exec("BEGIN IMMEDIATE");
      remove.run(deleted, deleted + 9_999);
      db.exec("COMMIT");
      deleted += 10_000;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${size} B rows, ${pageSize} B pages, ${batch}-row transactions: ` +
      `${Math.round(events / seconds).toLocaleString("en-US")} rows/s`,
  );
} finally {
  db.close();
  await Deno.remove(dir, { recursive: true });
}
