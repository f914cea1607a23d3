import type { ReactNode } from 'react';

/**
 * A search snippet as the core marks it: matches between "[" and "]". Text
 * that only looks like a mark (an unbalanced bracket) stays as it is.
 */
export function snippetParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  const re = /\[([^[\]]+)\]/g;
  let at = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > at) parts.push({ text: snippet.slice(at, m.index), match: false });
    parts.push({ text: m[1], match: true });
    at = m.index + m[0].length;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), match: false });
  return parts;
}

/** The snippet with its matches marked. */
export function Snippet({ text }: { text: string }): ReactNode {
  return (
    <p className="snippet">
      {snippetParts(text).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </p>
  );
}
