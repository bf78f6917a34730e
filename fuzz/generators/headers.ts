import type { Generator } from '../case';
import { setHeader } from '../request';
import { first } from './place';

/** Header sizes, counts and the values the app reads: Origin, Sec-Fetch-Site, Referer... */

/** Node refuses a head over 16 KB with 431 (or closes the connection). */
export const hugeHeaders: Generator = {
  name: 'huge headers',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const size = rng.pick([8000, 15_000, 20_000, 40_000, 80_000]);
    const name = rng.pick([
      'Cookie',
      'User-Agent',
      'Referer',
      'X-Big',
      'Accept-Language',
      'Origin',
    ]);
    if (name === 'Cookie') {
      draft.cookies.push(['big', 'c'.repeat(size)]);
    } else {
      setHeader(draft, name, `${name === 'Referer' ? 'http://x/' : ''}${'h'.repeat(size)}`);
    }
  },
};

export const manyHeaders: Generator = {
  name: 'many headers',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const count = rng.pick([100, 1999, 2001, 3000]);
    const sameName = rng.chance(0.5);
    for (let i = 0; i < count; i++) {
      draft.headers.push([sameName ? 'X-Same' : `X-H${i}`, String(i)]);
    }
  },
};

/** Values of the headers the app reads, odd or hostile. */
export const oddHeaderValues: Generator = {
  name: 'odd header values',
  apply: (fuzzCase, rng, { host }) => {
    const draft = first(fuzzCase);
    const [name, value] = rng.pick<[string, string]>([
      ['Origin', 'null'],
      ['Origin', 'http://evil.example'],
      ['Origin', `http://${host}`],
      ['Origin', `https://${host}`],
      ['Origin', ''],
      ['Origin', `http://${host}, http://evil.example`],
      ['Sec-Fetch-Site', 'cross-site'],
      ['Sec-Fetch-Site', 'same-site'],
      ['Sec-Fetch-Site', 'none'],
      ['Sec-Fetch-Site', '\xff'],
      ['Referer', `http://${host}/login?next=//evil.example`],
      ['Referer', `http://${host}/%zz`],
      ['Referer', 'http://evil.example/'],
      ['Referer', 'javascript:alert(1)'],
      ['Referer', '::::'],
      ['Referer', `http://${host}${'/a'.repeat(3000)}`],
      ['X-Forwarded-For', '1.2.3.4, 5.6.7.8'],
      ['X-Forwarded-For', 'not-an-ip'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'evil.example'],
      ['Forwarded', 'for=1.2.3.4;proto=https'],
      ['Range', 'bytes=0-0'],
      ['Range', 'bytes=-1'],
      ['Range', 'bytes=5-1'],
      ['Range', 'bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,11-11'],
      ['Range', 'bytes=99999999999999999999-'],
      ['Range', 'lines=1-2'],
      ['If-None-Match', '*'],
      ['If-None-Match', '"x", W/"y", garbage'],
      ['If-Modified-Since', 'Thu, 01 Jan 1970 00:00:00 GMT'],
      ['If-Modified-Since', 'not a date'],
      ['If-Range', '"nope"'],
      ['Accept', '*/*;q=abc'],
      ['Accept', 'application/json'],
      ['Accept-Encoding', 'gzip;q=0, *;q=0'],
      ['Accept-Language', 'xx-XX;q=2, *;q=-1'],
      ['Authorization', 'Basic %%%'],
      ['Content-Language', '\x7f'],
      ['X-Request-Id', 'fuzz\r\n'],
      ['X-Request-Id', 'chosen-by-the-client'],
      ['Upgrade', 'websocket'],
      ['Upgrade', 'h2c'],
      ['TE', 'trailers, deflate'],
      ['Max-Forwards', '0'],
    ]);
    setHeader(draft, name, value);
    if (name === 'Upgrade') {
      // Node's server reads nothing more on a connection after an upgrade request: the rest
      // belongs to the new protocol, and without an upgrade handler it is dropped. So the
      // request also closes the connection, or requests pipelined after it would wait forever.
      setHeader(draft, 'Connection', 'Upgrade, close');
    }
  },
};
