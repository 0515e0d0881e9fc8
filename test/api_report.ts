// The library's public surface as text (in the spirit of api-extractor's API report): from the built
// declarations (dist/types), every name `harmonium` exports with its declaration as a user's compiler
// sees it, and the names each subpath (harmonium/engine, harmonium/rbm, ...) exports. api-report.md
// holds the report checked in; test/api.test.ts fails when the built one differs, so that a change to
// the surface is a visible diff (`npm run api` writes it anew).
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// typescript is loaded at run time, not bundled into the test.
const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');

/** The package's entry points in `typesDir`: the subpath and its declarations there (one per model family, as the build makes them). */
function entries(typesDir: string): Array<[string, string]> {
  const families = readdirSync(join(typesDir, 'models', 'entries')).filter((f) => f.endsWith('.d.ts')).map((f) => f.slice(0, -'.d.ts'.length));
  return [
    ['harmonium', 'index.d.ts'],
    ['harmonium/engine', 'engine/index.d.ts'],
    ['harmonium/ops', 'engine/ops/index.d.ts'],
    ...families.sort().map((f): [string, string] => [`harmonium/${f}`, `models/entries/${f}.d.ts`]),
  ];
}

/** A declaration's text without its comments, one line, blanks folded. */
function declarationText(node: import('typescript').Node, source: import('typescript').SourceFile): string {
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  return printer.printNode(ts.EmitHint.Unspecified, node, source).replace(/\s+/g, ' ').trim();
}

/**
 * The report of the declarations in `typesDir`: a section per entry, `harmonium`'s with each name's
 * kind and declaration, the subpaths' with their names.
 */
export function apiReport(typesDir: string): string {
  const subpaths = entries(typesDir);
  const files = subpaths.map(([, file]) => join(typesDir, file));
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const lines = ['# The public surface of harmonium', '', 'Made from the built declarations by test/api_report.ts; `npm run api` writes it anew. A change here is a change to what users import.', ''];
  for (const [entry, file] of subpaths) {
    const source = program.getSourceFile(join(typesDir, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!source || !module) throw new Error(`api report: no declarations at ${file} (run node build.mjs)`);
    const exports = checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name));
    const resolve = (s: import('typescript').Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
    const values = exports.filter((s) => (resolve(s).flags & ts.SymbolFlags.Value) !== 0);
    lines.push(`## ${entry}`, '', `${exports.length} names, ${values.length} of them values.`, '');
    if (entry !== 'harmonium') {
      lines.push(exports.map((s) => s.name).join(', '), '');
      continue;
    }
    for (const symbol of exports) {
      const original = resolve(symbol);
      for (const declaration of original.declarations ?? []) lines.push(`- \`${declarationText(declaration, declaration.getSourceFile())}\``);
    }
    lines.push('');
  }
  return lines.join('\n');
}
