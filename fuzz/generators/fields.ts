import type { Generator } from '../case';
import type { Random } from '../random';
import { EVERY_PLACE, fieldsOf, first, inject, percentEncoded, setFields } from './place';

/** Malformed bytes and odd fields, in the path, the query string, the form, headers, cookies. */

const BROKEN_PERCENT = ['%', '%z', '%zz', '%E0%A4', '%E0%A4%A', '%%', '%0', '%u0041', '%2', '%%32'];

/** Byte sequences that are not UTF-8: lone continuation bytes, overlong forms, surrogates... */
const INVALID_UTF8 = [
  '\xff',
  '\xfe\xff',
  '\x80',
  '\xc3',
  '\xc0\xaf',
  '\xe0\x80\xaf',
  '\xed\xa0\x80',
  '\xf4\x90\x80\x80',
  '\xf8\x88\x80\x80\x80',
  '\xf0\x9f\x98',
];

const CONTROL_BYTES = [
  '\x00',
  '\r',
  '\n',
  '\t',
  '\x7f',
  '\x1b',
  '\x1b[31m',
  '\x0b',
  '\x08',
  '\r\nSet-Cookie: x=1',
  '\x85',
];

export const brokenPercentEncoding: Generator = {
  name: 'broken percent-encoding',
  apply: (fuzzCase, rng) => {
    inject(first(fuzzCase), rng, rng.pick(EVERY_PLACE), rng.pick(BROKEN_PERCENT));
  },
};

export const invalidUtf8: Generator = {
  name: 'invalid UTF-8',
  apply: (fuzzCase, rng) => {
    const bytes = rng.pick(INVALID_UTF8);
    const place = rng.pick(EVERY_PLACE);
    // Raw bytes anywhere; in a URL or a form, also as percent-encoded bytes.
    const encoded = ['query', 'field', 'field-name'].includes(place) && rng.chance(0.5);
    inject(first(fuzzCase), rng, place, encoded ? percentEncoded(bytes) : bytes);
  },
};

export const controlBytes: Generator = {
  name: 'control bytes',
  apply: (fuzzCase, rng) => {
    const bytes = rng.pick(CONTROL_BYTES);
    const place = rng.pick(EVERY_PLACE);
    const encoded = ['query', 'field', 'field-name'].includes(place) && rng.chance(0.6);
    inject(first(fuzzCase), rng, place, encoded ? percentEncoded(bytes) : bytes);
  },
};

/** `email=a&email=b`: a field (or the token) sent more than once. */
export const repeatedFields: Generator = {
  name: 'repeated fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const [name, value] = fields.length > 0 ? rng.pick(fields) : ['next', '/'];
    const copies = rng.pick([1, 1, 2, 19, 50]);
    for (let i = 0; i < copies; i++) {
      fields.splice(rng.int(fields.length + 1), 0, [
        name,
        rng.pick([value, '', 'other', `${value}x`]),
      ]);
    }
    setFields(draft, fields);
  },
};

/** `email[]=x`, `email[0]=x`: a field as an array, alone or beside the plain field. */
export const arrayFields: Generator = {
  name: 'array fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const field = fields.length > 0 ? rng.pick(fields) : (['next', '/'] as [string, string]);
    const suffix = rng.pick(['[]', '[0]', '[1]', '%5B%5D', '[99999999]', '[-1]']);
    if (rng.chance(0.5)) {
      field[0] += suffix;
    } else {
      fields.push([`${field[0]}${suffix}`, field[1]], [`${field[0]}${suffix}`, 'second']);
    }
    setFields(draft, fields);
  },
};

/** `email[a]=x`, deeply nested `a[b][c][d]...`, half-open brackets. */
export const objectFields: Generator = {
  name: 'object fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const name = fields.length > 0 ? rng.pick(fields)[0] : 'next';
    const depth = rng.pick([1, 2, 5, 30, 500]);
    const nested = rng.pick([
      () => `${name}${'[a]'.repeat(depth)}`,
      () => `${name}[a]`,
      () => `${name}[`,
      () => `${name}]`,
      () => `[${name}]`,
      () => `${name}[a][`,
      () => `${name}.a`,
      () => `${name}[${'['.repeat(depth)}`,
    ])();
    fields.push([nested, rng.pick(['x', '', '1'])]);
    setFields(draft, fields);
  },
};

