import fs from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { recordAudit } from '../domain/audit/record-audit.js';
import { type YearImport, importYearSchedule, yearOverrides } from '../domain/calendar/overrides.js';
import { shanghaiTime } from '../domain/cases/format.js';
import { DomainError } from '../domain/shared/errors.js';
import { openContext } from './context.js';
import { actorNamed } from './ledger-commands.js';

function printImport(r: YearImport) {
  const scope = r.subdistrictId ? 'the subdistrict' : 'every subdistrict';
  console.log(`${r.applied ? 'Imported' : 'Preview of'} the ${r.year} schedule for ${scope}: ${r.listed} days listed (${r.holidays} holidays, ${r.workdays} make-up workdays); ${r.written} override rows${r.replaced ? `, replacing ${r.replaced}` : ''}.`);
  console.log(`Open deadlines: ${r.retimed.examined} run over a changed day, ${r.retimed.moved} ${r.applied ? 'moved' : 'would move'}.`);
  for (const m of r.retimed.cases.slice(0, 20)) console.log(`  ${m.number}  ${shanghaiTime(m.dueBefore)} → ${shanghaiTime(m.dueAfter)}`);
  if (r.retimed.moved > 20) console.log(pc.dim(`  … and ${r.retimed.moved - 20} more`));
  console.log(`Bookings: ${r.cancelledBookings} ${r.applied ? 'cancelled by the office' : 'would be cancelled by the office'} (their day no longer offers their session).`);
  if (!r.applied) console.log(pc.dim('Nothing written. Run again with --apply to import.'));
}

/** The schedule years the calendar holds (as `invalidField('year')` in calendar/overrides.ts). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/**
 * `--year`: four digits and nothing else, from 2000 to 2100 (as the config reads numbers: digits
 * only). Number.parseInt read `2026abc` as 2026 and `20.5` as 20, so a typo imported a schedule
 * into a year nobody asked for.
 */
export function yearOption(value: string): number {
  const v = value.trim();
  const n = /^\d{4}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= FIRST_YEAR && n <= LAST_YEAR)) throw new InvalidArgumentError(`expected a 4-digit year from ${FIRST_YEAR} to ${LAST_YEAR}, got "${value}"`);
  return n;
}

/** `closeloop calendar import <file> --year 2027 --as <admin> [--subdistrict <code>] [--apply]` */
export function registerCalendarCommands(program: Command) {
  const cal = program.command('calendar').description('Working-day calendar: holidays and make-up workdays');
  cal
    .command('import <file>')
    .description("Import a year's official holiday schedule (format: docs/calendar.md); a preview unless --apply")
    .requiredOption('--year <year>', 'the year the schedule is for (2000–2100)', yearOption)
    .requiredOption('--as <username>', 'the administrator making the change (their scope applies)')
    .option('--subdistrict <code>', 'only this subdistrict (default: every subdistrict; needs a district administrator)')
    .option('--apply', 'write it (default: preview only)')
    .action(async (file: string, opts: { year: number; as: string; subdistrict?: string; apply?: boolean }) => {
      const ctx = await openContext();
      try {
        const actor = await actorNamed(ctx, opts.as);
        const db = ctx.handle.db;
        const subdistrictId = opts.subdistrict
          ? (await db.selectFrom('subdistricts').select('id').where('code', '=', opts.subdistrict).executeTakeFirst())?.id ?? null
          : null;
        if (opts.subdistrict && !subdistrictId) throw new Error(`No subdistrict with code ${opts.subdistrict}`);
        const schedule = await fs.readFile(file, 'utf8');
        // The CLI runs as the instance operator: it may write global rows (for every district of the instance).
        const input = { year: opts.year, schedule, subdistrictId, authority: 'operator' as const };
        const result = opts.apply
          ? await db.transaction().execute(async (trx) => {
              const before = await yearOverrides(trx, opts.year, subdistrictId);
              const r = await importYearSchedule(trx, ctx.deps.clock, actor, input);
              await recordAudit(trx, ctx.deps.clock, {
                actor, action: 'calendar.import_year', entity: 'calendar', entityId: String(opts.year), subdistrictId, districtId: null,
                before, after: await yearOverrides(trx, opts.year, subdistrictId), ip: null,
              });
              return r;
            })
          : await importYearSchedule(db, ctx.deps.clock, actor, { ...input, preview: true });
        printImport(result);
      } catch (err) {
        if (err instanceof DomainError) {
          const fields = (err.details as { fields?: { field: string; reason: string }[] } | undefined)?.fields ?? [];
          console.error(pc.red(err.message));
          for (const f of fields) console.error(`  ${f.field}: ${f.reason}`);
          process.exitCode = 1;
          return;
        }
        throw err;
      } finally {
        await ctx.handle.destroy();
      }
    });
}
