import { Command } from 'commander';
import { vi } from 'vitest';

/** Runs `closeloop <args>` with the given command groups registered, capturing what it prints. */
export async function runCli(register: (program: Command) => void, ...args: string[]) {
  const program = new Command('closeloop').exitOverride();
  register(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const exitCode = process.exitCode;
  try {
    await program.parseAsync(['node', 'closeloop', ...args]);
    return { out: out.join('\n'), err: err.join('\n'), failed: process.exitCode === 1 };
  } finally {
    process.exitCode = exitCode;
    log.mockRestore();
    error.mockRestore();
  }
}
