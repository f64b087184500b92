// The lasso / marquee drag on the map: collects the pointer path, draws it as an SVG outline over
// the canvas while dragging (no GL redraw per pointer move), and on release turns it into a mask of
// the points inside (selection/lasso.ts, even-odd rule, using the picking grid).

import { opFromModifiers, type SelectionOp } from '../selection/algebra';
import { pointsInPolygon, rectPolygon, simplifyPath } from '../selection/lasso';
import type { PointGrid } from './picking';

export type SelectShape = 'lasso' | 'marquee';

export interface LassoResult {
  shape: SelectShape;
  op: SelectionOp;
  /** 1 for each map point inside the shape. */
  inside: Uint8Array;
  /** The shape's outline in data units (interleaved x,y). */
  polygon: Float64Array;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export class LassoGesture {
  private readonly svg: SVGSVGElement;
  private readonly path: SVGPolygonElement;
  /** Screen (CSS px, canvas-relative) vertices of the drag. */
  private pts: number[] = [];
  private shape: SelectShape = 'lasso';
  private op: SelectionOp = 'replace';
  active = false;

  constructor(container: HTMLElement) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('data-testid', 'map-lasso');
    this.svg.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;pointer-events:none;display:none';
    this.path = document.createElementNS(SVG_NS, 'polygon');
    this.path.setAttribute('fill', 'rgba(37,99,235,0.08)');
    this.path.setAttribute('stroke', '#2563eb');
    this.path.setAttribute('stroke-width', '1.5');
    this.path.setAttribute('stroke-dasharray', '5 3');
    this.path.setAttribute('fill-rule', 'evenodd');
    this.svg.appendChild(this.path);
    container.appendChild(this.svg);
  }

  begin(shape: SelectShape, sx: number, sy: number, shift: boolean, alt: boolean, toolbarOp: SelectionOp): void {
    this.active = true;
    this.shape = shape;
    this.op = opFromModifiers(shift, alt, toolbarOp);
    this.pts = [sx, sy];
    this.svg.style.display = 'block';
    this.render();
  }

  move(sx: number, sy: number): void {
    if (!this.active) return;
    if (this.shape === 'marquee') this.pts = [this.pts[0], this.pts[1], sx, sy];
    else this.pts.push(sx, sy);
    this.render();
  }

  private screenPolygon(): number[] {
    if (this.shape === 'marquee') {
      const [x0, y0, x1 = x0, y1 = y0] = this.pts;
      return Array.from(rectPolygon(x0, y0, x1, y1));
    }
    return this.pts;
  }

  private render(): void {
    const p = this.screenPolygon();
    let s = '';
    for (let i = 0; i + 1 < p.length; i += 2) s += `${p[i].toFixed(1)},${p[i + 1].toFixed(1)} `;
    this.path.setAttribute('points', s);
  }

  /** Ends the drag; the points inside, or null when the shape encloses no area. */
  end(xy: Float32Array | null, grid: PointGrid | null, toData: (sx: number, sy: number) => { x: number; y: number }): LassoResult | null {
    if (!this.active) return null;
    this.cancel();
    if (!xy) return null;
    const screen = this.screenPolygon();
    // Vertices closer than a pixel add nothing a user can see.
    const simplified = simplifyPath(screen, 1);
    if (simplified.length < 6) return null;
    const polygon = new Float64Array(simplified.length);
    for (let i = 0; i < simplified.length; i += 2) {
      const d = toData(simplified[i], simplified[i + 1]);
      polygon[i] = d.x;
      polygon[i + 1] = d.y;
    }
    return { shape: this.shape, op: this.op, inside: pointsInPolygon(xy, polygon, grid), polygon };
  }

  cancel(): void {
    this.active = false;
    this.svg.style.display = 'none';
  }

  dispose(): void {
    this.svg.remove();
  }
}
