/**
 * The example configurations of Flume's user guide, read from the copy in
 * `tests/fixtures/`: every literal block (`.. code-block::` or a paragraph
 * ending in `::`) that declares an agent's sources, channels or sinks.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Where the copy of the guide is. */
export const GUIDE_PATH: string = fileURLToPath(
  new URL("../fixtures/FlumeUserGuide-1.10.1.rst", import.meta.url),
);

/** One example configuration of the guide. */
export interface GuideExample {
  /** The guide's line where the example's first line is. */
  readonly line: number;
  /** The nearest section title above it. */
  readonly section: string;
  /** The agent it declares (`a1`, `agent_foo`). */
  readonly agent: string;
  /** The example, unindented. */
  readonly text: string;
}

/** `a1.sources = …`: a line that declares an agent's components. */
const AGENT_LIST = /^([\w-]+)\.(sources|channels|sinks)\s*[=:\s]/m;
/** An RST section underline. */
const UNDERLINE = /^([=\-~^"'`#*+])\1{2,}\s*$/;

/** Every example of `text` (the guide's rst) that declares an agent, in order. */
export function guideExamples(text: string): GuideExample[] {
  const lines = text.split("\n");
  const examples: GuideExample[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i > 0 && UNDERLINE.test(line) && lines[i - 1].trim() !== "") section = lines[i - 1].trim();
    if (!opensBlock(line)) continue;
    const block = literalBlock(lines, i);
    if (!block) continue;
    const agent = AGENT_LIST.exec(block.text)?.[1];
    if (agent) examples.push({ line: block.line, section, agent, text: block.text });
  }
  return examples;
}

/** The guide's examples, read from the fixture. */
export function readGuideExamples(): GuideExample[] {
  return guideExamples(Deno.readTextFileSync(GUIDE_PATH));
}

/**
 * The literal block of `text` (the guide's rst) whose first line is `line`,
 * unindented, whether or not it declares an agent (the guide's override
 * file `NC_PORT = 44444` does not); undefined when no block starts there.
 */
export function guideBlockAt(text: string, line: number): string | undefined {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && i < line; i++) {
    const block = opensBlock(lines[i]) ? literalBlock(lines, i) : undefined;
    if (block?.line === line) return block.text;
  }
  return undefined;
}

/** {@linkcode guideBlockAt} in the fixture. */
export function readGuideBlockAt(line: number): string | undefined {
  return guideBlockAt(Deno.readTextFileSync(GUIDE_PATH), line);
}

/** True when `line` opens a literal block: `.. code-block::`, or a paragraph ending in `::`. */
function opensBlock(line: string): boolean {
  return /^\s*\.\. code-block::/.test(line) || (/::\s*$/.test(line) && !/^\s*\.\./.test(line));
}

/** The indented block after the line at `opener`, if one follows it. */
function literalBlock(
  lines: readonly string[],
  opener: number,
): { line: number; text: string } | undefined {
  const base = indent(lines[opener]);
  let i = opener + 1;
  while (i < lines.length && lines[i].trim() === "") i++;
  if (i >= lines.length || indent(lines[i]) <= base) return undefined;
  const start = i;
  const body: string[] = [];
  for (; i < lines.length; i++) {
    if (lines[i].trim() !== "" && indent(lines[i]) <= base) break;
    body.push(lines[i]);
  }
  const margin = Math.min(...body.filter((l) => l.trim() !== "").map(indent));
  return { line: start + 1, text: body.map((l) => l.slice(margin)).join("\n").trimEnd() + "\n" };
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}
