import type { Route } from './routes';

/**
 * One HTTP request as the fuzzer will write it. Every string is raw bytes, one character a byte
 * (latin1): nothing is escaped or checked on the way to the socket, so a generator can put a NUL,
 * a lone CR or a 0xff byte anywhere.
 */
export interface Draft {
  route: Route;
  /** Who sends it and with which form token, such as `signed-in/valid` (see credentials.ts). */
  mix: string;
  method: string;
  /** The request target: a path and query string, `*`, an absolute URL... */
  target: string;
  version: string;
  /** In order; a name may come twice. The Cookie header is made from `cookies`. */
  headers: [string, string][];
  /** Sent as one Cookie header (`a=1; b=2`) when there is any. */
  cookies: [string, string][];
  /** The body as form fields, each name and value already percent-encoded. */
  form?: [string, string][];
  /** The body as given, when it is not a form (JSON, multipart...); wins over `form`. */
  body?: string;
  /**
   * How the body is delimited: `length` adds a Content-Length (to every POST, and to any other
   * request with a body), `chunked` sends it in chunks with Transfer-Encoding, `none` adds
   * neither (the generator wrote its own headers).
   */
  framing: 'length' | 'chunked' | 'none';
  /** Between the lines of the head; `\r\n` unless a generator says otherwise. */
  lineEnd: string;
}

/** The body of a draft, as it will be sent (before chunking). */
export function bodyOf(draft: Draft): string {
  if (draft.body !== undefined) {
    return draft.body;
  }
  return (draft.form ?? []).map(([name, value]) => `${name}=${value}`).join('&');
}

/** The bytes of a draft, as a latin1 string. */
export function serialise(draft: Draft): string {
  const body = bodyOf(draft);
  const headers = [...draft.headers];
  if (draft.cookies.length > 0) {
    headers.push(['Cookie', draft.cookies.map(([name, value]) => `${name}=${value}`).join('; ')]);
  }
  let payload = body;
  if (draft.framing === 'length' && (body.length > 0 || draft.method === 'POST')) {
    headers.push(['Content-Length', String(body.length)]);
  } else if (draft.framing === 'chunked') {
    headers.push(['Transfer-Encoding', 'chunked']);
    payload = chunked(body);
  }
  const end = draft.lineEnd;
  const head = [`${draft.method} ${draft.target} ${draft.version}`]
    .concat(headers.map(([name, value]) => `${name}: ${value}`))
    .join(end);
  return `${head}${end}${end}${payload}`;
}

/** A body in chunks of up to 1,000 bytes, with the last, empty chunk. */
function chunked(body: string): string {
  let out = '';
  for (let offset = 0; offset < body.length; offset += 1000) {
    const chunk = body.slice(offset, offset + 1000);
    out += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  }
  return `${out}0\r\n\r\n`;
}

/** Sets header `name` (any casing), replacing every header of that name. */
export function setHeader(draft: Draft, name: string, value: string): void {
  removeHeader(draft, name);
  draft.headers.push([name, value]);
}

export function removeHeader(draft: Draft, name: string): void {
  draft.headers = draft.headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
}

/**
 * Request bytes as readable text for a report: `\r`, `\n` (followed by a line break), `\t`,
 * and other control or non-ASCII bytes as `\xNN`; cut after `max` bytes.
 */
export function printable(bytes: string, max = 600): string {
  const shown = bytes.length > max ? bytes.slice(0, max) : bytes;
  const text = shown.replace(/[^\x20-\x7e]/g, (c) => {
    switch (c) {
      case '\r':
        return '\\r';
      case '\n':
        return '\\n\n';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return bytes.length > max ? `${text}... (${bytes.length} bytes in all)` : text;
}
