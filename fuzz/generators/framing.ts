import { baseRequest, Generator } from '../case';
import { bodyOf, Draft, removeHeader, serialise, setHeader } from '../request';
import { first } from './place';

/**
 * How requests are delimited: chunked bodies, Content-Length, several requests on one
 * connection, unfinished requests, HTTP versions, Host, Expect, line endings.
 */

/** A body without the framing of `serialise`, for the generator to write its own. */
function unframed(draft: Draft): string {
  const body = bodyOf(draft);
  draft.framing = 'none';
  removeHeader(draft, 'Content-Length');
  removeHeader(draft, 'Transfer-Encoding');
  return body;
}

export const badChunked: Generator = {
  name: 'bad chunked body',
  framesBody: true,
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const body = unframed(draft);
    const size = body.length.toString(16);
    const [transferEncoding, chunks, incomplete] = rng.pick<[string, string, boolean]>([
      ['chunked', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `zz\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `-${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `0x${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `${size} \r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `${size};ext=1;q="x"\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `${size};${'e'.repeat(20_000)}\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `${size}\n${body}\n0\n\n`, false],
      ['chunked', `${size}\r\n${body}0\r\n\r\n`, false],
      ['chunked', `${size}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`, false],
      ['chunked', `ffffffffffffffffff\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked', `${size}\r\n${body}\r\n`, true], // no last chunk
      ['chunked', `${(body.length + 100).toString(16)}\r\n${body}`, true], // a short chunk
      ['chunked', `${size}\r\n${body}\r\n0\r\n`, true], // no end of trailers
      ['chunked, gzip', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['gzip, chunked', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['xchunked', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['chunked\x00', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['Chunked', `${size}\r\n${body}\r\n0\r\n\r\n`, false],
      ['identity', body, false],
    ]);
    draft.headers.push(['Transfer-Encoding', transferEncoding]);
    if (rng.chance(0.15)) {
      draft.headers.push(['Transfer-Encoding', 'chunked']);
    }
    draft.body = chunks;
    fuzzCase.incomplete ||= incomplete;
  },
};

/** Content-Length and Transfer-Encoding together: the smuggling classic. */
export const lengthAndChunked: Generator = {
  name: 'Content-Length and chunked',
  framesBody: true,
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const body = unframed(draft);
    const chunks = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    draft.headers.push(
      ['Content-Length', String(rng.pick([chunks.length, body.length, 0, 5]))],
      ['Transfer-Encoding', 'chunked'],
    );
    draft.body = chunks + rng.pick(['', 'GET /login HTTP/1.1\r\nHost: x\r\n\r\n']);
  },
};

export const badContentLength: Generator = {
  name: 'bad Content-Length',
  framesBody: true,
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const body = unframed(draft);
    const length = body.length;
    const [values, incomplete] = rng.pick<[string[], boolean]>([
      [['-1'], false],
      [['abc'], false],
      [['1e3'], false],
      [['+5'], false],
      [[` ${length} `], false],
      [['0x10'], false],
      [['99999999999999999999'], false],
      [['9007199254740993'], true],
      [[`${length}, ${length}`], false],
      [[String(length), String(length)], false],
      [[String(length), String(length + 1)], false],
      [[''], false],
      [[String(Math.max(0, length - 5))], false], // the rest reads as a second request
      [[String(length + 10)], true], // a body shorter than announced
      [['100000'], true],
    ]);
    for (const value of values) {
      draft.headers.push(['Content-Length', value]);
    }
    draft.body = body;
    fuzzCase.incomplete ||= incomplete;
  },
};

/** A head that stops before its end: the server waits for the rest, and the fuzzer gives up. */
export const truncatedHead: Generator = {
  name: 'truncated head',
  framesBody: true,
  apply: (fuzzCase, rng) => {
    const bytes = serialise(first(fuzzCase));
    const headEnd = bytes.indexOf('\r\n\r\n');
    const cut = rng.between(1, headEnd === -1 ? bytes.length - 1 : headEnd + 1);
    fuzzCase.raw = { bytes: bytes.slice(0, cut), methods: [first(fuzzCase).method] };
    fuzzCase.incomplete = true;
  },
};

/** Two to four requests on one connection, written at once; garbage between them, sometimes. */
export const pipelined: Generator = {
  name: 'pipelined requests',
  apply: (fuzzCase, rng, context) => {
    const more = rng.between(1, 3);
    for (let i = 0; i < more; i++) {
      fuzzCase.requests.push(baseRequest(rng, context));
    }
    fuzzCase.requests.forEach((draft, index) => {
      const last = index === fuzzCase.requests.length - 1;
      setHeader(draft, 'Connection', last ? 'close' : 'keep-alive');
    });
    const garbage = rng.chance(0.2) ? rng.pick(['\r\n', 'GARBAGE\r\n\r\n', '\x00\x00']) : '';
    if (fuzzCase.raw) {
      fuzzCase.raw.bytes += fuzzCase.requests.slice(1).map(serialise).join('');
      fuzzCase.raw.methods.push(...fuzzCase.requests.slice(1).map((draft) => draft.method));
    } else if (garbage !== '') {
      const [head, ...rest] = fuzzCase.requests;
      fuzzCase.raw = {
        bytes: serialise(head) + garbage + rest.map(serialise).join(''),
        methods: fuzzCase.requests.map((draft) => draft.method),
      };
    }
  },
};

export const httpVersions: Generator = {
  name: 'HTTP versions',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const version = rng.pick([
      'HTTP/1.0',
      'HTTP/1.0',
      'HTTP/0.9',
      'HTTP/1.2',
      'HTTP/2.0',
      'HTTP/9.9',
      'http/1.1',
      'HTTP/1.1 ',
      'HTTP/1.10',
      'HTTP/',
      'HTCPCP/1.0',
      '',
    ]);
    draft.version = version;
    if (version === 'HTTP/1.0' && rng.chance(0.5)) {
      removeHeader(draft, 'Host');
      removeHeader(draft, 'Connection');
    }
    if (version === '' && rng.chance(0.5)) {
      // The HTTP/0.9 request: a line and nothing else.
      fuzzCase.raw = { bytes: `${draft.method} ${draft.target}\r\n`, methods: [draft.method] };
      fuzzCase.incomplete = true;
    }
  },
};

export const hostHeader: Generator = {
  name: 'Host header',
  apply: (fuzzCase, rng, { host }) => {
    const draft = first(fuzzCase);
    const way = rng.pick(['missing', 'twice', 'odd']);
    removeHeader(draft, 'Host');
    if (way === 'twice') {
      draft.headers.unshift(['Host', host], ['Host', rng.pick([host, 'evil.example'])]);
    } else if (way === 'odd') {
      draft.headers.unshift([
        'Host',
        rng.pick([
          '',
          'evil.example',
          'user:pass@127.0.0.1',
          '127.0.0.1:99999',
          '[::1]:1',
          '[::1',
          'a'.repeat(5000),
          '127.0.0.1/login',
          '127.0.0.1:80:80',
          '\xff\xfe',
          '.',
          '*',
        ]),
      ]);
    }
  },
};

export const expectHeader: Generator = {
  name: 'Expect header',
  apply: (fuzzCase, rng) => {
    setHeader(first(fuzzCase), 'Expect', rng.pick(['100-continue', '100-Continue', 'x', '']));
  },
};

/** Bare LF or CR line ends, folded headers, whitespace before the colon, blank lines first. */
export const lineEndings: Generator = {
  name: 'odd line endings and header syntax',
  apply: (fuzzCase, rng) => {
    const draft = first(fuzzCase);
    const way = rng.pick(['lf', 'cr', 'fold', 'space before colon', 'no colon', 'blank lines']);
    if (way === 'lf') {
      draft.lineEnd = '\n';
    } else if (way === 'cr') {
      draft.lineEnd = '\r';
    } else if (way === 'fold') {
      draft.headers.push(['X-Folded', 'a\r\n b'], ['User-Agent', 'fuzz\r\n\tcontinued']);
    } else if (way === 'space before colon') {
      draft.headers.push(['Content-Length ', '0']);
    } else if (way === 'no colon') {
      draft.headers.push(['No-Colon-Here\r\nX', 'y']);
    } else {
      fuzzCase.raw = {
        bytes: rng.pick(['\r\n', '\r\n\r\n', '   ', '\n']) + serialise(draft),
        methods: [draft.method],
      };
    }
  },
};
