/**
 * The content hash decides "updated" vs "unchanged" on every sync. It must
 * stay the same across versions (else the first sync after an upgrade would
 * report every record as updated) and must change with anything a user sees.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../main/connectors/types.ts';
import { rawJson, recordHash } from '../../../main/store/records-repo.ts';

/** The hash as every earlier version computed it: sha1 of the whole array, raw included. */
function earlierHash(r: SourceRecord): string {
  return createHash('sha1').update(JSON.stringify([r.kind, r.title, r.url, r.status, r.author, r.updatedAt, r.container, r.text, r.raw])).digest('base64url');
}

const base: SourceRecord = { externalId: 'acme/api#1', kind: 'issue', title: 'Login fails', url: 'https://example.test/1', status: 'open', author: 'ana', updatedAt: '2026-11-26T08:00:00Z', text: 'Steps: …', container: 'acme/api', raw: { id: 1, labels: ['bug'], body: 'ünïcödé "quotes" \\ and \n newlines' } };

describe('record hash', () => {
  it('is what earlier versions stored, for every shape of raw', () => {
    const variants: SourceRecord[] = [
      base,
      { ...base, raw: undefined },
      { ...base, raw: null },
      { ...base, raw: 'a string' },
      { ...base, raw: [1, { deep: [true, null] }] },
      { ...base, url: null, status: null, author: null, updatedAt: null, container: null },
      { ...base, title: '', text: '' },
    ];
    for (const r of variants) {
      expect(recordHash(r)).toBe(earlierHash(r));
      expect(recordHash(r, rawJson(r))).toBe(earlierHash(r));
    }
  });

  it('changes with what a user sees, and stores raw as JSON', () => {
    expect(recordHash({ ...base, title: 'Login fails on Safari' })).not.toBe(recordHash(base));
    expect(recordHash({ ...base, raw: { ...(base.raw as object), id: 2 } })).not.toBe(recordHash(base));
    expect(JSON.parse(rawJson(base))).toEqual(base.raw);
    expect(rawJson({ ...base, raw: undefined })).toBe('null');
  });
});