/** `__proto__[x]`, `constructor[prototype][x]` and other members of Object.prototype as names. */
export const prototypeKeys: Generator = {
  name: 'prototype keys',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const key = rng.pick([
      '__proto__',
      '__proto__[x]',
      '__proto__[isAdmin]',
      '%5F%5Fproto%5F%5F',
      'constructor',
      'constructor[prototype][x]',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
      'isPrototypeOf',
      '__proto__.x',
    ]);
    const value = rng.pick(['1', 'x', '', '%00']);
    if (rng.chance(0.2)) {
      draft.cookies.push([key, value]);
      return;
    }
    const fields = fieldsOf(draft);
    fields.splice(rng.int(fields.length + 1), 0, [key, value]);
    setFields(draft, fields);
  },
};

/** Just below, at and above the form parser's 20 fields, and thousands in a query string. */
export const manyFields: Generator = {
  name: 'many fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const count = rng.pick([18, 19, 20, 21, 100, 1000, 3000]);
    for (let i = 0; fields.length < count && i < count; i++) {
      fields.push([`f${i}`, rng.pick(['', '1', 'x'])]);
    }
    setFields(draft, fields);
  },
};

/** Odd form syntax: `&&&`, `=`, `==x`, a name with no `=`, `+` for spaces, `;` between fields. */
export const fieldSyntax: Generator = {
  name: 'odd field syntax',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const odd: [string, string] = rng.pick<[string, string]>([
      ['', ''],
      ['', 'x'],
      ['=', 'x'],
      ['email', '=x'],
      ['email;next', '/'],
      ['email+x', '+a+b+'],
      ['&&', '&'],
      ['%26', '%3D'],
    ]);
    fields.splice(rng.int(fields.length + 1), 0, odd);
    setFields(draft, fields);
    if (draft.form && rng.chance(0.3)) {
      draft.body = rng.pick(['', '&', '=', '&&&', '===', 'x', ';;;', ' ', '\r\n']);
    }
  },
};

/** Fields dropped or emptied, the token among them. */
export const missingFields: Generator = {
  name: 'missing or empty fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = fieldsOf(draft);
    const way = rng.pick(['drop one', 'drop all', 'empty all', 'empty one']);
    if (way === 'drop all') {
      fields.length = 0;
    } else if (fields.length > 0) {
      const field = rng.pick(fields);
      if (way === 'drop one') {
        fields.splice(fields.indexOf(field), 1);
      } else {
        for (const each of way === 'empty all' ? fields : [field]) {
          each[1] = '';
        }
      }
    }
    setFields(draft, fields);
  },
};

/** Large values: just under and over the 8 KB form limit, 100 KB, 1 MB; long query strings. */
export const hugeFields: Generator = {
  name: 'huge fields',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const size = rng.pick([7000, 8100, 8193, 100_000, 1_000_000]);
    const filler = (length: number) => fill(rng, length);
    if (!draft.form) {
      // The head as a whole has a 16 KB limit: 431 above it.
      const [path] = draft.target.split('?');
      draft.target = `${path}?next=${filler(rng.pick([1000, 8000, 15_000, 70_000]))}`;
      return;
    }
    const fields = fieldsOf(draft);
    const way = rng.pick(['one field', 'one field', 'the whole body']);
    if (way === 'the whole body') {
      draft.body = `${fields.map(([name, value]) => `${name}=${value}`).join('&')}&x=${filler(size)}`;
      return;
    }
    const field = fields.length > 0 ? rng.pick(fields) : (['x', ''] as [string, string]);
    field[1] = filler(size);
    setFields(draft, fields);
  },
};

function fill(rng: Random, length: number): string {
  const unit = rng.pick(['a', '%41', '%E2%82%AC', 'ab+', '%00']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}
