/**
 * A self-contained HTML reference rendered on the server from the OpenAPI document:
 * no script, no CDN, works offline. Every interpolated string is escaped.
 */

type Json = Record<string, unknown>;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function refName(schema: unknown): string | null {
  const r = asObject(schema).$ref;
  return typeof r === 'string' ? (r.split('/').pop() ?? null) : null;
}

function schemaLink(schema: unknown): string {
  const name = refName(schema);
  if (name) return `<a href="#schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></a>`;
  return `<code>${escapeHtml(typeLabel(schema))}</code>`;
}

function typeLabel(schema: unknown): string {
  const s = asObject(schema);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (typeof s.type === 'string') {
    const bounds: string[] = [];
    if (typeof s.minimum === 'number') bounds.push(`≥ ${s.minimum}`);
    if (typeof s.maximum === 'number') bounds.push(`≤ ${s.maximum}`);
    if (typeof s.maxLength === 'number') bounds.push(`≤ ${s.maxLength} chars`);
    if (s.default !== undefined) bounds.push(`default ${JSON.stringify(s.default)}`);
    return bounds.length ? `${s.type} (${bounds.join(', ')})` : s.type;
  }
  return 'any';
}

/** Pretty JSON with `$ref`s turned into links to the schema section. */
function jsonBlock(value: unknown): string {
  const text = escapeHtml(JSON.stringify(value, null, 2));
  return `<pre>${text.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_m, id: string) => `&quot;<a href="#schema-${id}">#/components/schemas/${id}</a>&quot;`,
  )}</pre>`;
}

function renderOperation(path: string, method: string, op: Json): string {
  const id = `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const params = Array.isArray(op.parameters) ? (op.parameters as Json[]) : [];
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaLink(p.schema)}</td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
    )
    .join('');
  const paramTable = params.length
    ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  const bodyContent = asObject(asObject(asObject(op.requestBody).content)['application/json']);
  const body = op.requestBody
    ? `<h4>Request body (application/json)</h4><p>${schemaLink(bodyContent.schema)}</p>${bodyContent.example !== undefined ? `<details open><summary>Example</summary>${jsonBlock(bodyContent.example)}</details>` : ''}`
    : '';
  const responses = Object.entries(asObject(op.responses))
    .map(([status, r]) => {
      const resp = asObject(r);
      const content = asObject(resp.content);
      const [type, media] = Object.entries(content)[0] ?? [];
      const m = asObject(media);
      const example =
        m.example !== undefined
          ? `<details><summary>Example</summary>${jsonBlock(m.example)}</details>`
          : '';
      return `<tr><td><code>${escapeHtml(status)}</code></td><td>${escapeHtml(String(resp.description ?? ''))}</td><td>${type ? `${escapeHtml(type)} ${m.schema ? schemaLink(m.schema) : ''}` : '—'}${example}</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${escapeHtml(id)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ''))}</p>
${op.description ? `<p class="desc">${escapeHtml(String(op.description))}</p>` : ''}
${paramTable}${body}
<h4>Responses</h4><table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${responses}</tbody></table>
</section>`;
}

/** Render the whole document as one HTML page. */
export function renderDocsPage(doc: Json): string {
  const info = asObject(doc.info);
  const paths = asObject(doc.paths);
  const ops: { path: string; method: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(asObject(item)))
      ops.push({ path, method, op: asObject(op) });
  }
  const toc = ops
    .map(
      ({ path, method, op }) =>
        `<li><a href="#op-${escapeHtml(`${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`)}"><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></a> — ${escapeHtml(String(op.summary ?? ''))}</li>`,
    )
    .join('\n');
  const schemas = Object.entries(asObject(asObject(doc.components).schemas))
    .map(
      ([name, schema]) =>
        `<section class="schema" id="schema-${escapeHtml(name)}"><h3><code>${escapeHtml(name)}</code></h3>${jsonBlock(schema)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info.title ?? 'API'))} — reference</title>
<style>
:root { color-scheme: light dark; --fg:#1b1f24; --bg:#fff; --muted:#57606a; --line:#d0d7de; --code:#f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#8d96a0; --line:#30363d; --code:#161b22; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
a { color: #0969da; } code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
pre { background: var(--code); padding: .75rem; overflow: auto; border-radius: 6px; border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; } th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
.op { border-top: 1px solid var(--line); padding-top: .5rem; } .desc, .muted { color: var(--muted); }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: 0 .3em; color: #fff; font-size: 12px; font-weight: 600; }
.get { background: #1f6feb; } .post { background: #1a7f37; } .put { background: #9a6700; } .delete { background: #cf222e; } .patch { background: #8250df; }
ul.toc { list-style: none; padding: 0; } ul.toc li { margin: .2rem 0; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(String(info.title ?? 'API'))} <small class="muted">v${escapeHtml(String(info.version ?? ''))}</small></h1>
<p>${escapeHtml(String(info.description ?? ''))}</p>
<p class="muted">OpenAPI ${escapeHtml(String(doc.openapi ?? ''))} document: <a href="/api/openapi.json">/api/openapi.json</a>. Errors always look like <code>{"error":{"code","message","details":[{"change","field","message"}]}}</code>.</p>
</header>
<h2>Endpoints</h2>
<ul class="toc">
${toc}
</ul>
${ops.map(({ path, method, op }) => renderOperation(path, method, op)).join('\n')}
<h2>Schemas</h2>
${schemas}
</body>
</html>`;
}
