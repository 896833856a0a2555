import denoJson from "../../deno.json" with { type: "json" };
import { agentCommand } from "./agent_command.ts";
import { checkCommand } from "./check_command.ts";
import { feedCommand } from "./feed_command.ts";
import { type Output, reportFatal } from "./fatal.ts";
import { keystoreCommand } from "./keystore_command.ts";
import { MAIN_HELP } from "./help.ts";
import { UsageError } from "./usage_error.ts";

/** The product version, from deno.json. */
export const VERSION: string = denoJson.version;

/** Runs the CLI with `args` (without the program name); returns the exit code. */
export async function main(args: readonly string[], output: Output): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "agent":
        return await agentCommand(rest, output);
      case "check":
        return await checkCommand(rest, output);
      case "feed":
        return await feedCommand(rest, output);
      case "keystore":
        return await keystoreCommand(rest, output);
      case "version":
      case "--version":
        output.out(`flume-ws ${VERSION} (deno ${Deno.version.deno}, v8 ${Deno.version.v8})`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        output.out(MAIN_HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (err) {
    return reportFatal(err, output);
  }
}
