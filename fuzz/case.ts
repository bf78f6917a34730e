import type { Credentials, Visitor } from './credentials';
import { caseSeed, Random } from './random';
import { Draft, serialise } from './request';
import { Route, ROUTES } from './routes';

/** What the generators may use: the prepared browsers and the app's address and secret. */
export interface FuzzContext {
  credentials: Credentials;
  /** The Host a browser would send: `127.0.0.1:PORT`. */
  host: string;
  /** The app's SESSION_SECRET: the fuzzer signs cookies with odd values, as only the app could. */
  secret: string;
}

/** One or more requests sent together over one connection, before they are written. */
export interface FuzzCase {
  /** The requests in order (more than one: pipelined). */
  requests: Draft[];
  /**
   * Bytes written instead of the requests', for what no draft can express, with the method of
   * each request in them (the answers to wait for).
   */
  raw?: { bytes: string; methods: string[] };
  /** Unfinished on purpose: the server may wait for the rest (see send.ts). */
  incomplete: boolean;
}

/** One kind of malformation: changes a case in place. */
export interface Generator {
  name: string;
  /**
   * It writes the framing of the body as the body is then (a Content-Length, chunks): it is
   * applied after the other generator of its case, which may change the body.
   */
  framesBody?: boolean;
  apply(fuzzCase: FuzzCase, rng: Random, context: FuzzContext): void;
}

/** A case ready to send. */
export interface Built {
  index: number;
  /** The generators applied, in order (`none`: a well-formed request). */
  generators: string[];
  route: Route;
  mix: string;
  bytes: string;
  methods: string[];
  incomplete: boolean;
}

/**
 * Case `index` of a run: a route, a sender and token (the mix), and one malformation, sometimes
 * two, sometimes none (8%: well-formed requests, which reach the routes' own handling). Made
 * from its own seed, so it is the same case whenever it is made again.
 */
export function makeCase(
  index: number,
  runSeed: number,
  context: FuzzContext,
  generators: Generator[],
): Built {
  const rng = new Random(caseSeed(runSeed, index));
  const fuzzCase: FuzzCase = { requests: [baseRequest(rng, context)], incomplete: false };
  const applied: Generator[] = [];
  if (!rng.chance(0.08)) {
    applied.push(rng.pick(generators));
    if (rng.chance(0.2)) {
      applied.push(rng.pick(generators));
    }
  }
  applied.sort((a, b) => Number(a.framesBody ?? false) - Number(b.framesBody ?? false));
  for (const generator of applied) {
    generator.apply(fuzzCase, rng, context);
  }
  const [first] = fuzzCase.requests;
  return {
    index,
    generators: applied.length > 0 ? applied.map((generator) => generator.name) : ['none'],
    route: first.route,
    mix: first.mix,
    bytes: fuzzCase.raw?.bytes ?? fuzzCase.requests.map(serialise).join(''),
    methods: fuzzCase.raw?.methods ?? fuzzCase.requests.map((draft) => draft.method),
    incomplete: fuzzCase.incomplete,
  };
}

/** What a case is, in one line: its generators, its route and its mix. */
export const describeCase = ({ generators, route, mix }: Built): string =>
  `${generators.join(' + ')} on ${route.method} ${route.path}; ${mix}`;

/**
 * A well-formed request to a route (random unless given), as a browser would send it, with one of
 * the mixes of session and form token below.
 */
export function baseRequest(rng: Random, context: FuzzContext, route = rng.pick(ROUTES)): Draft {
  const { credentials } = context;
  const fields = { rng, account: credentials.account };
  const query = route.query ? `?${new URLSearchParams(route.query(fields)).toString()}` : '';
  const draft: Draft = {
    route,
    mix: '',
    method: route.method,
    target: `${route.path}${query}`,
    version: 'HTTP/1.1',
    headers: [
      ['Host', context.host],
      ['User-Agent', 'nest-auth-fuzz'],
      ['Accept', 'text/html'],
      ['Connection', 'close'],
    ],
    cookies: [],
    framing: 'length',
    lineEnd: '\r\n',
  };
  if (route.form) {
    draft.headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    if (rng.chance(0.5)) {
      draft.headers.push(['Origin', `http://${context.host}`], ['Sec-Fetch-Site', 'same-origin']);
    }
    draft.form = Object.entries(route.form(fields)).map(([name, value]) => [
      encodeURIComponent(name),
      encodeURIComponent(value),
    ]);
  }

  const mix = pickWeighted(rng, MIXES);
  const { visitor, token } = mix.choose(rng, credentials, route);
  draft.mix = mix.name;
  // Copies: generators change the pairs in place, and the visitors serve every case.
  draft.cookies = visitor ? visitor.cookies.map(([name, value]) => [name, value]) : [];
  if (token !== undefined && draft.form) {
    // Where a browser puts it (first), or anywhere among the fields.
    const at = rng.chance(0.7) ? 0 : rng.int(draft.form.length + 1);
    draft.form.splice(at, 0, ['_csrf', token]);
  }
  return draft;
}

