import { deflateSync, gzipSync } from 'node:zlib';
import type { Generator } from '../case';
import { bodyOf, Draft, removeHeader, setHeader } from '../request';
import { first } from './place';

/** Bodies that are not an ordinary HTML form: other content types, JSON, multipart, encodings. */

export const wrongContentType: Generator = {
  name: 'wrong content type',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    if (!draft.form && rng.chance(0.5)) {
      // A GET with a body: its content type must not matter.
      draft.form = [['email', 'a%40b.c']];
    }
    const type = rng.pick([
      undefined,
      '',
      'text/plain',
      'application/xml',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded; charset=utf-16',
      'application/x-www-form-urlencoded; charset=latin1',
      'application/x-www-form-urlencoded; charset="utf-8"',
      'APPLICATION/X-WWW-FORM-URLENCODED',
      'application/x-www-form-urlencoded;;;',
      'application/x-www-form-urlencoded, text/plain',
      'application/x-www-form-urlencodedx',
      '*/*',
      'x/\xff\x00',
      '\x7f',
    ]);
    removeHeader(draft, 'Content-Type');
    if (type !== undefined) {
      draft.headers.push(['Content-Type', type]);
    }
    if (rng.chance(0.2)) {
      // Two Content-Type headers.
      draft.headers.push(['Content-Type', rng.pick(['text/plain', 'application/json'])]);
    }
    if (type === 'application/xml' && rng.chance(0.5)) {
      draft.body = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`;
    }
  },
};

export const jsonBody: Generator = {
  name: 'JSON body',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const fields = Object.fromEntries(
      (draft.form ?? []).map(([name, value]) => [safeDecode(name), safeDecode(value)]),
    );
    const body = rng.pick([
      () => JSON.stringify(fields),
      () => JSON.stringify({ ...fields, email: ['a@b.c', 'd@e.f'] }),
      () => JSON.stringify({ ...fields, email: { $ne: null }, password: { $gt: '' } }),
      () => JSON.stringify({ ...fields, password: 12345, next: null, remember: true }),
      () => `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}`,
      () => JSON.stringify([fields]),
      () => '"just a string"',
      () => '{"email": "a@b.c",',
      () => '{"a":'.repeat(500),
      () => '\xef\xbb\xbf{"email":"a@b.c"}',
      () => 'null',
    ])();
    draft.body = body;
    setHeader(
      draft,
      'Content-Type',
      rng.pick([
        'application/json',
        'application/json; charset=utf-8',
        'text/json',
        'application/x-www-form-urlencoded',
      ]),
    );
  },
};

export const multipartBody: Generator = {
  name: 'multipart body',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const boundary = rng.pick(['xyz', '----fuzz0123', '', 'a'.repeat(200), '"quoted"']);
    const parts = (draft.form ?? [['email', 'a%40b.c']]).map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${safeDecode(name)}"\r\n\r\n${safeDecode(value)}\r\n`,
    );
    if (rng.chance(0.3)) {
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../x.sh"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n#!/bin/sh\x00\xff\r\n`,
      );
    }
    const end = rng.pick([`--${boundary}--\r\n`, '', `--${boundary}`, '--']);
    draft.body = parts.join('') + end;
    setHeader(
      draft,
      'Content-Type',
      rng.pick([
        `multipart/form-data; boundary=${boundary}`,
        'multipart/form-data',
        `multipart/mixed; boundary=${boundary}`,
        `multipart/form-data; boundary=other`,
      ]),
    );
  },
};

/** Content-Encoding: a real gzip or deflate form, a zip bomb, a lie, an unknown coding. */
export const contentEncoding: Generator = {
  name: 'content encoding',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const body = bodyOf(draft);
    const raw = (bytes: Buffer) => bytes.toString('latin1');
    const [coding, encoded] = rng.pick<[string, () => string]>([
      ['gzip', () => raw(gzipSync(Buffer.from(body, 'latin1')))],
      ['deflate', () => raw(deflateSync(Buffer.from(body, 'latin1')))],
      // 10 MB of `a` in a few KB: the parser must stop at its limit.
      ['gzip', () => raw(gzipSync(Buffer.alloc(10_000_000, 'a')))],
      ['gzip', () => body],
      ['gzip', () => raw(gzipSync(Buffer.from(body, 'latin1'))).slice(0, 10)],
      ['br', () => body],
      ['x-unknown', () => body],
      ['gzip, gzip', () => raw(gzipSync(gzipSync(Buffer.from(body, 'latin1'))))],
      ['identity', () => body],
    ]);
    draft.body = encoded();
    setHeader(draft, 'Content-Encoding', coding);
    ensureFormType(draft);
  },
};

/** Keeps a POST's form content type, for a body that is meant to reach the form parser. */
function ensureFormType(draft: Draft): void {
  if (!draft.headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    draft.headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
