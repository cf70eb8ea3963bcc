import type { OpenApiDocument } from './document';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * A self-contained HTML page listing every operation of the document (method, path, summary,
 * who may call it, the answers), with a link to `/openapi.json`: no script, no CDN.
 */
export const renderDocsPage = (document: OpenApiDocument): string => {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const secured = Array.isArray(operation.security) && operation.security.length > 0;
      const statuses = Object.keys(operation.responses).join(' ');
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(
          String(operation.summary ?? ''),
        )}</td><td>${secured ? 'bearer' : 'public'}</td><td>${statuses}</td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ordo commerce API</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>Ordo commerce API</h1>
<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are
<code>application/problem+json</code>; send <code>Authorization: Bearer &lt;token&gt;</code> from <code>POST /auth/token</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>auth</th><th>answers</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
};
