// Text widths in the charts' font, from the browser's own metrics (an estimate without a canvas).

let ctx: CanvasRenderingContext2D | null | undefined;

/** Width in px of `text` at `size` px in the charts' font. */
export function textWidth(text: string, size = 10): number {
  if (ctx === undefined) ctx = typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
  if (!ctx) return text.length * size * 0.6;
  ctx.font = `${size}px system-ui, -apple-system, Segoe UI, sans-serif`;
  return ctx.measureText(text).width;
}
