import { z } from 'zod';
import { setupChecklist } from '../../domain/ops/setup-checklist.js';
import { assertCan } from '../../domain/auth/permissions.js';
import { DomainError } from '../../domain/shared/errors.js';
import { jobStatuses } from '../../domain/jobs/status.js';
import { assertMayRunJobs, mayRunJobs } from '../../domain/jobs/run-access.js';
import { def } from '../route.js';

export const run = def({
  schema: {
    tags: ['operations'],
    summary: 'Run one round of a background job now (district-level administrators: every job acts on all subdistricts; recorded in the audit log)',
    params: z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'a job name such as case-deadlines') }),
  },
  handler: async ({ req, deps, actor }) => {
    assertMayRunJobs(actor);
    if (!deps.runJob) throw new DomainError('conflict', 'This instance runs no background jobs', { field: 'name' });
    return deps.runJob(req.params.name, actor, req.ip);
  },
});

export const list = def({
  schema: {
    tags: ['operations'],
    summary: 'Background jobs: lag (oldest due item not processed), last successful round, whether an instance runs it (administrators); `mayRun`: whether I may run one now',
  },
  handler: async ({ deps, actor }) => {
    assertCan(actor, 'jobs.run');
    return { runsJobs: !!deps.runJob, mayRun: mayRunJobs(actor), jobs: await jobStatuses(deps.db, deps.clock, deps.jobNames?.() ?? []) };
  },
});

export const setup = def({
  schema: {
    tags: ['operations'],
    summary: "The administrator's setup checklist per subdistrict: registry, staff, next year's calendar, WeCom robot (what is missing, with a few names and the page that fixes it)",
  },
  handler: async ({ deps, actor }) => ({ subdistricts: await setupChecklist(deps.db, deps.clock, actor, { globalRobot: !!deps.config.wecomWebhookUrl }) }),
});
