import { describe, expect, it } from 'vitest';
import { hasMoreResults, resultCountText } from '../../renderer/views/search/result-count.ts';

describe('the search view\'s result count', () => {
  it('says "500+" when search counted only part of the matches, and offers more', () => {
    expect(resultCountText({ total: 500, totalIsAtLeast: true }, 'login')).toBe('500+ results for “login”');
    expect(hasMoreResults({ total: 500, totalIsAtLeast: true }, 20)).toBe(true);
    expect(hasMoreResults({ total: 500, totalIsAtLeast: true }, 200)).toBe(true);
  });

  it('gives an exact count otherwise, and offers more only while some are not shown', () => {
    expect(resultCountText({ total: 1, totalIsAtLeast: false }, 'zephyr')).toBe('1 result for “zephyr”');
    expect(resultCountText({ total: 42, totalIsAtLeast: false }, 'cache')).toBe('42 results for “cache”');
    expect(hasMoreResults({ total: 42, totalIsAtLeast: false }, 20)).toBe(true);
    expect(hasMoreResults({ total: 42, totalIsAtLeast: false }, 42)).toBe(false);
    expect(resultCountText({ total: 0, totalIsAtLeast: false }, 'nothing')).toBe('Nothing found for “nothing”.');
  });

  it('counts the listing (no words typed) as records', () => {
    expect(resultCountText({ total: 12_345 }, '')).toBe('12,345 records, most recently updated first');
    expect(resultCountText({ total: 0 }, '')).toBe('The mirror is empty: sync an integration first.');
  });
});
