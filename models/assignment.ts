// The assignment problem by the Hungarian method (Kuhn 1955; the O(n^3) shortest-augmenting-path form
// with potentials): which column each row takes so that the summed cost is least. Used to match learned
// topics (or clusters) to true ones before measuring how far apart they are.

/**
 * For an n x m cost matrix (row-major, n <= m), the column of each row in a least-cost assignment of
 * rows to distinct columns.
 *
 *   hungarian(Float64Array.of(4, 1, 3, 2, 0, 5, 3, 2, 2), 3, 3);   // [1, 0, 2]
 */
export function hungarian(cost: ArrayLike<number>, n: number, m: number): Int32Array {
  if (n > m) throw new RangeError(`hungarian: ${n} rows cannot take distinct columns of ${m}`);
  // 1-based arrays as in the classic formulation; column 0 is the virtual start.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const owner = new Int32Array(m + 1); // owner[j]: the row holding column j (0: none)
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    owner[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = owner[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[owner[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    do {
      const j1 = way[j0];
      owner[j0] = owner[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOf = new Int32Array(n);
  for (let j = 1; j <= m; j++) if (owner[j] > 0) columnOf[owner[j] - 1] = j - 1;
  return columnOf;
}
