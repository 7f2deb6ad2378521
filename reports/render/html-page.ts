/** The shell every HTML report shares: inline styles, no external assets. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A table whose first `leftCols` columns are text and the rest right-aligned figures; cells are HTML. */
export function tableHtml(head: readonly string[], rows: ReadonlyArray<readonly string[]>, leftCols = 1): string {
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i >= leftCols ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** An inline SVG chart with its caption. */
export function figureHtml(title: string, svg: string, caption: string): string {
  return `<figure><h3>${escapeHtml(title)}</h3>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 92rem; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 14px; }
  .scroll { overflow-x: auto; }
  th, td { border: 1px solid #d0d7de; padding: .35rem .6rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; }
  li.ok { color: #1a7f37; } li.bad { color: #cf222e; }
  figure { margin: 1.5rem 0; } figcaption { color: #57606a; font-size: 14px; margin-top: .3rem; }
  svg { max-width: 100%; height: auto; }
  figure h3 { margin: 0 0 .5rem; font-size: 1.05rem; }
  details { margin: .5rem 0 1rem; } summary { cursor: pointer; color: #57606a; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}
