import { strictEqual } from "node:assert/strict";
import { BEGIN, END, renderReference } from "../src/cli/reference.ts";
import { builtinRegistry } from "../src/registry.ts";

async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: new URL("..", import.meta.url).pathname,
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { stdout, stderr, success } = await child.output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

Deno.test("README's configuration reference documents every property of every component", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const block = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim();
  const expected = (await formatMarkdown(renderReference(builtinRegistry()))).trim();
  strictEqual(block, expected, "README.md is stale: run `deno task docs`");
});
