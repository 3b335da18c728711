#!/usr/bin/env node
// `npm run dev`: the control API (tsx watch, port 8080) and Vite (port 5173, proxying /api to it),
// side by side. Ctrl-C, SIGTERM or either child exiting stops both, with everything they started.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const apiPort = process.env.API_PORT ?? '8080';
const bin = (name) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);

function start(name, command, args, env) {
  // Own process group (detached), so stopping it also stops what it spawned (tsx's server child).
  const child = spawn(command, args, { stdio: 'inherit', env, detached: true });
  child.label = name;
  return child;
}

const children = [
  start('api', bin('tsx'), ['watch', '--clear-screen=false', 'src/server/main.ts'], {
    ...process.env,
    PORT: apiPort,
    HOST: process.env.HOST ?? '127.0.0.1',
  }),
  start('vite', bin('vite'), [], {
    ...process.env,
    LATENCY_ATLAS_API: `http://127.0.0.1:${apiPort}`,
  }),
];

function signalAll(signal) {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  signalAll('SIGTERM');
  const force = setTimeout(() => signalAll('SIGKILL'), 4000);
  force.unref();
  const wait = setInterval(() => {
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
      clearInterval(wait);
      process.exit(code);
    }
  }, 100);
}

for (const c of children) {
  c.on('exit', (code, signal) => {
    if (!stopping) console.error(`dev: ${c.label} exited (${signal ?? code}); stopping the rest`);
    stop(code ?? 1);
  });
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));
