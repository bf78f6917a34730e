import type { Request } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request being served, wherever the code runs on its behalf (a service, the session store),
 * so that an audit event can name the client's IP and the request id without being handed them.
 */
export const requestContext = new AsyncLocalStorage<Request>();

export function currentRequest(): Request | undefined {
  return requestContext.getStore();
}
