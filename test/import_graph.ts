// The project's import graph, for imports.test.ts: which of its source files each one imports, read
// with TypeScript's own parser (so that an import in a comment or a string never counts), and the
// cycles of such a graph.
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

// typescript is loaded at run time, not bundled into this test.
const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');

/** Each file (a path from the root, with '/') to the files of the graph it imports. */
export type ImportGraph = Map<string, string[]>;

/**
 * The relative module specifiers of a source, in order: imports and `export ... from`, type-only
 * ones too, `import './x.js'`, `import('./x.js')` calls and `import('./x.js').T` types.
 */
export function relativeImports(fileName: string, source: string): string[] {
  const found: string[] = [];
  const visit = (node: import('typescript').Node): void => {
    let specifier: import('typescript').Expression | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) specifier = node.moduleSpecifier;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) specifier = node.arguments[0];
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) specifier = node.argument.literal;
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) found.push(specifier.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest));
  return found;
}

/** The TypeScript sources (not declarations) among `entries` of root: files, and folders searched whole. */
export function sourceFiles(root: string, entries: readonly string[]): string[] {
  const files: string[] = [];
  const add = (path: string): void => {
    if (statSync(join(root, path)).isDirectory()) readdirSync(join(root, path)).forEach((name) => add(`${path}/${name}`));
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
  };
  entries.forEach(add);
  return files.sort();
}

/**
 * The import graph of `files` (`read` gives a file's text). A specifier './x.js' names x.ts, as
 * TypeScript resolves it; imports of anything else (packages, JSON, WGSL) are no edges.
 */
export function importGraph(files: readonly string[], read: (file: string) => string): ImportGraph {
  const known = new Set(files);
  const resolve = (from: string, specifier: string) => posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');
  return new Map(files.map((file) => [file, [...new Set(relativeImports(file, read(file)).map((s) => resolve(file, s)))].filter((f) => known.has(f))]));
}

/**
 * The cycles of `graph`, each as its files from one back to the same one; none for an acyclic graph.
 * A depth-first search in file order: each edge back to a file still on the path closes one cycle.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (file: string): void => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const onPath = path.indexOf(next);
      if (onPath >= 0) cycles.push([...path.slice(onPath), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file);
  return cycles;
}
