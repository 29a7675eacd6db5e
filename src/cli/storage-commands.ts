import type { Command } from 'commander';
import pc from 'picocolors';
import type { Config, StorageConfig } from '../config.js';
import { StorageUnavailableError } from '../domain/storage/errors.js';
import { createFileStore } from '../domain/storage/index.js';
import { migrateFiles } from '../domain/storage/migrate.js';
import { openContext } from './context.js';
import { progressBar } from './progress.js';

/**
 * A backend named on the command line: `local` (PHOTO_DIR), `local:<folder>`, `s3` (the S3_*
 * settings) or `s3://<bucket>[/<prefix>]` (the S3_* endpoint and credentials, another bucket).
 */
export function storageFromArg(arg: string, config: Config, env: NodeJS.ProcessEnv = process.env): StorageConfig {
  if (arg === 'local') return { kind: 'local', dir: config.photoDir };
  if (arg.startsWith('local:') && arg.length > 6) return { kind: 'local', dir: arg.slice(6) };
  const s3Base = {
    kind: 's3' as const, endpoint: env.S3_ENDPOINT ?? '', bucket: env.S3_BUCKET ?? '', region: env.S3_REGION || 'us-east-1',
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true', accessKeyId: env.S3_ACCESS_KEY_ID ?? '', secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '', prefix: env.S3_PREFIX ?? '',
  };
  if (arg === 's3') {
    if (!s3Base.bucket) throw new Error('--from/--to s3 needs S3_BUCKET (or name it: s3://bucket/prefix)');
    return s3Base;
  }
  const m = /^s3:\/\/([a-z0-9.-]{3,63})(?:\/([A-Za-z0-9._/-]+?))?\/?$/.exec(arg);
  if (m) return { ...s3Base, bucket: m[1]!, prefix: m[2] ?? '' };
  throw new Error(`not a storage backend: ${arg} (local, local:<folder>, s3, s3://<bucket>[/<prefix>])`);
}

export function registerStorageCommands(program: Command) {
  const storage = program.command('storage').description('Photo and thumbnail file storage');
  storage
    .command('migrate')
    .description('Copy every stored file from one backend to another and verify each SHA-256 (the source is kept)')
    .requiredOption('--from <backend>', 'local | local:<folder> | s3 | s3://<bucket>[/<prefix>]')
    .requiredOption('--to <backend>', 'local | local:<folder> | s3 | s3://<bucket>[/<prefix>]')
    .action(async (opts: { from: string; to: string }) => {
      const ctx = await openContext();
      const from = createFileStore(storageFromArg(opts.from, ctx.config));
      const to = createFileStore(storageFromArg(opts.to, ctx.config));
      try {
        console.log(`Copying files from ${from.description} to ${to.description}`);
        const bar = progressBar('Files');
        let r;
        try {
          r = await migrateFiles(ctx.handle.db, from, to, (d, t) => bar.update(d, t));
        } catch (err) {
          bar.stop();
          if (!(err instanceof StorageUnavailableError)) throw err;
          // The operator needs the store's own words (NoSuchBucket, ECONNREFUSED, ENOSPC); nothing is lost.
          const cause = err.cause as { name?: string; code?: string; message?: string } | undefined;
          console.error(pc.red(`${err.message}: ${cause?.name ?? ''} ${cause?.code ?? ''} ${cause?.message ?? ''}`.trim()));
          console.error('Files copied so far are kept; run the same command again to resume.');
          process.exitCode = 1;
          return;
        }
        bar.stop();
        console.log(`${r.objects} files: ${r.copied} copied, ${r.alreadyThere} already there, ${r.repaired} replaced (wrong bytes in the target), ${r.verified} verified by SHA-256.`);
        if (r.missing.length) console.error(pc.red(`${r.missing.length} missing from the source: ${r.missing.slice(0, 10).join(', ')}${r.missing.length > 10 ? ', …' : ''}`));
        if (r.mismatched.length) console.error(pc.red(`${r.mismatched.length} do not match their hash: ${r.mismatched.slice(0, 10).join(', ')}${r.mismatched.length > 10 ? ', …' : ''}`));
        if (r.missing.length || r.mismatched.length) process.exitCode = 1;
        else console.log(pc.green('Every file is in the target and verified; switch STORAGE_BACKEND when ready.'));
      } finally {
        await from.close();
        await to.close();
        await ctx.handle.destroy();
      }
    });
}
