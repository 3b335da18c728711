/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** API port `npm run dev` proxies to (scripts/dev.mjs starts the server there). */
const API_TARGET = process.env.LATENCY_ATLAS_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: '.',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // maplibre (~230 KB gzip) is its own lazy chunk; the warning would only repeat that.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: API_TARGET, changeOrigin: false } },
  },
  preview: { host: '127.0.0.1', port: 4173, proxy: { '/api': API_TARGET } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts'],
    environment: 'node',
    // Servers, geo data and real clients start in hooks: on 2 shared cores under load they can
    // take longer than vitest's 10 s default.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
