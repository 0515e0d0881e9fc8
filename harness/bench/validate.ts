// Comparing kernel output with a reference, shared by tests and benchmarks (llm.c validate_result).

export interface Mismatch {
  index: number;
  expected: number;
  actual: number;
}

export interface Validation {
  ok: boolean;
  /** How many elements failed, and the first few of them. */
  failures: number;
  first: Mismatch[];
  /** The largest |actual - expected| over elements where both are finite. */
  maxAbsError: number;
  /** A report naming the kernel and the first mismatches; '' when ok. */
  message: string;
}

function report(kernel: string, rule: string, failures: number, first: Mismatch[], total: number): string {
  if (!failures) return '';
  const rows = first.map((f) => `  [${f.index}] expected ${f.expected}, actual ${f.actual}`).join('\n');
  return `${kernel}: ${failures} of ${total} elements differ (${rule}); first:\n${rows}`;
}

/**
 * Float comparison |actual - expected| <= atol + rtol * |expected|. NaN must meet NaN and an infinity
 * the same infinity.
 */
export function validateClose(
  kernel: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { atol: number; rtol: number },
  show = 5,
): Validation {
  const first: Mismatch[] = [];
  let failures = 0;
  let maxAbsError = 0;
  if (actual.length < expected.length) throw new Error(`${kernel}: ${actual.length} outputs for ${expected.length} expected values`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const x = actual[i];
    let ok: boolean;
    if (Number.isNaN(e) || !Number.isFinite(e)) ok = Object.is(e, x) || (Number.isNaN(e) && Number.isNaN(x));
    else {
      const err = Math.abs(x - e);
      ok = err <= tolerance.atol + tolerance.rtol * Math.abs(e);
      if (Number.isFinite(err)) maxAbsError = Math.max(maxAbsError, err);
    }
    if (!ok) {
      failures++;
      if (first.length < show) first.push({ index: i, expected: e, actual: x });
    }
  }
  const rule = `atol ${tolerance.atol}, rtol ${tolerance.rtol}`;
  return { ok: failures === 0, failures, first, maxAbsError, message: report(kernel, rule, failures, first, expected.length) };
}

/** Bit-exact comparison of integer outputs. */
export function validateExact(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, show = 5): Validation {
  const first: Mismatch[] = [];
  let failures = 0;
  let maxAbsError = 0;
  if (actual.length < expected.length) throw new Error(`${kernel}: ${actual.length} outputs for ${expected.length} expected values`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      failures++;
      maxAbsError = Math.max(maxAbsError, Math.abs(actual[i] - expected[i]));
      if (first.length < show) first.push({ index: i, expected: expected[i], actual: actual[i] });
    }
  }
  return { ok: failures === 0, failures, first, maxAbsError, message: report(kernel, 'exact', failures, first, expected.length) };
}
