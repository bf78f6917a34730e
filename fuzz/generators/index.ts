import type { Generator } from '../case';
import { contentEncoding, jsonBody, multipartBody, wrongContentType } from './bodies';
import { badCookies, cookieSyntax, signedCookies } from './cookies';
import {
  arrayFields,
  brokenPercentEncoding,
  controlBytes,
  fieldSyntax,
  hugeFields,
  invalidUtf8,
  manyFields,
  missingFields,
  objectFields,
  prototypeKeys,
  repeatedFields,
} from './fields';
import {
  badChunked,
  badContentLength,
  expectHeader,
  hostHeader,
  httpVersions,
  lengthAndChunked,
  lineEndings,
  pipelined,
  truncatedHead,
} from './framing';
import { hugeHeaders, manyHeaders, oddHeaderValues } from './headers';
import { oddMethods, oddTargets } from './targets';

/** Every kind of malformation; each case applies one of them (sometimes two, sometimes none). */
export const GENERATORS: Generator[] = [
  brokenPercentEncoding,
  invalidUtf8,
  controlBytes,
  repeatedFields,
  arrayFields,
  objectFields,
  prototypeKeys,
  manyFields,
  fieldSyntax,
  missingFields,
  hugeFields,
  wrongContentType,
  jsonBody,
  multipartBody,
  contentEncoding,
  badChunked,
  lengthAndChunked,
  badContentLength,
  truncatedHead,
  pipelined,
  httpVersions,
  hostHeader,
  expectHeader,
  lineEndings,
  oddTargets,
  oddMethods,
  hugeHeaders,
  manyHeaders,
  oddHeaderValues,
  badCookies,
  cookieSyntax,
  signedCookies,
];
