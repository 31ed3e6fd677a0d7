import { describe, expect, it } from 'vitest';
import { memoByString, memoByStringPair } from '../../src/memo.js';

describe('bounded memoisation of request-data strings', () => {
  it('computes each key once, undefined results included', () => {
    const calls: string[] = [];
    const parse = memoByString((s) => (calls.push(s), s === 'bad' ? undefined : s.length));
    expect([parse('abc'), parse('abc'), parse('bad'), parse('bad')]).toEqual([3, 3, undefined, undefined]);
    expect(calls).toEqual(['abc', 'bad']);
  });

  it('keys a pair by both strings, never by a concatenation that could collide', () => {
    const key = memoByStringPair((a, b) => `${a}|${b}`);
    expect(key('a|b', 'c')).toBe('a|b|c');
    expect(key('a', 'b|c')).toBe('a|b|c');
    const calls: string[] = [];
    const counted = memoByStringPair((a, b) => (calls.push(a + b), a + b));
    counted('x', '1');
    counted('x', '1');
    expect(calls).toEqual(['x1']);
  });

  it('starts again when full, so hostile input cannot grow memory without bound', () => {
    const calls: string[] = [];
    const pair = memoByStringPair((a, b) => (calls.push(`${a}${b}`), a + b), 3);
    for (const code of ['1', '2', '3', '4']) pair('sys', code); // the fourth entry empties the cache
    pair('sys', '4'); // still cached
    pair('sys', '1'); // computed again
    expect(calls).toEqual(['sys1', 'sys2', 'sys3', 'sys4', 'sys1']);
    const single = memoByString((s) => (calls.push(s), s), 2);
    calls.length = 0;
    for (const s of ['a', 'b', 'c', 'a']) single(s);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
