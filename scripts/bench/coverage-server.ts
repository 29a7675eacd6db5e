// Child process for `npm run bench:coverage`: serves the API over a bench SQLite file.
import { readConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/index.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';

const [file, port] = process.argv.slice(2);
const config = readConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', DATA_DIR: '/tmp/closeloop-bench' });
const handle = createDatabase(config.database);
const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock: systemClock });
await app.listen({ host: '127.0.0.1', port: Number(port) });
console.log('READY');
process.on('SIGTERM', async () => {
  await app.close();
  await handle.destroy();
  process.exit(0);
});
