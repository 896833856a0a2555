/**
 * The Java peers the tests run for real: Apache Kafka's broker and Apache
 * Flume, each from a committed pom.xml under `tests/peers/NAME/`, whose
 * jars Maven fetches from Maven Central into `.tools/peers/NAME/lib` on
 * first use (progress on stderr; later runs use the cache). Tests skip with
 * a plain message where `java` is absent.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The marker written once every jar of a peer is in place. */
const COMPLETE = ".complete";

/** A peer: the folder of its pom.xml under tests/peers/. */
export type PeerName = "kafka" | "flume";

/** True when `java -version` runs here. */
export async function javaAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("java", {
      args: ["-version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/**
 * The classpath (`DIR/*`) of the peer `name`, fetching its jars with Maven
 * first when they are not cached yet. Concurrent first uses each fetch into
 * a staging directory of their own; the first to finish is kept.
 */
export async function peerClasspath(name: PeerName): Promise<string> {
  const lib = `${ROOT}.tools/peers/${name}/lib`;
  if (await exists(`${lib}/${COMPLETE}`)) return `${lib}/*`;
  const pom = `${ROOT}tests/peers/${name}/pom.xml`;
  const staging = `${lib}.tmp-${Deno.pid}`;
  console.error(`Fetching the ${name} peer's jars with Maven (${pom}) into ${lib} …`);
  const started = Date.now();
  const { success, stderr, stdout } = await new Deno.Command("mvn", {
    args: ["-q", "-B", "-f", pom, "dependency:copy-dependencies", `-DoutputDirectory=${staging}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`Maven could not fetch the ${name} peer:\n${text.slice(-4000)}`);
  }
  await Deno.writeTextFile(`${staging}/${COMPLETE}`, new Date().toISOString());
  if (!(await exists(`${lib}/${COMPLETE}`))) {
    await Deno.remove(lib, { recursive: true }).catch(() => {});
    await Deno.rename(staging, lib).catch(() => {});
  }
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  console.error(`Fetched the ${name} peer in ${Math.round((Date.now() - started) / 1000)} s`);
  return `${lib}/*`;
}

/** `count` distinct free ports on 127.0.0.1, found by binding port 0 and closing. */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** `text` quoted for `sh -c`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
