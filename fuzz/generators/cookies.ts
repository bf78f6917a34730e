import { sign } from 'cookie-signature';
import type { Generator } from '../case';
import { derivedSecrets } from '../../src/web/csrf';
import { first } from './place';

/**
 * Cookies: garbage, unsigned and tampered values, JSON cookies (`j:`), huge and many cookies,
 * names sent twice, and cookies signed with the app's own secret but holding odd values, which
 * only the app could have set (the fuzzer knows SESSION_SECRET because it starts the app).
 */

const NAMES = ['sid', 'csrf', 'flash', '__Host-sid', '__Host-csrf', '__Host-flash'];

export const badCookies: Generator = {
  name: 'bad cookies',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const name = rng.pick(NAMES);
    const sid = draft.cookies.find(([key]) => key === 'sid')?.[1];
    const value = rng.pick([
      () => '',
      () => 'garbage',
      () => 's:',
      () => 's:.',
      () => 's%3A',
      () => 's:abc',
      () => 's:abc.def',
      () => '%zz',
      () => '%E0%A4',
      () => '"quoted"',
      () => 'j:{}',
      () => 'j:[1,2]',
      () => 'j:"text"',
      () => 'j:1',
      () => 'j:null',
      () => 'j:{"__proto__":{"x":1}}',
      () => 'j:{',
      () => 's:j:{}.sig',
      // The real session cookie with its signature or its id changed by one character.
      () => (sid ? sid.slice(0, -1) + (sid.endsWith('A') ? 'B' : 'A') : 's:x.y'),
      () => (sid ? sid.replace(/^s%3A./, 's%3AZ') : 's:x.y'),
    ])();
    const way = rng.pick(['replace', 'add before', 'add after', 'only']);
    if (way === 'replace') {
      draft.cookies = draft.cookies.filter(([key]) => key !== name);
      draft.cookies.push([name, value]);
    } else if (way === 'add before') {
      draft.cookies.unshift([name, value]);
    } else if (way === 'add after') {
      draft.cookies.push([name, value]);
    } else {
      draft.cookies = [[name, value]];
    }
  },
};

/** The Cookie header's own syntax: separators, no `=`, hundreds of cookies, one sent twice. */
export const cookieSyntax: Generator = {
  name: 'cookie syntax',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const way = rng.pick(['odd pairs', 'many', 'twice', 'two headers', 'prototype names']);
    if (way === 'odd pairs') {
      draft.cookies.push(
        rng.pick<[string, string]>([
          ['', ''],
          ['', 'x'],
          ['novalue', ''],
          [';;;', ';'],
          ['a', 'b=c=d'],
          [' sid', ' x '],
          ['sid\t', 'x'],
          ['$Version', '1'],
        ]),
      );
    } else if (way === 'many') {
      const count = rng.pick([100, 1000, 3000]);
      for (let i = 0; i < count; i++) {
        draft.cookies.push([`c${i}`, 'v']);
      }
    } else if (way === 'twice' && draft.cookies.length > 0) {
      const cookie = rng.pick(draft.cookies);
      draft.cookies.splice(rng.int(draft.cookies.length + 1), 0, [...cookie]);
    } else if (way === 'two headers') {
      // A second Cookie header besides the one made from `cookies`.
      draft.headers.push(['Cookie', rng.pick(['sid=x', 'csrf=y', 'a=b'])]);
    } else {
      draft.cookies.push([
        rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty']),
        rng.pick(['x', 'j:{"a":1}', '']),
      ]);
    }
  },
};

/**
 * Cookies signed with the app's secret, holding values it never sets: session ids that name no
 * session (never a session the fuzzer signed in), flash messages of odd shapes.
 */
export const signedCookies: Generator = {
  name: 'validly signed odd cookies',
  apply: (fuzzCase, rng, { secret }) => {
    const draft = first(fuzzCase);
    if (rng.chance(0.5)) {
      const id = rng.pick([
        '',
        'a',
        'x'.repeat(129),
        'x'.repeat(5000),
        '../../etc/passwd',
        '\x00',
        "' OR '1'='1",
        '__proto__',
        'session:*',
        '*',
        'é',
        '%',
      ]);
      draft.cookies = draft.cookies.filter(([key]) => key !== 'sid');
      draft.cookies.push(['sid', encodeURIComponent(`s:${sign(id, secret)}`)]);
      return;
    }
    const [cookieKey] = derivedSecrets([secret], 'cookies');
    const content = rng.pick([
      '[{"type":"success","message":"Hello"}]',
      '[{"type":"danger","message":{"toString":1}}]',
      '[{"type":"nope","message":"x"}]',
      '[null,1,"x",[],{}]',
      '{"type":"success","message":"x"}',
      '"text"',
      'j:[{"type":"info","message":"as JSON"}]',
      'j:{"__proto__":{"polluted":true}}',
      'j:not json',
      `[${'{"type":"info","message":"m"},'.repeat(300)}{}]`,
      'not json',
      '',
    ]);
    draft.cookies = draft.cookies.filter(([key]) => key !== 'flash');
    draft.cookies.push(['flash', encodeURIComponent(`s:${sign(content, cookieKey)}`)]);
  },
};
