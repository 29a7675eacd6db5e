import { type Command, Option } from 'commander';
import { ROLES } from '../db/schema.js';
import { CLI_AUDIT_ACTOR, recordAudit } from '../domain/audit/record-audit.js';
import type { Actor } from '../domain/auth/actor.js';
import { createStaff, getStaff } from '../domain/staff/staff.js';
import { StaffInput } from '../domain/staff/staff-input.js';
import { openContext, type CliContext } from './context.js';

export interface AddUserOptions {
  username: string;
  name: string;
  role: string;
  subdistrict: string;
  committee?: string;
  password?: string;
}

/** StaffInput's fields as the options of `closeloop user add` that carry them. */
const OPTION_OF: Record<string, string> = {
  username: '--username',
  displayName: '--name',
  role: '--role',
  password: '--password (or CLOSELOOP_PASSWORD)',
  scopes: '--subdistrict / --committee',
};

/**
 * `closeloop user add`: one staff account, created as a system administrator of its subdistrict
 * and recorded (`user.create`, by `cli`) in the same transaction, as the staff page and
 * `import staff` record theirs — an administrator made on the command line is no less audited.
 */
export async function addUser(ctx: CliContext, opts: AddUserOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const db = ctx.handle.db;
  const sub = await db.selectFrom('subdistricts').select('id').where('code', '=', opts.subdistrict).executeTakeFirst();
  if (!sub) throw new Error(`--subdistrict: unknown subdistrict code ${opts.subdistrict}`);
  let committeeId: string | null = null;
  if (opts.committee) {
    const c = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', sub.id).where('code', '=', opts.committee).executeTakeFirst();
    if (!c) throw new Error(`--committee: unknown committee code ${opts.committee} in subdistrict ${opts.subdistrict}`);
    committeeId = c.id;
  }
  const parsed = StaffInput.safeParse({
    username: opts.username,
    displayName: opts.name,
    role: opts.role,
    password: opts.password ?? env.CLOSELOOP_PASSWORD,
    scopes: [{ subdistrictId: sub.id, committeeId }],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    const missing = issue.code === 'invalid_type' && field === 'password' ? 'required: pass --password or set CLOSELOOP_PASSWORD' : issue.message;
    throw new Error(`${OPTION_OF[field] ?? field}: ${missing}`);
  }
  const input = parsed.data;
  const system: Actor = { userId: 'system', username: 'system', displayName: 'system', role: 'admin', subdistrictId: sub.id, handlingUnitId: null, scope: [{ subdistrictId: sub.id, committeeId: null }] };
  return db.transaction().execute(async (trx) => {
    const id = await createStaff(trx, ctx.deps.clock, system, input);
    const after = await getStaff(trx, system, id);
    await recordAudit(trx, ctx.deps.clock, { actor: CLI_AUDIT_ACTOR, action: 'user.create', entity: 'user', entityId: id, subdistrictId: after.subdistrictId, after, ip: null });
    return id;
  });
}

export function registerUserCommands(program: Command) {
  const user = program.command('user').description('Manage staff accounts');
  user
    .command('add')
    .description('Add a staff member (password from --password or CLOSELOOP_PASSWORD)')
    .requiredOption('--username <name>')
    .requiredOption('--name <displayName>')
    .addOption(new Option('--role <role>').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--subdistrict <code>', 'subdistrict code, e.g. 008')
    .option('--committee <code>', 'limit to one committee (code within the subdistrict)')
    .option('--password <password>', 'or set CLOSELOOP_PASSWORD (kept out of the shell history and `ps`)')
    .action(async (opts: AddUserOptions) => {
      const ctx = await openContext();
      try {
        const id = await addUser(ctx, opts);
        console.log(`Added ${opts.username} (${opts.role}) id ${id}`);
      } finally {
        await ctx.destroy();
      }
    });
}
