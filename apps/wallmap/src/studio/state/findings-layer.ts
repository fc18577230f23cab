import { MercatorCoordinate, type CustomLayerInterface, type CustomRenderMethodInput, type Map as MapLibreMap } from 'maplibre-gl';
import { tesselate } from '@turf/turf';
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';

/** Fill colour (r, g, b, 0–255) per finding kind; the outline is the same colour, opaque. */
const COLOUR: Record<string, [number, number, number]> = {
  overlaps: [255, 77, 79],
  gaps: [255, 169, 64],
  outsideParent: [255, 133, 192],
  slivers: [179, 127, 235],
};
const FILL_ALPHA = 0.75;

const VERTEX = `#version 300 es
uniform mat4 u_matrix;
in vec2 a_pos;
in vec4 a_colour;
out vec4 v_colour;
void main() {
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  v_colour = a_colour;
}`;
const FRAGMENT = `#version 300 es
precision mediump float;
in vec4 v_colour;
out vec4 colour;
void main() { colour = v_colour; }`;

/** Triangles and outline segments of the findings, as x, y (Mercator, relative to `origin`), r, g, b, a (premultiplied). */
export function findingsGeometry(fc: FeatureCollection): { origin: [number, number]; fill: Float32Array; lines: Float32Array } {
  const fill: number[] = [];
  const lines: number[] = [];
  let origin: [number, number] | null = null;
  // coordinates relative to the first vertex: float32 keeps centimetres there, not at the world's scale
  const at = (p: Position): [number, number] => {
    const m = MercatorCoordinate.fromLngLat([p[0], p[1]]);
    origin ??= [m.x, m.y];
    return [m.x - origin[0], m.y - origin[1]];
  };
  for (const f of fc.features) {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const [r, gr, b] = (COLOUR[String(f.properties?.kind)] ?? COLOUR.overlaps).map((c) => c / 255);
    const polys: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const poly of polys) {
      const triangles = tesselate({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: poly } } as Feature<Polygon>);
      for (const t of triangles.features) for (const p of t.geometry.coordinates[0].slice(0, 3)) fill.push(...at(p), r * FILL_ALPHA, gr * FILL_ALPHA, b * FILL_ALPHA, FILL_ALPHA);
      for (const ring of poly) for (let i = 1; i < ring.length; i++) lines.push(...at(ring[i - 1]), r, gr, b, 1, ...at(ring[i]), r, gr, b, 1);
    }
  }
  return { origin: origin ?? [0, 0], fill: new Float32Array(fill), lines: new Float32Array(lines) };
}

/**
 * The server's topology findings drawn straight into the map's WebGL context (a MapLibre custom
 * layer): a new answer is on screen in the next frame the map draws. A GeoJSON source would first
 * send the data to a worker to be tiled and then every tile back (two round trips, 50–250 ms on a
 * busy machine, bench/studio-validation). `onDrawn` is told when a frame with new findings is drawn.
 */
export class FindingsLayer implements CustomLayerInterface {
  readonly id: string;
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  onDrawn: (() => void) | null = null;
  private map: MapLibreMap | null = null;
  private program: WebGLProgram | null = null;
  // a vertex array of our own for each: the map's own stay as they were
  private fill: { buffer: WebGLBuffer; vao: WebGLVertexArrayObject } | null = null;
  private lines: { buffer: WebGLBuffer; vao: WebGLVertexArrayObject } | null = null;
  private data = findingsGeometry({ type: 'FeatureCollection', features: [] });
  private uploaded = true;

  constructor(id: string) {
    this.id = id;
  }

  /** New findings: drawn in the map's next frame. */
  set(fc: FeatureCollection): void {
    this.data = findingsGeometry(fc);
    this.uploaded = false;
    this.map?.triggerRepaint();
  }

  onAdd(map: MapLibreMap, gl: WebGL2RenderingContext): void {
    this.map = map;
    const shader = (type: number, src: string) => {
      const s = gl.createShader(type)!;
      gl.shaderSource(s, src);
      gl.compileShader(s);
      return s;
    };
    const p = gl.createProgram()!;
    gl.attachShader(p, shader(gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(p, shader(gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(p);
    this.program = p;
    const pos = gl.getAttribLocation(p, 'a_pos');
    const colour = gl.getAttribLocation(p, 'a_colour');
    const arrays = () => {
      const vao = gl.createVertexArray();
      const buffer = gl.createBuffer();
      gl.bindVertexArray(vao);
      gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
      gl.enableVertexAttribArray(pos);
      gl.vertexAttribPointer(pos, 2, gl.FLOAT, false, 24, 0);
      gl.enableVertexAttribArray(colour);
      gl.vertexAttribPointer(colour, 4, gl.FLOAT, false, 24, 8);
      gl.bindVertexArray(null);
      return { vao, buffer };
    };
    this.fill = arrays();
    this.lines = arrays();
    this.uploaded = false;
  }

  onRemove(_map: MapLibreMap, gl: WebGL2RenderingContext): void {
    gl.deleteProgram(this.program);
    for (const a of [this.fill, this.lines]) {
      gl.deleteVertexArray(a?.vao ?? null);
      gl.deleteBuffer(a?.buffer ?? null);
    }
    this.map = null;
  }

  render(gl: WebGL2RenderingContext, options: CustomRenderMethodInput): void {
    const { program, data, fill, lines } = this;
    if (!program || !fill || !lines) return;
    const fresh = !this.uploaded;
    if (fresh) {
      gl.bindBuffer(gl.ARRAY_BUFFER, fill.buffer);
      gl.bufferData(gl.ARRAY_BUFFER, data.fill, gl.STATIC_DRAW);
      gl.bindBuffer(gl.ARRAY_BUFFER, lines.buffer);
      gl.bufferData(gl.ARRAY_BUFFER, data.lines, gl.STATIC_DRAW);
      this.uploaded = true;
    }
    if (data.fill.length || data.lines.length) {
      gl.useProgram(program);
      // Mercator 0..1 to clip space (in doubles), moved to the findings' origin: float32 then holds only small offsets
      const m = Array.from(options.defaultProjectionData.mainMatrix);
      const [ox, oy] = data.origin;
      for (let i = 0; i < 4; i++) m[12 + i] += m[i] * ox + m[4 + i] * oy;
      gl.uniformMatrix4fv(gl.getUniformLocation(program, 'u_matrix'), false, new Float32Array(m));
      gl.bindVertexArray(fill.vao);
      gl.drawArrays(gl.TRIANGLES, 0, data.fill.length / 6);
      gl.bindVertexArray(lines.vao);
      gl.drawArrays(gl.LINES, 0, data.lines.length / 6);
      gl.bindVertexArray(null);
    }
    // the frame this draw belongs to ends with the map's 'render' event
    if (fresh && this.onDrawn && this.map) this.map.once('render', this.onDrawn);
  }
}
