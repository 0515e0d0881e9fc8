// The public surface is kept on purpose: the report made from the built declarations must equal the
// checked-in api-report.md (a change to the surface is then a visible diff), and the library exports
// fewer than 150 values. HARMONIUM_API_WRITE=1 (npm run api) writes the report instead.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiReport } from './api_report.js';

// The checkout, from this bundle's place in it (dist/test/).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REPORT = join(ROOT, 'api-report.md');

const api = suite('the public API (no GPU)');

api('the built declarations make the checked-in report (npm run api writes it anew)', () => {
  const report = apiReport(join(ROOT, 'dist', 'types'));
  if (process.env.HARMONIUM_API_WRITE === '1') writeFileSync(REPORT, report);
  assert.ok(existsSync(REPORT), 'api-report.md is missing: npm run api writes it');
  const checkedIn = readFileSync(REPORT, 'utf8');
  if (checkedIn !== report) {
    const [a, b] = [checkedIn.split('\n'), report.split('\n')];
    const first = a.findIndex((line, i) => line !== b[i]);
    assert.unreachable(`the public surface changed (npm run api, then read the diff of api-report.md); first difference at line ${first + 1}:\n  checked in: ${a[first]}\n  built:      ${b[first]}`);
  }
});

api('harmonium exports fewer than 150 values: internals stay internal', async () => {
  const library = await import(join(ROOT, 'dist', 'harmonium.js'));
  const count = Object.keys(library).length;
  assert.ok(count < 150, `harmonium exports ${count} values`);
});

api.run();
