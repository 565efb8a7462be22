import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A child process whose output the test reads line by line. */
export interface Spawned {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line matching `re` (already printed or future). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/**
 * Runs a TypeScript file with Node and tsx directly (not through npx, so signals reach the process
 * itself rather than a wrapper).
 */
export function spawnTs(file: string, args: string[], env: Record<string, string | undefined> = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(ROOT, file), ...args], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      stdout.push(line);
      for (const w of [...waiters]) {
        const m = w.re.exec(line);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const waitForLine = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      for (const line of stdout) {
        const m = re.exec(line);
        if (m) return resolve(m);
      }
      const timer = setTimeout(() => {
        reject(new Error(`Timed out waiting for ${re} from ${file}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('')}`));
      }, timeoutMs);
      void exited.then((code) => {
        setTimeout(() => {
          clearTimeout(timer);
          reject(new Error(`${file} exited (${code}) before printing ${re}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('')}`));
        }, 50);
      });
      waiters.push({
        re,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  return { child, stdout, stderr, waitForLine, exited };
}

/** Kills a child if it is still running (cleanup after a failed test). */
export async function ensureDead(p: Spawned | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}
