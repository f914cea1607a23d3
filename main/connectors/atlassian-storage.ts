/**
 * Confluence storage format (XHTML with ac:/ri: elements) → plain text for
 * full-text search. A small tolerant scanner rather than an XML parser:
 * storage bodies are often not well-formed XML (HTML entities, stray tags),
 * and search only needs the words in reading order.
 * https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html
 */

/** Elements whose start or end begins a new line. */
const BLOCK = new Set([
  'p', 'div', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'tr', 'table', 'thead', 'tbody',
  'blockquote', 'pre', 'section', 'article', 'dl', 'dt', 'dd', 'ac:structured-macro', 'ac:macro', 'ac:layout-section',
  'ac:layout-cell', 'ac:task', 'ac:rich-text-body', 'ac:plain-text-body', 'ac:image',
]);
/** Elements whose content is not text a reader sees (macro parameters, scripts). */
const SKIP = new Set(['ac:parameter', 'style', 'script', 'ac:task-id', 'ac:task-status', 'ac:placeholder']);
/** Cell boundaries: keep the cells of a row apart. */
const CELL = new Set(['td', 'th']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘',
  rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', copy: '©', reg: '®', trade: '™',
  euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', deg: '°', plusmn: '±', times: '×', divide: '÷',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', rArr: '⇒', lArr: '⇐', ne: '≠', le: '≤', ge: '≥', infin: '∞',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß', eacute: 'é', egrave: 'è', ecirc: 'ê',
  aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í', oacute: 'ó', uacute: 'ú', ntilde: 'ñ', ccedil: 'ç', Eacute: 'É',
  oslash: 'ø', aring: 'å', Aring: 'Å', aelig: 'æ', zwj: '', zwnj: '', shy: '', thinsp: ' ', ensp: ' ', emsp: ' ',
};

/** Decodes named and numeric character references; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

/**
 * Plain text of a storage-format body: block elements become line breaks,
 * table cells are separated by " | ", code macro bodies (CDATA) are kept,
 * links to other pages keep their title, macro parameters are dropped.
 */
export function storageToText(xhtml: string | null | undefined): string {
  if (!xhtml) return '';
  const out: string[] = [];
  let skip = 0;
  let i = 0;
  const n = xhtml.length;
  while (i < n) {
    const lt = xhtml.indexOf('<', i);
    if (lt < 0) {
      if (skip === 0) out.push(decodeEntities(xhtml.slice(i)));
      break;
    }
    if (lt > i && skip === 0) out.push(decodeEntities(xhtml.slice(i, lt)));
    if (xhtml.startsWith('<![CDATA[', lt)) {
      const end = xhtml.indexOf(']]>', lt + 9);
      const stop = end < 0 ? n : end;
      if (skip === 0) out.push(xhtml.slice(lt + 9, stop));
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (xhtml.startsWith('<!--', lt)) {
      const end = xhtml.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const gt = findTagEnd(xhtml, lt + 1);
    if (gt < 0) {
      // A lone "<" in text: keep it as text.
      if (skip === 0) out.push('<');
      i = lt + 1;
      continue;
    }
    const tag = xhtml.slice(lt + 1, gt);
    i = gt + 1;
    const closing = tag.startsWith('/');
    const selfClosing = tag.endsWith('/');
    const name = (closing ? tag.slice(1) : tag).trim().split(/[\s/>]/, 1)[0]!.toLowerCase();
    if (!name || name.startsWith('!') || name.startsWith('?')) continue;
    if (SKIP.has(name)) {
      if (selfClosing) continue;
      skip += closing ? -1 : 1;
      if (skip < 0) skip = 0;
      continue;
    }
    if (skip > 0) continue;
    if (name === 'ri:page' || name === 'ri:blog-post') {
      // A link to another page without a link body shows the page's title.
      const title = /ri:content-title\s*=\s*"([^"]*)"/.exec(tag)?.[1];
      if (title) out.push(decodeEntities(title));
      continue;
    }
    if (name === 'ac:emoticon') continue;
    if (CELL.has(name)) {
      if (closing) out.push(' | ');
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
  }
  return tidy(out.join(''));
}

function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v]+/g, ' ').replace(/(\s*\|\s*)+$/, '').trim())
    .join('\n')
    // Every element boundary adds a break; one is enough to keep blocks apart.
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** Index of the ">" closing a tag that starts at `from`, skipping quoted attribute values. */
function findTagEnd(s: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
    else if (c === '<') return -1;
  }
  return -1;
}
