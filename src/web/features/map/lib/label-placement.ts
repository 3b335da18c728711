/**
 * Where each marker's label goes so that labels do not cover each other or other markers:
 * greedy placement over four sides of the marker's dot, in priority order. A label that fits
 * nowhere is collapsed (the dot stays; the label shows on hover and keyboard focus), unless it
 * is a must-show label (priority ≥ MUST_SHOW_PRIORITY: the client, the chosen region), which
 * takes the side where it covers least.
 */

export type LabelSide = 'right' | 'left' | 'top' | 'bottom';

export interface LabelRequest {
  id: string;
  /** Dot centre on screen, px. */
  x: number;
  y: number;
  /** Label size, px. */
  width: number;
  height: number;
  /** Placed first when higher (e.g. the chosen region). */
  priority?: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const SIDES: readonly LabelSide[] = ['right', 'left', 'top', 'bottom'];

/** Labels at or above this priority are never collapsed. */
export const MUST_SHOW_PRIORITY = 2;

/** Gap between a dot's centre and its label, px. */
export const LABEL_GAP_PX = 10;

/** The label's box for a side of the dot at (x, y). */
export function labelBox(req: LabelRequest, side: LabelSide, gap = LABEL_GAP_PX): Box {
  const { x, y, width: w, height: h } = req;
  switch (side) {
    case 'right':
      return { x0: x + gap, y0: y - h / 2, x1: x + gap + w, y1: y + h / 2 };
    case 'left':
      return { x0: x - gap - w, y0: y - h / 2, x1: x - gap, y1: y + h / 2 };
    case 'top':
      return { x0: x - w / 2, y0: y - gap - h, x1: x + w / 2, y1: y - gap };
    case 'bottom':
      return { x0: x - w / 2, y0: y + gap, x1: x + w / 2, y1: y + gap + h };
  }
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

function inside(a: Box, view: Box): boolean {
  return a.x0 >= view.x0 && a.y0 >= view.y0 && a.x1 <= view.x1 && a.y1 <= view.y1;
}

/**
 * Choose a side per label, or null when every side would overlap a placed label, another dot or
 * an obstacle (other things drawn over the map: the client's label, the legend, controls).
 * `viewport` (px) keeps labels on screen when possible; `dotRadius` is the dot's size, px.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  viewport?: { width: number; height: number },
  dotRadius = 7,
  obstacles: readonly Box[] = [],
): Record<string, LabelSide | null> {
  const dots: Box[] = requests.map((r) => ({
    x0: r.x - dotRadius,
    y0: r.y - dotRadius,
    x1: r.x + dotRadius,
    y1: r.y + dotRadius,
  }));
  const view = viewport ? { x0: 0, y0: 0, x1: viewport.width, y1: viewport.height } : null;
  const order = requests
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (b.r.priority ?? 0) - (a.r.priority ?? 0) || a.r.x - b.r.x || a.i - b.i);
  const placed: Box[] = [...obstacles];
  const result: Record<string, LabelSide | null> = {};
  for (const { r, i } of order) {
    let chosen: LabelSide | null = null;
    // First pass: on screen and clear; second pass: clear but partly off screen.
    for (const needView of view ? [true, false] : [false]) {
      for (const side of SIDES) {
        const box = labelBox(r, side);
        if (needView && view && !inside(box, view)) continue;
        if (placed.some((p) => overlaps(p, box))) continue;
        if (dots.some((d, j) => j !== i && overlaps(d, box))) continue;
        chosen = side;
        placed.push(box);
        break;
      }
      if (chosen) break;
    }
    if (!chosen && (r.priority ?? 0) >= MUST_SHOW_PRIORITY) {
      let best = Number.POSITIVE_INFINITY;
      for (const side of SIDES) {
        const box = labelBox(r, side);
        const offScreen = view && !inside(box, view) ? 1e6 : 0;
        const cost = placed.reduce((sum, p) => sum + overlapArea(p, box), 0) + offScreen;
        if (cost < best) {
          best = cost;
          chosen = side;
        }
      }
      if (chosen) placed.push(labelBox(r, chosen));
    }
    result[r.id] = chosen;
  }
  return result;
}
