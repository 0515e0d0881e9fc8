// No import cycles among the project's sources (the TypeScript files, not dist/). Every way one file
// names another counts: static imports and `export ... from`, side-effect imports, import() calls
// (a cycle through one still ties the two files together; it only hides from the bundler), and
// type-only imports: those are erased at run time, but a cycle of them still means that neither
// file can be read, moved or reworked without the other.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCycles, importGraph, relativeImports, sourceFiles, type ImportGraph } from './import_graph.js';

// The checkout, from this bundle's place in it (dist/test/).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['index.ts', 'engine', 'models', 'harness', 'shaders', 'test'];

const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

const host = suite('import cycles (no GPU)');

host('every kind of relative import is read; packages, comments, strings and regular expressions are not', () => {
  const source = [
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    "import { type C, d } from './c.js';",
    "export { e } from './e.js';",
    "export * from './f.js';",
    "import './g.js';",
    "const h = await import('./h.js');",
    "type I = import('./i.js').I;",
    "import { suite } from 'uvu';",
    "// import { x } from './comment.js';",
    'const s = "import { y } from \'./string.js\'";',
    "const r = /import z from '.\\/regex.js'/;",
  ].join('\n');
  assert.equal(relativeImports('x.ts', source), ['./a.js', '../b.js', './c.js', './e.js', './f.js', './g.js', './h.js', './i.js']);
});

host('cycles in a small graph are found and listed file by file; a diamond or a chain is none', () => {
  const graph = graphOf({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts', 'd.ts'], 'd.ts': ['d.ts'] });
  assert.equal(findCycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts'], ['d.ts', 'd.ts']]);
  assert.equal(findCycles(graphOf({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['d.ts'], 'c.ts': ['d.ts'], 'd.ts': [] })), []);
  assert.equal(findCycles(graphOf({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': [] })), []);
});

host('sources to cycles: a type-only import back and an import() back each close one', () => {
  // The two cycles this test was written after: the docs command importing the list that holds it,
  // and the report's section types living in the list that imports every feature's section.
  const sources: Record<string, string> = {
    'harness/cli/commands.ts': "import { docsCommand } from './docs.js';",
    'harness/cli/docs.ts': "import { flagTable } from './command.js';\nexport async function run() { const { COMMANDS } = await import('./commands.js'); }",
    'harness/cli/command.ts': '',
    'harness/report/sections.ts': "import { tspReportSection } from '../tsp/study.js';\nimport data from './data.json';",
    'harness/tsp/study.ts': "import type { ReportSection } from '../report/sections.js';\nimport { suite } from 'uvu';",
  };
  const graph = importGraph(Object.keys(sources), (file) => sources[file]);
  assert.equal(graph.get('harness/cli/docs.ts'), ['harness/cli/command.ts', 'harness/cli/commands.ts']);
  assert.equal(graph.get('harness/report/sections.ts'), ['harness/tsp/study.ts'], 'JSON is no edge');
  assert.equal(findCycles(graph), [
    ['harness/cli/commands.ts', 'harness/cli/docs.ts', 'harness/cli/commands.ts'],
    ['harness/report/sections.ts', 'harness/tsp/study.ts', 'harness/report/sections.ts'],
  ]);
});

host("the project's sources import one way: no cycle", () => {
  const files = sourceFiles(ROOT, SOURCES);
  for (const file of ['index.ts', 'engine/index.ts', 'harness/cli/main.ts', 'shaders/index.ts', 'test/imports.test.ts']) assert.ok(files.includes(file), `${file} is among the sources read`);
  const cycles = findCycles(importGraph(files, (file) => readFileSync(join(ROOT, file), 'utf8')));
  assert.ok(cycles.length === 0, `import cycles (each file imports the next):\n${cycles.map((c) => `  ${c.join(' -> ')}`).join('\n')}`);
});

host.run();
