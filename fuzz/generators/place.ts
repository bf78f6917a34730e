import type { FuzzCase } from '../case';
import type { Random } from '../random';
import type { Draft } from '../request';

/** Where in a request a generator puts its bytes. */
export type Place = 'path' | 'query' | 'field' | 'field-name' | 'header' | 'cookie';

export const EVERY_PLACE: Place[] = ['path', 'query', 'field', 'field-name', 'header', 'cookie'];

/** The first request of a case: the one most generators change. */
export const first = (fuzzCase: FuzzCase): Draft => fuzzCase.requests[0];

/** A target's path and its query string (with its `?`, or empty). */
export function splitTarget(target: string): [string, string] {
  const at = target.indexOf('?');
  return at === -1 ? [target, ''] : [target.slice(0, at), target.slice(at)];
}

/** Adds `name=value` (both as raw bytes) to the query string. */
export function addQuery(draft: Draft, name: string, value: string): void {
  const [path, query] = splitTarget(draft.target);
  draft.target = `${path}${query === '' ? '?' : `${query}&`}${name}=${value}`;
}

/**
 * The form's fields, or the query string's when the request has no form: where a route reads
 * what a person typed. Change the pairs, then write them back with `setFields`.
 */
export function fieldsOf(draft: Draft): [string, string][] {
  if (draft.form) {
    return draft.form;
  }
  return splitTarget(draft.target)[1]
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string] => {
      const at = pair.indexOf('=');
      return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    });
}

/** Writes back the fields taken with `fieldsOf`. */
export function setFields(draft: Draft, fields: [string, string][]): void {
  if (draft.form) {
    draft.form = fields;
    return;
  }
  const path = splitTarget(draft.target)[0];
  const query = fields.map(([name, value]) => `${name}=${value}`).join('&');
  draft.target = query === '' ? path : `${path}?${query}`;
}

/** A field to change: mostly a real one, sometimes `_csrf`, else a new one. */
function someField(fields: [string, string][], rng: Random): [string, string] {
  const own = fields.filter(([name]) => name !== '_csrf');
  if (own.length > 0 && rng.chance(0.8)) {
    return rng.pick(own);
  }
  if (fields.length > 0 && rng.chance(0.5)) {
    return rng.pick(fields);
  }
  const added: [string, string] = [rng.pick(['next', 'email', 'x']), 'value'];
  fields.push(added);
  return added;
}

/** `value` with `payload` put before it, after it, in its middle, or instead of it. */
function mixIn(rng: Random, value: string, payload: string): string {
  const at = rng.int(value.length + 1);
  return rng.pick([
    value + payload,
    payload + value,
    value.slice(0, at) + payload + value.slice(at),
    payload,
  ]);
}

/** Puts `payload`, raw bytes, somewhere in `place` of the request. */
export function inject(draft: Draft, rng: Random, place: Place, payload: string): void {
  switch (place) {
    case 'path': {
      const [path, query] = splitTarget(draft.target);
      const at = rng.between(1, path.length);
      draft.target = path.slice(0, at) + payload + path.slice(at) + query;
      return;
    }
    case 'query':
      if (rng.chance(0.5) && draft.target.includes('?')) {
        draft.target += payload;
      } else {
        addQuery(draft, rng.pick(['next', 'q', payload]), rng.chance(0.5) ? payload : 'x');
      }
      return;
    case 'field':
    case 'field-name': {
      const fields = fieldsOf(draft);
      const field = someField(fields, rng);
      const index = place === 'field' ? 1 : 0;
      field[index] = mixIn(rng, field[index], payload);
      setFields(draft, fields);
      return;
    }
    case 'header': {
      const name = rng.pick(['User-Agent', 'Referer', 'Accept-Language', 'Origin', 'X-Fuzz']);
      const existing = draft.headers.find(([key]) => key === name);
      if (existing) {
        existing[1] = mixIn(rng, existing[1], payload);
      } else {
        draft.headers.push([name, mixIn(rng, 'value', payload)]);
      }
      return;
    }
    case 'cookie': {
      if (draft.cookies.length === 0 || rng.chance(0.3)) {
        draft.cookies.push([rng.pick(['sid', 'csrf', 'flash', 'x']), 'value']);
      }
      const cookie = rng.pick(draft.cookies);
      const index = rng.chance(0.8) ? 1 : 0;
      cookie[index] = mixIn(rng, cookie[index], payload);
      return;
    }
  }
}

/** Every byte of `text` percent-encoded (`%FF`), as a form or a query string carries it. */
export const percentEncoded = (text: string): string =>
  [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
