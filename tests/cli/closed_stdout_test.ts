import { strictEqual } from "node:assert/strict";
import { REPO_ROOT, TASK_PERMISSIONS } from "../support/cli.ts";

const TLS = "tests/fixtures/tls";

/**
 * Runs the CLI with stdout a pipe whose reader is closed before the CLI
 * writes (as `| head` does once it has its lines); returns the exit code
 * and stderr.
 */
async function runIntoClosedPipe(args: readonly string[]): Promise<[number, string]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, "--quiet", "main.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Deno takes far longer to start than this takes to close the pipe.
  await child.stdout.cancel();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  return [status.code, stderr];
}

Deno.test("a closed stdout ends the CLI quietly with exit 0", async (t) => {
  const cases: [string, string[]][] = [
    ["check", ["check", "-n", "a1", "-f", "conf/flume.conf"]],
    ["keystore", ["keystore", "-f", `${TLS}/truststore.p12`, "--pass", "changeit"]],
    ["keystore --pem", ["keystore", "-f", `${TLS}/truststore.p12`, "--pass", "changeit", "--pem"]],
    ["--help", ["--help"]],
  ];
  for (const [name, args] of cases) {
    await t.step(name, async () => {
      const [code, stderr] = await runIntoClosedPipe(args);
      strictEqual(stderr, "", "no 'Broken pipe' message");
      strictEqual(code, 0);
    });
  }
});
