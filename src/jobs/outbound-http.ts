import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DomainError } from '../domain/shared/errors.js';
import { checkOutboundUrl, checkResolvedAddress, type OutboundPolicy } from '../domain/shared/outbound-policy.js';

/** An answer larger than this is cut off and the request counted as failed. */
export const OUTBOUND_MAX_RESPONSE_BYTES = 64 * 1024;
export const OUTBOUND_TIMEOUT_MS = 5000;

export interface OutboundAnswer {
  status: number;
  text: string;
}

export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'too_large',
  ) {
    super(message);
  }
}

/**
 * POSTs a body to a URL the server was configured with, safely: the URL checked by the outbound
 * policy, the host's resolved address checked at connect time — in the socket's own lookup, so
 * the address checked is the address connected to (no DNS-rebinding gap) — redirects not
 * followed (a 3xx is just an answer), one short timeout for the whole exchange, and the answer
 * cut off at OUTBOUND_MAX_RESPONSE_BYTES.
 */
export function postOutbound(
  url: string,
  body: string,
  policy: OutboundPolicy,
  opts: { timeoutMs?: number; maxBytes?: number; contentType?: string; headers?: Record<string, string> } = {},
): Promise<OutboundAnswer> {
  const timeoutMs = opts.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? OUTBOUND_MAX_RESPONSE_BYTES;
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = checkOutboundUrl(url, policy);
    } catch (err) {
      return reject(new OutboundError((err as DomainError).message, 'refused'));
    }
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const list = addresses as dns.LookupAddress[];
        try {
          for (const a of list) checkResolvedAddress(u, a.address, policy);
        } catch (e) {
          return callback(e as Error, '', 0);
        }
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      });
    };
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(
      u,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': opts.contentType ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        lookup,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new OutboundError(`answer larger than ${maxBytes} bytes`, 'too_large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new OutboundError(`timeout after ${timeoutMs} ms`, 'timeout')), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => reject(err instanceof DomainError ? new OutboundError(err.message, 'refused') : err));
    req.end(body);
  });
}
