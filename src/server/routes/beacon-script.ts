/**
 * The browser beacon, as served by GET /beacon.js: plain ES5 with the zone's probes baked in.
 * After the page has loaded and the browser is idle it fetches each probe URL a few times
 * (sequentially, so probes never compete for the visitor's bandwidth): the first fetch opens
 * DNS, TCP and TLS, the later ones time one round trip on the open connection (with
 * `Timing-Allow-Origin` on the probe: requestStart → responseStart from Resource Timing; without
 * it: the whole fetch). The fastest timed round per region is posted to /api/beacon with the
 * zone's public key as text/plain (a CORS "simple" request: no preflight, no cookies).
 * A `latency-atlas-beacon` event on window carries what was sent (for tests and for sites that
 * want to log it).
 */
export function beaconScript(config: {
  zone: string;
  key: string;
  probes: Record<string, string>;
  /** Fetches per probe, the first of which only warms the connection (2–5). */
  rounds: number;
  /** Share of page views that measure, 0–1. */
  sample: number;
}): string {
  return `/* latency-atlas beacon (README: "Browser beacon") */
(function () {
  'use strict';
  var cfg = ${JSON.stringify(config).replace(/</g, '\\u003c')};
  var me = document.currentScript;
  if (!me || !me.src || !window.fetch || !window.performance || !window.Promise) return;
  if (Math.random() >= cfg.sample) return;
  var origin = new URL(me.src).origin;
  function once(url) {
    var u = new URL(url, location.href);
    u.searchParams.set('la', Math.random().toString(36).slice(2));
    var href = u.href;
    var t0 = performance.now();
    return fetch(href, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' })
      .then(function () {
        var t1 = performance.now();
        var entries = performance.getEntriesByName ? performance.getEntriesByName(href) : [];
        var e = entries[entries.length - 1];
        if (e && e.requestStart > 0 && e.responseStart >= e.requestStart) return e.responseStart - e.requestStart;
        return t1 - t0;
      });
  }
  function probe(region, url) {
    var timed = [];
    var chain = once(url);
    for (var i = 1; i < cfg.rounds; i++) {
      chain = chain.then(function () { return once(url).then(function (ms) { timed.push(ms); }); });
    }
    return chain.then(function () {
      return timed.length ? { region: region, rttMs: Math.round(Math.min.apply(null, timed) * 10) / 10 } : null;
    }, function () { return null; });
  }
  function run() {
    var out = [];
    var chain = Promise.resolve();
    Object.keys(cfg.probes).forEach(function (region) {
      chain = chain.then(function () {
        return probe(region, cfg.probes[region]).then(function (m) { if (m && m.rttMs > 0) out.push(m); });
      });
    });
    chain.then(function () {
      if (!out.length) return;
      var body = JSON.stringify({ measurements: out });
      return fetch(origin + '/api/beacon?zone=' + encodeURIComponent(cfg.zone) + '&key=' + encodeURIComponent(cfg.key), {
        method: 'POST', mode: 'cors', credentials: 'omit', keepalive: true,
        headers: { 'content-type': 'text/plain' }, body: body
      }).then(function (res) {
        window.dispatchEvent(new CustomEvent('latency-atlas-beacon', { detail: { status: res.status, measurements: out } }));
      });
    })['catch'](function () {});
  }
  function start() {
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 5000 });
    else setTimeout(run, 1000);
  }
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start);
})();
`;
}
