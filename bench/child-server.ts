/**
 * Starts the real server (server/main) in a child process on 127.0.0.1 with PORT=0 and resolves with
 * the URL it prints once listening. Shared by the sync load bench and the crash-safety test, which
 * both need a process they can measure or SIGKILL.
 */
import { spawn, type ChildProcess } from 'child_process';

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  /** Resolves when the process has exited (for whatever reason). */
  exited: Promise<void>;
}

export function spawnServer(nodeArgs: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; timeoutMs?: number } = {}): Promise<ChildServer> {
  const proc = spawn(process.execPath, nodeArgs, { cwd: options.cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out.slice(-2000)}`)), options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening: (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.stdout!.resume(); // keep draining so the child never blocks on a full pipe
        resolveStart({ proc, url: match[1], exited });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${out.slice(-2000)}`));
    });
  });
}
