import net from 'node:net';

/**
 * `count` consecutive free TCP ports on 127.0.0.1, asked of the OS (a port chosen at random could
 * be one another service of the machine listens on, such as NATS on 4222).
 */
export async function freePorts(count = 1): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(ports.slice(1).map(isFree))).every(Boolean)) return ports;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
