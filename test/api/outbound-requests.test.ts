import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedIpv4, isInternalAddress, STRICT_OUTBOUND } from '../../src/domain/shared/outbound-policy.js';
import { OutboundError, postOutbound } from '../../src/jobs/outbound-http.js';
import { postToRobot } from '../../src/jobs/webhook-deliveries.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

const SEED = Number(process.env.FC_SEED ?? 20261204);
const INTERNAL = ['127.0.0.1', '169.254.169.254', '10.0.0.1', '::1', '172.16.5.4', '192.168.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1', '2002:7f00:1::1', '::'];
const PUBLIC = ['1.1.1.1', '8.8.8.8', '180.101.50.242', '2400:3200::1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

/** A local HTTP server answering every request with `reply`; records what reached it. */
async function localServer(reply: (res: http.ServerResponse) => void) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => reply(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { hits, port, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const LOCAL = { allowHosts: ['127.0.0.1'], allowHttp: true };

describe('outbound requests cannot be turned inward', () => {
  it('classifies loopback, link-local, private, multicast and reserved addresses as internal, in IPv4 and IPv6', () => {
    for (const a of INTERNAL) expect(isInternalAddress(a), a).toBe(true);
    for (const a of PUBLIC) expect(isInternalAddress(a), a).toBe(false);
    expect(isInternalAddress('not-an-ip')).toBe(true);
  });

  it('an IPv4 address dressed as IPv6 is judged as the IPv4 address it carries', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
    fc.assert(
      fc.property(v4, (a) => {
        const [p, q, r, s] = a.split('.').map(Number) as [number, number, number, number];
        const hex = `${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
        expect(embeddedIpv4(`::ffff:${hex}`)).toBe(a);
        expect(isInternalAddress(`::ffff:${a}`)).toBe(isInternalAddress(a));
        expect(isInternalAddress(`::ffff:${hex}`)).toBe(isInternalAddress(a));
        expect(isInternalAddress(`64:ff9b::${hex}`)).toBe(isInternalAddress(a));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('refuses 127.0.0.1, 169.254.169.254, 10.0.0.1 and [::1] at send time, before any connection', async () => {
    for (const url of ['https://127.0.0.1/hook', 'https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/hook', 'https://[::1]/hook', 'https://[::ffff:7f00:1]/hook']) {
      await expect(postOutbound(url, '{}', STRICT_OUTBOUND), url).rejects.toMatchObject({ kind: 'refused', message: expect.stringContaining('internal address') });
    }
    // A host name is judged by the address it resolves to, at connect time.
    const local = await localServer((res) => res.end('{"errcode":0}'));
    try {
      await expect(postOutbound(`http://localhost:${local.port}/`, '{}', { allowHosts: [], allowHttp: true })).rejects.toMatchObject({
        kind: 'refused',
        message: expect.stringContaining('resolves to the internal address'),
      });
      // Plain http is refused unless allowed.
      await expect(postOutbound('http://example.com/', '{}', STRICT_OUTBOUND)).rejects.toMatchObject({ kind: 'refused', message: expect.stringContaining('https') });
      expect(local.hits).toEqual([]);
      // An administrator's allow-list (a private 政务微信 deployment) lets the host through.
      expect(await postOutbound(`${local.url}/`, '{}', LOCAL)).toEqual({ status: 200, text: '{"errcode":0}' });
      expect(local.hits).toHaveLength(1);
      expect(await postToRobot(`${local.url}/`, '{}', 1000, STRICT_OUTBOUND)).toMatch(/^refused: /);
      expect(local.hits).toHaveLength(1);
    } finally {
      await local.close();
    }
  });

  it('follows no redirect and cuts off an oversized answer', async () => {
    const target = await localServer((res) => res.end('{"errcode":0}'));
    const redirect = await localServer((res) => res.writeHead(307, { location: `${target.url}/inner` }).end());
    const flood = await localServer((res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      for (let i = 0; i < 64; i++) res.write(chunk);
      res.end();
    });
    try {
      expect(await postOutbound(`${redirect.url}/`, '{}', LOCAL)).toMatchObject({ status: 307 });
      expect(target.hits).toEqual([]);
      const big = postOutbound(`${flood.url}/`, '{}', LOCAL);
      await expect(big).rejects.toBeInstanceOf(OutboundError);
      await expect(big).rejects.toMatchObject({ kind: 'too_large' });
    } finally {
      await Promise.all([target.close(), redirect.close(), flood.close()]);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`webhook URLs an administrator sets [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let hq: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    it('refuses internal addresses and plain http, naming the field; accepts a public https robot', async () => {
      for (const url of ['https://127.0.0.1/cgi-bin/webhook/send?key=k', 'https://169.254.169.254/', 'https://10.0.0.1/', 'https://[::1]/', 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', 'https://user:pw@qyapi.weixin.qq.com/']) {
        const res = await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url } });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error.details.fields[0].field, url).toBe('url');
      }
      const ok = await ctx.app.inject({ method: 'PUT', url: `/api/notifications/webhooks/${hq}`, headers: { cookie: admin }, payload: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh' } });
      expect(ok.statusCode).toBe(200);
    });
  });
}
