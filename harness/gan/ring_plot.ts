// The ring's samples as a scatter on the plane (those outside the box left out), each mode's
// high-quality disc (3 std) outlined in red: for `gan sample --png` and the report's figures alike.
// Browser-safe.
import { ringCentres, RING_DEFAULTS, RING_QUALITY_STDS } from '../data/ring.js';
import { plotRaster, type PlotSeries, type Raster } from '../io/raster.js';

const BOX: [number, number] = [-2.5, 2.5];

/** Points (x, y pairs) over the box [-2.5, 2.5]^2 around the ring of radius 2 whose modes have std `std`. */
export function ringRaster(points: ArrayLike<number>, std: number = RING_DEFAULTS.std, size = 360): Raster {
  const inside = (v: number) => v >= BOX[0] && v <= BOX[1];
  const shown = Array.from({ length: Math.floor(points.length / 2) }, (_, i) => i).filter((i) => inside(points[2 * i]) && inside(points[2 * i + 1]));
  const centres = ringCentres(RING_DEFAULTS.modes, RING_DEFAULTS.radius);
  const r = RING_QUALITY_STDS * std;
  const circle = Array.from({ length: 24 }, (_, k) => (2 * Math.PI * k) / 24);
  const discs = Array.from({ length: RING_DEFAULTS.modes }, (_, m): PlotSeries => ({
    x: circle.map((a) => centres[2 * m] + r * Math.cos(a)),
    y: circle.map((a) => centres[2 * m + 1] + r * Math.sin(a)),
    colour: [220, 40, 40],
    closed: true,
  }));
  const box = BOX;
  return plotRaster(
    [{ x: shown.map((i) => points[2 * i]), y: shown.map((i) => points[2 * i + 1]), colour: [40, 90, 200], points: true, lines: false }, ...discs],
    { xRange: box, yRange: box, ticks: { x: [-2, 0, 2], y: [-2, 0, 2] }, width: size + 80, height: size + 60, dot: 1 },
  );
}
