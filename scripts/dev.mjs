#!/usr/bin/env node
// `npm run dev`: the control API (tsx watch, port 8080) and Vite (port 5173, proxying /api to it),
// side by side. Ctrl-C, SIGTERM or either child exiting stops both.
import { spawn } from 'node:child_process';

const apiPort = process.env.API_PORT ?? '8080';
const env = { ...process.env, PORT: apiPort, HOST: process.env.HOST ?? '127.0.0.1' };

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'src/server/main.ts'], {
    stdio: 'inherit',
    env,
  }),
  spawn('npx', ['vite'], {
    stdio: 'inherit',
    env: { ...process.env, LATENCY_ATLAS_API: `http://127.0.0.1:${apiPort}` },
  }),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // Give them a moment to close their servers, then leave.
  setTimeout(() => process.exit(code), 1500).unref();
}

for (const c of children) {
  c.on('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `dev: ${c.spawnargs.slice(0, 3).join(' ')} exited (${signal ?? code}); stopping`,
      );
    stop(code ?? 1);
  });
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(0));
