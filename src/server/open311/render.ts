import type { FastifyReply } from 'fastify';

/**
 * GeoReport v2 output. XML is schemaless, without a namespace, preceded by the XML declaration
 * with encoding="utf-8"; JSON follows the Spark convention: a container of repeated children is
 * always an array (even of one), and a list resource's JSON is the bare array.
 */
export type Format = 'xml' | 'json';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
export const CONTENT_TYPE: Record<Format, string> = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' };

/** Container element → the name of each child (the XML side of a JSON array). */
const ITEM_TAG: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  service_requests: 'request',
  errors: 'error',
  service_requests_updates: 'request_update',
};

export type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

function xmlElement(tag: string, v: Value, out: string[]): void {
  if (v === null || v === undefined || v === '') {
    out.push(`<${tag}></${tag}>`);
    return;
  }
  if (Array.isArray(v)) {
    const item = ITEM_TAG[tag];
    if (!item) throw new Error(`no item tag for list ${tag}`);
    out.push(`<${tag}>`);
    for (const x of v) xmlElement(item, x, out);
    out.push(`</${tag}>`);
    return;
  }
  if (typeof v === 'object') {
    out.push(`<${tag}>`);
    for (const [k, x] of Object.entries(v)) xmlElement(k, x, out);
    out.push(`</${tag}>`);
    return;
  }
  out.push(`<${tag}>${escapeXml(String(v))}</${tag}>`);
}

export function toXml(rootTag: string, v: Value): string {
  const out: string[] = [XML_DECLARATION];
  xmlElement(rootTag, v, out);
  return out.join('');
}

/** Empty strings become null in JSON, as the spec's examples show for empty elements. */
function jsonValue(v: Value): Value {
  if (v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}

export function render(format: Format, rootTag: string, v: Value): string {
  return format === 'xml' ? toXml(rootTag, v) : JSON.stringify(jsonValue(v));
}

/** One item of a list resource as render() writes it inside the list (its XML element or its JSON value). */
export function renderItem(format: Format, rootTag: string, v: Value): string {
  if (format === 'json') return JSON.stringify(jsonValue(v));
  const out: string[] = [];
  xmlElement(ITEM_TAG[rootTag]!, v, out);
  return out.join('');
}

const COMMA = Buffer.from(',');

/** A list resource from items rendered by renderItem, as UTF-8: the same bytes render() gives for the list. */
export function renderList(format: Format, rootTag: string, items: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  if (format === 'json') {
    parts.push(Buffer.from('['));
    items.forEach((b, i) => {
      if (i) parts.push(COMMA);
      parts.push(b);
    });
    parts.push(Buffer.from(']'));
  } else {
    parts.push(Buffer.from(`${XML_DECLARATION}<${rootTag}>`), ...items, Buffer.from(`</${rootTag}>`));
  }
  return Buffer.concat(parts);
}

export function send(reply: FastifyReply, format: Format, rootTag: string, v: Value, status = 200) {
  return reply.status(status).header('content-type', CONTENT_TYPE[format]).send(render(format, rootTag, v));
}

/** The format a URL asks for: its .xml / .json suffix; XML (the mandatory format) otherwise. */
export function formatOf(url: string): Format {
  const path = url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

/**
 * "name.fmt" → [name, fmt]; a name without a known format suffix is null. The router has already
 * percent-decoded the path parameter: decoding again would turn a name holding `%` (sent as %25)
 * into a URIError, or into a different name.
 */
export function splitFormat(file: string): [string, Format] | null {
  const i = file.lastIndexOf('.');
  if (i <= 0) return null;
  const f = file.slice(i + 1);
  if (f !== 'xml' && f !== 'json') return null;
  return [file.slice(0, i), f];
}

export function sendRaw(reply: FastifyReply, format: Format, body: string | Buffer, status = 200) {
  return reply.status(status).header('content-type', CONTENT_TYPE[format]).send(body);
}
