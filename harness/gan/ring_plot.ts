// The ring's samples as a scatter on the plane, the modes' centres in red: for `gan sample --png` and
// for the report's figures alike. Browser-safe.
import { ringCentres, RING_DEFAULTS } from '../data/ring.js';
import { plotRaster, type Raster } from '../io/raster.js';

/** Points (x, y pairs) over the box [-2.5, 2.5]^2 around the ring of radius 2. */
export function ringRaster(points: ArrayLike<number>, size = 360): Raster {
  const count = Math.floor(points.length / 2);
  const x = Array.from({ length: count }, (_, i) => points[2 * i]);
  const y = Array.from({ length: count }, (_, i) => points[2 * i + 1]);
  const centres = ringCentres(RING_DEFAULTS.modes, RING_DEFAULTS.radius);
  const cx = Array.from({ length: RING_DEFAULTS.modes }, (_, m) => centres[2 * m]);
  const cy = Array.from({ length: RING_DEFAULTS.modes }, (_, m) => centres[2 * m + 1]);
  const box: [number, number] = [-2.5, 2.5];
  return plotRaster(
    [
      { x, y, colour: [40, 90, 200], points: true, lines: false },
      { x: cx, y: cy, colour: [220, 40, 40], points: true, lines: false },
    ],
    { xRange: box, yRange: box, ticks: { x: [-2, 0, 2], y: [-2, 0, 2] }, width: size + 80, height: size + 60, dot: 1 },
  );
}
