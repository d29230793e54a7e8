#!/usr/bin/env node
import { parseArgs } from 'node:util';

const USAGE = 'Usage: llm-metrics-extract [--help]';

const EXIT_DONE = 0;
const EXIT_BAD_ARGUMENTS = 2;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return badArguments((error as Error).message);
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return EXIT_DONE;
  }
  const [command] = parsed.positionals;
  return badArguments(command === undefined ? 'no command given' : `unknown command: ${command}`);
}

function badArguments(message: string): number {
  console.error(`error: ${message}\n\n${USAGE}`);
  return EXIT_BAD_ARGUMENTS;
}

process.exitCode = main(process.argv.slice(2));