interface Mix {
  name: string;
  /** How often it is chosen, against the others' weights. */
  weight: number;
  /** The browser whose cookies are sent (none: no cookie) and the form token sent. */
  choose(
    rng: Random,
    credentials: Credentials,
    route: Route,
  ): { visitor?: Visitor; token?: string };
}

/** A token of the right shape (hex HMAC, a dot, hex random value) that nothing signed. */
const forgedToken = (rng: Random) =>
  `${rng.string(64, '0123456789abcdef')}.${rng.string(64, '0123456789abcdef')}`;

const cookieOf = (visitor: Visitor, name: string) =>
  visitor.cookies.find(([key]) => key === name)?.[1];

/** The same browser with its cookie `name` replaced, or dropped when `value` is undefined. */
const withCookie = (visitor: Visitor, name: string, value: string | undefined): Visitor => ({
  ...visitor,
  cookies: visitor.cookies
    .filter(([key]) => key !== name)
    .concat(value === undefined ? [] : [[name, value]]),
});

const isLogout = (route: Route) => route.method === 'POST' && route.path === '/logout';

function pickWeighted<T extends { weight: number }>(rng: Random, items: T[]): T {
  let left = rng.next() * items.reduce((sum, item) => sum + item.weight, 0);
  return items.find((item) => (left -= item.weight) < 0) ?? items[items.length - 1];
}

/**
 * Who sends the request and with which token. The valid pairs weigh more, so that about a third
 * of the requests carry a token the app accepts and reach the routes' own handling.
 */
const MIXES: Mix[] = [
  {
    name: 'signed-out/valid',
    weight: 4,
    choose: (_rng, { signedOut }) => ({ visitor: signedOut[0], token: signedOut[0].token }),
  },
  {
    name: 'signed-out/missing token',
    weight: 1,
    choose: (_rng, { signedOut }) => ({ visitor: signedOut[0] }),
  },
  {
    name: 'signed-out/forged token',
    weight: 1,
    choose: (rng, { signedOut }) => ({ visitor: signedOut[0], token: forgedToken(rng) }),
  },
  {
    name: 'signed-out/token of another browser',
    weight: 1,
    choose: (_rng, { signedOut }) => ({ visitor: signedOut[0], token: signedOut[1].token }),
  },
  {
    name: 'signed-out/no cookies',
    weight: 1,
    choose: (_rng, { signedOut }) => ({ token: signedOut[0].token }),
  },
  {
    name: 'signed-out/token cookie tampered',
    weight: 1,
    choose: (rng, { signedOut }) => ({
      visitor: withCookie(signedOut[0], 'csrf', forgedToken(rng)),
      token: signedOut[0].token,
    }),
  },
  {
    name: 'signed-in/valid',
    weight: 2,
    // A valid POST /logout rightly signs out: only the disposable sessions are ever sent to it.
    choose: (rng, { kept, disposable }, route) => {
      const visitor = isLogout(route) ? rng.pick(disposable) : kept;
      return { visitor, token: visitor.token };
    },
  },
  {
    name: 'signed-in/missing token',
    weight: 1,
    choose: (_rng, { kept }) => ({ visitor: kept }),
  },
  {
    name: 'signed-in/forged token',
    weight: 1,
    choose: (rng, { kept }) => ({ visitor: kept, token: forgedToken(rng) }),
  },
  {
    name: 'signed-in/token of another session',
    weight: 1,
    choose: (rng, { kept, disposable }) => ({ visitor: kept, token: rng.pick(disposable).token }),
  },
  {
    name: 'signed-in/signed-out token and cookie',
    weight: 1,
    choose: (_rng, { kept, signedOut }) => ({
      visitor: withCookie(kept, 'csrf', cookieOf(signedOut[0], 'csrf')),
      token: signedOut[0].token,
    }),
  },
  {
    name: 'signed-in/no token cookie',
    weight: 1,
    choose: (_rng, { kept }) => ({
      visitor: withCookie(kept, 'csrf', undefined),
      token: kept.token,
    }),
  },
  {
    name: 'signed-in/token and token cookie of another session',
    weight: 1,
    // A disposable session's cookie with the kept session's token and token cookie.
    choose: (rng, { kept, disposable }) => ({
      visitor: withCookie(kept, 'sid', cookieOf(rng.pick(disposable), 'sid')),
      token: kept.token,
    }),
  },
];
