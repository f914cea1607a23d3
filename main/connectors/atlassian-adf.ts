/**
 * Atlassian Document Format (ADF) → plain text, for full-text search.
 * Jira's v3 API returns descriptions and comment bodies as ADF documents
 * (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/).
 * Shared by the Atlassian connectors; lives at the connectors root because a
 * connector folder may not import another connector's folder.
 */

interface AdfNode {
  type?: unknown;
  text?: unknown;
  attrs?: Record<string, unknown>;
  content?: unknown;
}

/** Nodes that end a line of their own. */
const BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'blockquote',
  'panel',
  'rule',
  'tableRow',
  'mediaSingle',
  'mediaGroup',
  'blockCard',
  'embedCard',
  'expand',
  'nestedExpand',
  'taskItem',
  'decisionItem',
]);

/** Deeper than this is not a real document; stop instead of overflowing the stack. */
const MAX_DEPTH = 64;

/**
 * Plain text of an ADF document (or of a plain string, which v2 fields and
 * older payloads may carry). Lists get "- " bullets, table cells " | ",
 * mentions their display text, cards their URL. Never throws on odd input.
 */
export function adfToText(doc: unknown): string {
  if (doc === null || doc === undefined) return '';
  if (typeof doc === 'string') return doc;
  const out: string[] = [];
  walk(doc as AdfNode, out, 0);
  return out
    .join('')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function walk(node: AdfNode, out: string[], depth: number): void {
  if (!node || typeof node !== 'object' || depth > MAX_DEPTH) return;
  const type = typeof node.type === 'string' ? node.type : '';
  const attrs = node.attrs ?? {};
  switch (type) {
    case 'text':
      if (typeof node.text === 'string') out.push(node.text);
      return;
    case 'hardBreak':
      out.push('\n');
      return;
    case 'mention':
      out.push(String(attrs.text ?? '@someone'));
      return;
    case 'emoji':
      out.push(String(attrs.text ?? attrs.shortName ?? ''));
      return;
    case 'status':
      out.push(`[${String(attrs.text ?? '')}]`);
      return;
    case 'date': {
      const ts = Number(attrs.timestamp);
      if (Number.isFinite(ts)) out.push(new Date(ts).toISOString().slice(0, 10));
      return;
    }
    case 'inlineCard':
      if (typeof attrs.url === 'string') out.push(attrs.url);
      return;
    case 'rule':
      out.push('\n');
      return;
    case 'media':
      if (typeof attrs.alt === 'string') out.push(attrs.alt);
      return;
    case 'tableCell':
    case 'tableHeader':
      children(node, out, depth);
      out.push(' | ');
      return;
    default:
      break;
  }
  if (type === 'listItem') out.push('- ');
  if ((type === 'expand' || type === 'nestedExpand') && typeof attrs.title === 'string') out.push(`${attrs.title}\n`);
  if ((type === 'blockCard' || type === 'embedCard') && typeof attrs.url === 'string') out.push(attrs.url);
  if (type === 'taskItem') out.push(attrs.state === 'DONE' ? '[x] ' : '[ ] ');
  children(node, out, depth);
  if (type === 'tableRow') {
    // Drop the separator after the last cell of the row.
    const last = out.length - 1;
    if (last >= 0 && out[last] === ' | ') out.pop();
  }
  if (BLOCKS.has(type)) out.push('\n');
}

function children(node: AdfNode, out: string[], depth: number): void {
  if (!Array.isArray(node.content)) return;
  for (const child of node.content) walk(child as AdfNode, out, depth + 1);
}
