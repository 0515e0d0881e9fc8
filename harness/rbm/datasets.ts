// Small binary datasets whose log-likelihood can be computed exactly, for tests and the report.

/**
 * Bars and stripes (MacKay 2003): every side x side image whose rows are each all on or all off, or
 * whose columns are: 2^side + 2^side - 2 patterns (the blank and the full image are both), row-major
 * 0 / 1 values, stripes (rows) first.
 *
 *   barsAndStripes(3).count   // 14
 */
export function barsAndStripes(side: number): { patterns: Float64Array; count: number; side: number } {
  const images: number[][] = [];
  const seen = new Set<string>();
  for (const byRows of [true, false]) {
    for (let mask = 0; mask < 2 ** side; mask++) {
      // Line l (a row, or a column) is on when bit l of mask is.
      const image = Array.from({ length: side * side }, (_, e) => (mask >> (byRows ? Math.floor(e / side) : e % side)) & 1);
      const key = image.join('');
      if (!seen.has(key)) {
        seen.add(key);
        images.push(image);
      }
    }
  }
  return { patterns: Float64Array.from(images.flat()), count: images.length, side };
}
