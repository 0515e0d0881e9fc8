import type { ReportData } from './data.js';

/** One self-contained HTML file: styles, data and the bundled page script inline. */
export function reportHtml(data: ReportData, pageScript: string, uplotCss: string): string {
  // '</' inside inline JSON or script would end the <script> element early.
  const safe = (s: string) => s.replace(/<\//g, '<\\/');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${data.title}</title>
<style>
${uplotCss}
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1320px; color: #1b1b1b; padding: 0 16px; }
h1 { margin-bottom: 0; } #meta { color: #555; margin-top: 4px; }
section { margin: 28px 0; border-top: 1px solid #ddd; padding-top: 8px; }
.note { color: #444; max-width: 980px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { display: inline-block; }
table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th { background: #f4f4f4; }
.snapshots { display: flex; gap: 16px; }
.snapshots canvas { width: 256px; height: 256px; image-rendering: pixelated; border: 1px solid #ccc; }
figure { margin: 0; } figcaption { text-align: center; color: #444; }
</style>
</head>
<body>
<h1 id="title"></h1>
<p id="meta"></p>
<div id="content"></div>
<script>window.REPORT_DATA = ${safe(JSON.stringify(data))};</script>
<script>${safe(pageScript)}</script>
</body>
</html>
`;
}
