import { describe, expect, it } from 'vitest';
import { adfToText } from '../../../../main/connectors/atlassian-adf.ts';

describe('ADF descriptions and comments become searchable plain text', () => {
  it('keeps paragraphs, headings, lists, code, mentions, cards and tables in reading order', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Steps' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Ask ' }, { type: 'mention', attrs: { id: 'x', text: '@Ana Lima' } }, { type: 'text', text: ' first.', marks: [{ type: 'strong' }] }, { type: 'hardBreak' }, { type: 'text', text: 'Then wait.' }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }, { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'two' }] }] }] },
        { type: 'codeBlock', attrs: { language: 'sql' }, content: [{ type: 'text', text: 'SELECT 1;' }] },
        { type: 'paragraph', content: [{ type: 'inlineCard', attrs: { url: 'https://example.com/spec' } }, { type: 'emoji', attrs: { shortName: ':tada:', text: '🎉' } }, { type: 'status', attrs: { text: 'BLOCKED' } }] },
        { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableHeader', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Env' }] }] }, { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'prod' }] }] }] }] },
      ],
    };
    const text = adfToText(doc);
    expect(text).toContain('Steps');
    expect(text).toContain('Ask @Ana Lima first.\nThen wait.');
    expect(text).toMatch(/- one\n+- two/);
    expect(text).toContain('SELECT 1;');
    expect(text).toContain('https://example.com/spec🎉[BLOCKED]');
    expect(text).toMatch(/Env\s*\|\s*prod/);
  });

  it('accepts plain strings, nulls and malformed or absurdly deep input without throwing', () => {
    expect(adfToText('already text')).toBe('already text');
    expect(adfToText(null)).toBe('');
    expect(adfToText({ type: 'doc', content: 'not an array' })).toBe('');
    let deep: any = { type: 'text', text: 'bottom' };
    for (let k = 0; k < 10_000; k++) deep = { type: 'paragraph', content: [deep] };
    expect(() => adfToText({ type: 'doc', content: [deep] })).not.toThrow();
  });
});
