import type { Generator } from '../case';
import { first, splitTarget } from './place';

/** Request targets and methods: never another route than the case's own (see routes.ts). */

export const oddTargets: Generator = {
  name: 'odd request targets',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const [path, query] = splitTarget(draft.target);
    const bare = path.slice(1);
    draft.target = rng.pick([
      () => '*',
      () => '',
      () => bare,
      () => `http://evil.example${path}${query}`,
      () => `https://127.0.0.1:1${path}${query}`,
      () => `http://user:pass@127.0.0.1${path}`,
      () => `HTTP://127.0.0.1${path}`,
      () => `http:${path}`,
      () => `//${bare}${query}`,
      () => `///${bare}`,
      () => `/../${bare}`,
      () => `/../../../../etc/passwd/../..${path}`,
      () => `/%2e%2e/${bare}`,
      () => `/%2E%2E%2F${bare}`,
      () => `/./${bare}`,
      () => `${path}/`,
      () => `${path}//`,
      () => path.toUpperCase(),
      () => `${path};jsessionid=1`,
      () => `${path}#fragment`,
      () => `${path}%00`,
      () => `%2F${bare}`,
      () => `\\${bare}`,
      () => `${path}\\..\\`,
      () => `${path}/..%2F..%2Fpackage.json`,
      () => `${path}?${'a'.repeat(rng.pick([1000, 8000, 20_000]))}`,
      () => `${path}?${Array.from({ length: 3000 }, (_, i) => `p${i}=${i}`).join('&')}`,
      () => `${path}?next=${'%2F'.repeat(2000)}`,
      () => `${path}??&&==;`,
      () => `/${'a/'.repeat(rng.pick([100, 2000]))}${bare}`,
      () => `127.0.0.1:80`,
    ])();
  },
};

export const oddMethods: Generator = {
  name: 'odd methods',
  apply: (fuzzCase, rng) => {
    first(fuzzCase).method = rng.pick([
      'HEAD',
      'HEAD',
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'PROPFIND',
      'PURGE',
      'QUERY',
      'M-SEARCH',
      'FUZZ',
      'get',
      'Post',
      'GET\x00',
      'G\xffT',
      'POST '.repeat(3).trim(),
      'A'.repeat(200),
      '',
    ]);
  },
};
