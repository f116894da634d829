import type { Map as MapLibreMap } from 'maplibre-gl';
import type { AssetKind } from '@kwartier/shared';

/**
 * Map symbols drawn on a canvas at start-up, so that the map needs no sprite server and works
 * offline. Each kind has its own shape and its own Okabe-Ito colour: told apart by shape
 * alone, also by people who cannot tell the colours apart.
 */
export const KIND_SYMBOLS: Record<AssetKind, { shape: Shape; colour: string }> = {
  facility: { shape: 'square', colour: '#0072B2' },
  association: { shape: 'triangle', colour: '#E69F00' },
  initiative: { shape: 'circle', colour: '#009E73' },
  talent: { shape: 'star', colour: '#CC79A7' },
  business: { shape: 'diamond', colour: '#D55E00' },
  contact_point: { shape: 'cross', colour: '#56B4E9' },
  public_space: { shape: 'hexagon', colour: '#F0E442' },
};

type Shape = 'square' | 'triangle' | 'circle' | 'star' | 'diamond' | 'cross' | 'hexagon';
const RATIO = 2;
const SIZE = 26;

function polygon(ctx: CanvasRenderingContext2D, points: Array<[number, number]>) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.closePath();
}

function tracePath(ctx: CanvasRenderingContext2D, shape: Shape, c: number, r: number) {
  const around = (n: number, radius: (i: number) => number, turn = -Math.PI / 2) =>
    Array.from({ length: n }, (_, i): [number, number] => [c + radius(i) * Math.cos(turn + (i * 2 * Math.PI) / n), c + radius(i) * Math.sin(turn + (i * 2 * Math.PI) / n)]);
  switch (shape) {
    case 'circle':
      ctx.beginPath();
      ctx.arc(c, c, r * 0.9, 0, Math.PI * 2);
      return;
    case 'square':
      return polygon(ctx, [[c - r * 0.8, c - r * 0.8], [c + r * 0.8, c - r * 0.8], [c + r * 0.8, c + r * 0.8], [c - r * 0.8, c + r * 0.8]]);
    case 'triangle':
      return polygon(ctx, around(3, () => r * 1.05, -Math.PI / 2).map(([x, y]) => [x, y + r * 0.15]));
    case 'diamond':
      return polygon(ctx, around(4, () => r));
    case 'hexagon':
      return polygon(ctx, around(6, () => r * 0.95, 0));
    case 'star':
      return polygon(ctx, around(10, (i) => (i % 2 === 0 ? r : r * 0.45)));
    case 'cross': {
      const a = r * 0.35;
      return polygon(ctx, [[c - a, c - r], [c + a, c - r], [c + a, c - a], [c + r, c - a], [c + r, c + a], [c + a, c + a], [c + a, c + r], [c - a, c + r], [c - a, c + a], [c - r, c + a], [c - r, c - a], [c - a, c - a]]);
    }
  }
}

function canvas(width: number, height: number) {
  const element = document.createElement('canvas');
  element.width = width * RATIO;
  element.height = height * RATIO;
  const ctx = element.getContext('2d')!;
  ctx.scale(RATIO, RATIO);
  return { element, ctx };
}

function kindIcon(shape: Shape, colour: string) {
  const { ctx } = canvas(SIZE, SIZE);
  const c = SIZE / 2;
  tracePath(ctx, shape, c, SIZE / 2 - 3);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#1a1a1a';
  ctx.stroke();
  return ctx.getImageData(0, 0, SIZE * RATIO, SIZE * RATIO);
}

/** A round bubble with a count, for clusters. */
function clusterIcon(count: number) {
  const text = count >= 1000 ? `${Math.round(count / 100) / 10}k` : String(count);
  const size = count < 10 ? 30 : count < 100 ? 36 : 44;
  const { ctx } = canvas(size, size);
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, size / 2 - 2, 0, Math.PI * 2);
  ctx.fillStyle = '#1f3a5f';
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.fillStyle = '#ffffff';
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, size / 2, size / 2 + 1);
  return ctx.getImageData(0, 0, size * RATIO, size * RATIO);
}

/** A text label with a light halo, for buurt names: no glyph server needed. */
function labelIcon(text: string) {
  const measure = canvas(1, 1).ctx;
  measure.font = '600 12px system-ui, sans-serif';
  const width = Math.ceil(measure.measureText(text).width) + 8;
  const { ctx } = canvas(width, 18);
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeText(text, width / 2, 9);
  ctx.fillStyle = '#3b3b3b';
  ctx.fillText(text, width / 2, 9);
  return ctx.getImageData(0, 0, width * RATIO, 18 * RATIO);
}

export const kindIconId = (kind: string) => `kind-${kind}`;

/** Adds the kind symbols now, and draws cluster bubbles and labels when the map asks for them. */
export function installIcons(map: MapLibreMap): void {
  for (const [kind, { shape, colour }] of Object.entries(KIND_SYMBOLS)) {
    if (!map.hasImage(kindIconId(kind))) map.addImage(kindIconId(kind), kindIcon(shape, colour), { pixelRatio: RATIO });
  }
  map.setMissingStyleImageResolver((id) => {
    if (map.hasImage(id)) return;
    if (id.startsWith('cluster-')) map.addImage(id, clusterIcon(Number(id.slice(8))), { pixelRatio: RATIO });
    else if (id.startsWith('label-')) map.addImage(id, labelIcon(id.slice(6)), { pixelRatio: RATIO });
  });
}
