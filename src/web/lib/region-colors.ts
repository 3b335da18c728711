/**
 * One colour per AWS region, the same in every view (markers, catchment, legend, bars).
 *
 * The 34 colours come from the Okabe–Ito and Paul Tol (bright, vibrant, muted, light) palettes,
 * which stay distinguishable under the common colour-vision deficiencies. 34 colours can never
 * all be told apart, so they are assigned by hand so that regions whose catchments touch
 * (us-east-1 / us-east-2 / ca-central-1, the European cluster, Tokyo / Seoul / Osaka, ...) get
 * different hues and lightness, while look-alike pairs sit on different continents. The demo's
 * pairs (us-west-2 vs ap-southeast-1; the six api.example.com regions) are strongly distinct.
 */
export const REGION_COLORS: Readonly<Record<string, string>> = {
  // Americas
  'us-east-1': '#0072B2', // blue
  'us-east-2': '#CC79A7', // reddish purple
  'us-west-1': '#88CCEE', // light cyan
  'us-west-2': '#009E73', // bluish green
  'ca-central-1': '#D55E00', // vermillion
  'ca-west-1': '#DDCC77', // sand
  'mx-central-1': '#AA4499', // purple
  'sa-east-1': '#E69F00', // orange
  // Europe, Middle East, Africa
  'eu-west-1': '#117733', // green
  'eu-west-2': '#EE3377', // magenta
  'eu-west-3': '#332288', // indigo
  'eu-central-1': '#CC3311', // red
  'eu-central-2': '#77AADD', // pale blue
  'eu-north-1': '#33BBEE', // cyan
  'eu-south-1': '#BBCC33', // lime
  'eu-south-2': '#882255', // wine
  'il-central-1': '#EE7733', // orange
  'me-south-1': '#44AA99', // teal
  'me-central-1': '#AA3377', // plum
  'af-south-1': '#CCBB44', // yellow
  // Asia Pacific
  'ap-south-1': '#4477AA', // steel blue
  'ap-south-2': '#EE8866', // salmon
  'ap-east-1': '#228833', // green
  'ap-northeast-1': '#EE6677', // rose red
  'ap-northeast-2': '#0077BB', // strong blue
  'ap-northeast-3': '#999933', // olive
  'ap-southeast-1': '#F0A830', // amber (pairs with us-west-2's green in the demo)
  'ap-southeast-2': '#66CCEE', // sky
  'ap-southeast-3': '#882299', // violet
  'ap-southeast-4': '#FFAABB', // pink
  'ap-southeast-5': '#009988', // deep teal
  'ap-southeast-7': '#CC6677', // muted rose
  'cn-north-1': '#AA7744', // brown
  'cn-northwest-1': '#BBBBBB', // grey
};

/** Colours handed out, by a stable hash, to region codes this build does not know yet. */
const FALLBACK = ['#6F6F6F', '#9E7B4F', '#5E8C6A', '#7A6FA8', '#A86F7A', '#4F8A9E'] as const;

/** FNV-1a over UTF-16 code units: stable across runs and browsers. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The region's colour as `#RRGGBB`; unknown codes get a stable fallback colour. */
export function regionColor(code: string): string {
  return REGION_COLORS[code] ?? FALLBACK[hash(code) % FALLBACK.length] ?? '#6F6F6F';
}

/** The region's colour as [r, g, b] (0–255), for painting pixels. */
export function regionColorRgb(code: string): [number, number, number] {
  const hex = regionColor(code);
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Black or white, whichever reads better on the region's colour (WCAG relative luminance). */
export function regionTextColor(code: string): '#000000' | '#FFFFFF' {
  const lin = regionColorRgb(code).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * (lin[0] ?? 0) + 0.7152 * (lin[1] ?? 0) + 0.0722 * (lin[2] ?? 0);
  return l > 0.179 ? '#000000' : '#FFFFFF';
}
