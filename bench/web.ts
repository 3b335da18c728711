/**
 * Dashboard figures: the built bundle's gzip sizes (what the first screen loads vs the lazy map
 * chunk) and, in Chromium, the time from navigation to the map's first full render
 * (`data-map-loaded`: style, basemap and markers drawn), median of 5 cold loads against a real
 * server on a temp SQLite file with the demo data.
 *
 * Chromium here renders WebGL with SwiftShader (no GPU), so the render figure includes software
 * rasterisation; on a machine with a GPU it is lower.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { startTestServer } from '../src/server/test-server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const LOADS = 5;
const INITIAL_JS_TARGET_KB = 150;

/** The same flags as playwright.config.ts: WebGL through SwiftShader, no background traffic. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

type Figure = { label: string; value: string };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Build the SPA when dist/ is missing or older than the sources it is built from. */
function ensureBuilt(): void {
  const index = join(DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(ROOT, 'src', 'web')),
    newestMtime(join(ROOT, 'src', 'engine')),
    newestMtime(join(ROOT, 'src', 'shared')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
}

const gzipKb = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length / 1024;
const kb = (n: number) => `${n.toFixed(1)} KB`;

/** Static imports of an ES chunk (`import … from "./x.js"` / `import "./x.js"`), as file names. */
function staticImports(file: string): string[] {
  const code = readFileSync(join(DIST, 'assets', file), 'utf8');
  const out = new Set<string>();
  for (const m of code.matchAll(/\bimport\s*(?:[\w${},*\s]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    if (m[1]) out.add(m[1]);
  }
  return [...out];
}

/** A chunk and everything it statically imports, transitively. */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const dep of staticImports(entry)) closure(dep, seen);
  return seen;
}

function bundleFigures(): Figure[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+\.js)"/g)].map(
    (m) => m[1] ?? '',
  );
  const preloads = [
    ...html.matchAll(/<link[^>]+modulepreload[^>]+href="\/assets\/([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  const css = [...html.matchAll(/<link[^>]+stylesheet[^>]+href="\/assets\/([^"]+\.css)"/g)].map(
    (m) => m[1] ?? '',
  );
  const initial = new Set<string>();
  for (const s of [...scripts, ...preloads]) closure(s, initial);
  const assets = readdirSync(join(DIST, 'assets'));
  const mapEntry = assets.find((f) => /^atlas-map-.*\.js$/.test(f));
  if (!mapEntry) throw new Error('no atlas-map chunk in dist/assets: is the map lazily imported?');
  const mapOnly = [...closure(mapEntry)].filter((f) => !initial.has(f));
  const size = (files: Iterable<string>) =>
    [...files].reduce((sum, f) => sum + gzipKb(readFileSync(join(DIST, 'assets', f))), 0);
  const initialJs = size(initial);
  const worker = assets.find((f) => /^maplibre-gl-worker-.*\.m?js$/.test(f));
  const basemap = (name: string) => {
    const f = assets.find((a) => a.startsWith(name) && a.endsWith('.json'));
    return f ? kb(gzipKb(readFileSync(join(DIST, 'assets', f)))) : 'not emitted';
  };
  return [
    {
      label: 'initial JS (entry + static imports), gzip',
      value: `${kb(initialJs)} in ${initial.size} files (target < ${INITIAL_JS_TARGET_KB} KB): ${
        initialJs < INITIAL_JS_TARGET_KB ? 'met' : 'NOT met'
      }`,
    },
    { label: 'initial CSS, gzip', value: kb(size(css)) },
    {
      label: 'map chunk (lazy, maplibre + atlas), gzip',
      value: `${kb(size(mapOnly))} in ${mapOnly.length} files`,
    },
    {
      label: 'map worker, gzip',
      value: worker ? kb(gzipKb(readFileSync(join(DIST, 'assets', worker)))) : '?',
    },
    {
      label: 'basemap 1:110M / 1:50M (fetched), gzip',
      value: `${basemap('countries-110m')} / ${basemap('countries-50m')}`,
    },
  ];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function renderFigures(): Promise<Figure[]> {
  const server = await startTestServer({ demo: true, webRoot: DIST });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const zones = (await (await fetch(`${server.base}/api/zones`)).json()) as {
      id: string;
      name: string;
    }[];
    const zone = zones.find((z) => z.name === 'example.com');
    if (!zone) throw new Error('demo zone missing');
    const url = `${server.base}/?zone=${zone.id}&name=app.example.com&type=A`;
    const loaded: number[] = [];
    const catchment: number[] = [];
    const shell: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      // A new context each time: cold HTTP cache, like a first visit.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector('[data-map-loaded="true"]', {
        state: 'attached',
        timeout: 60_000,
      });
      await page.waitForSelector('[data-catchment-ready="true"]', {
        state: 'attached',
        timeout: 60_000,
      });
      // A string, not a function: tsx would wrap a function's helpers in `__name`, which the
      // page does not have.
      const marks = (await page.evaluate(`(() => {
        const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
        return { loaded: at('atlas:map-loaded'), catchment: at('atlas:catchment-painted'), fcp: at('first-contentful-paint') };
      })()`)) as { loaded: number; catchment: number; fcp: number };
      loaded.push(marks.loaded);
      catchment.push(marks.catchment);
      shell.push(marks.fcp);
      await context.close();
    }
    const fmt = (xs: number[]) =>
      `${Math.round(median(xs))} ms median (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))}, ${xs.length} loads)`;
    return [
      { label: 'first contentful paint (shell)', value: fmt(shell) },
      {
        label: 'navigation → map first full render',
        value: `${fmt(loaded)}; target < 1000 ms with a GPU`,
      },
      { label: 'navigation → catchment painted', value: fmt(catchment) },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function benchWeb(): Promise<Figure[]> {
  ensureBuilt();
  return [...bundleFigures(), ...(await renderFigures())];
}
