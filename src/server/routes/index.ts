import type { Deps } from '../deps.js';
import { type App, mount } from '../route.js';
import * as auth from './auth.js';
import * as inspections from './inspections.js';
import * as checkins from './checkins.js';
import * as coverage from './coverage.js';
import * as cases from './cases.js';
import * as catalogue from './catalogue.js';
import * as health from './health.js';
import * as ops from './ops.js';
import * as ledgers from './ledgers.js';
import * as photos from './photos.js';
import * as calendar from './calendar.js';
import * as notifications from './notifications.js';
import * as sites from './sites.js';
import * as enforcement from './enforcement.js';
import * as staff from './staff.js';
import * as dashboard from './dashboard.js';
import * as dashboardStream from './dashboard-stream.js';
import * as audit from './audit.js';
import * as spotChecks from './spot-checks.js';
import * as services from './services.js';
import * as servicesPublic from './services-public.js';
import * as open311 from './open311.js';
import * as open311Keys from './open311-keys.js';
import * as publicReports from './public-reports.js';
import { acceptForms } from '../open311/form.js';
import * as jobs from './jobs.js';

/** Every route of the API, in one list. */
export function registerRoutes(app: App, deps: Deps) {
  const r = (method: Parameters<typeof mount>[2], url: string, d: Parameters<typeof mount>[4]) =>
    mount(app, deps, method, url, d);

  r('GET', '/healthz', health.healthz);
  r('GET', '/readyz', health.readyz);
  r('GET', '/metrics', ops.metrics);
  r('GET', '/api/config', health.clientConfig);

  r('POST', '/api/auth/sign-in', auth.signInRoute);
  r('POST', '/api/auth/sign-out', auth.signOutRoute);
  r('GET', '/api/me', auth.me);
  r('GET', '/api/me/tokens', auth.listTokens);
  r('POST', '/api/me/tokens', auth.createToken);
  r('DELETE', '/api/me/tokens/:id', auth.revokeToken);
  r('POST', '/api/me/password', auth.changePassword);

  r('GET', '/api/places', staff.places);
  r('GET', '/api/handling-units', staff.listUnits);
  r('POST', '/api/handling-units', staff.createUnit);

  r('GET', '/api/sites', sites.list);
  r('GET', '/api/sites/markers', sites.markers);
  r('GET', '/api/sites/:id', sites.get);
  r('POST', '/api/sites', sites.create);
  r('PATCH', '/api/sites/:id', sites.update);
  r('POST', '/api/sites/:id/retire', sites.retire);
  r('POST', '/api/sites/:id/restore', sites.restore);

  r('GET', '/api/cases', cases.list);
  r('GET', '/api/cases/queues', cases.queues);
  r('GET', '/api/cases/duplicates', cases.duplicates);
  r('POST', '/api/cases', cases.report);
  r('POST', '/api/cases/bulk-dispatch', cases.bulk);
  r('GET', '/api/cases/:id', cases.get);
  r('POST', '/api/cases/:id/transitions', cases.transition);
  r('GET', '/api/cases/:id/dispatch-suggestions', cases.suggestions);
  r('GET', '/api/me/tasks', cases.myTasks);
  r('POST', '/api/jobs/:name/run', jobs.run);
  r('GET', '/api/spot-checks', spotChecks.list);
  r('GET', '/api/spot-checks/kpi', spotChecks.kpi);
  r('POST', '/api/cases/:id/spot-check', spotChecks.record);
  r('GET', '/api/case-settings/:subdistrictId', spotChecks.getSettings);
  r('PUT', '/api/case-settings/:subdistrictId', spotChecks.putSettings);

  r('GET', '/api/catalogue', catalogue.tree);
  r('POST', '/api/catalogue', catalogue.create);
  r('PATCH', '/api/catalogue/:id', catalogue.update);

  r('GET', '/api/staff', staff.list);
  r('GET', '/api/staff/:id', staff.get);
  r('POST', '/api/staff', staff.create);
  r('PATCH', '/api/staff/:id', staff.update);
  r('POST', '/api/staff/:id/sign-out-all', staff.signOutAll);

  // Patrols, check-ins and coverage (issue 4)
  r('GET', '/api/checklists', inspections.checklists);
  r('GET', '/api/checklists/:id', inspections.checklist);
  r('POST', '/api/checklists', inspections.publish);
  r('POST', '/api/checkins', checkins.create);
  r('GET', '/api/checkins', checkins.list);
  r('GET', '/api/checkins/misses', checkins.misses);
  r('POST', '/api/inspections', inspections.record);
  r('GET', '/api/inspections', inspections.list);
  r('GET', '/api/inspections/:id', inspections.get);
  r('GET', '/api/coverage/board', coverage.board);
  r('GET', '/api/coverage/activity', coverage.activity);
  r('GET', '/api/coverage/today', coverage.today);
  r('GET', '/api/coverage/intervals', coverage.intervals);
  r('PUT', '/api/coverage/intervals', coverage.setIntervalRoute);
  r('GET', '/api/campaigns', coverage.campaigns);
  r('GET', '/api/campaigns/:id', coverage.campaign);
  r('POST', '/api/campaigns', coverage.createCampaignRoute);
  r('GET', '/api/sites/:id/history', coverage.siteHistory);

  // Photos (issue 3, item 9)
  r('POST', '/api/photos', photos.upload);
  r('GET', '/api/photos/:id', photos.original);
  r('GET', '/api/photos/:id/thumb', photos.thumb);
  r('GET', '/api/photos/:id/meta', photos.meta);

  // Working-day calendar and notifications (issue 3, items 5 and 7)
  r('GET', '/api/calendar/overrides', calendar.list);
  r('PUT', '/api/calendar/overrides', calendar.put);
  r('DELETE', '/api/calendar/overrides/:id', calendar.remove);
  r('GET', '/api/calendar/due', calendar.due);
  r('POST', '/api/calendar/years/:year/preview', calendar.previewYear);
  r('POST', '/api/calendar/years/:year', calendar.importYear);
  r('GET', '/api/inbox', notifications.inbox);
  r('GET', '/api/inbox/count', notifications.inboxCount);
  r('POST', '/api/inbox/read-all', notifications.readAll);
  r('POST', '/api/inbox/:id/read', notifications.readOne);
  r('GET', '/api/notifications/deliveries', notifications.deliveries);
  r('POST', '/api/notifications/deliveries/:id/retry', notifications.retry);
  r('GET', '/api/notifications/webhooks/:subdistrictId', notifications.getWebhook);
  r('PUT', '/api/notifications/webhooks/:subdistrictId', notifications.putWebhook);
  r('DELETE', '/api/notifications/webhooks/:subdistrictId', notifications.deleteWebhook);

  // Excel ledgers in and out (issue 2, item 8)
  r('POST', '/api/import/sites', ledgers.importSitesRoute);
  r('POST', '/api/import/staff', ledgers.importStaffRoute);
  r('GET', '/api/export/sites.xlsx', ledgers.exportSitesRoute);
  r('GET', '/api/export/staff.xlsx', ledgers.exportStaffRoute);

  // Enforcement ladder 管执联动 (issue 5)
  r('GET', '/api/enforcement/ladder', enforcement.ladder);
  r('GET', '/api/enforcement/legal-bases', enforcement.legalBases);
  r('POST', '/api/enforcement/legal-bases/:subdistrictId', enforcement.createBasis);
  r('PATCH', '/api/enforcement/legal-bases/:id', enforcement.editBasis);
  r('GET', '/api/enforcement/settings/:subdistrictId', enforcement.settings);
  r('PATCH', '/api/enforcement/settings/:subdistrictId', enforcement.putSettings);
  r('GET', '/api/enforcement/cases', enforcement.list);
  r('POST', '/api/enforcement/cases', enforcement.open);
  r('GET', '/api/enforcement/cases/:id', enforcement.get);
  r('POST', '/api/enforcement/cases/:id/steps', enforcement.step);
  r('GET', '/api/enforcement/reinspections/due-today', enforcement.dueToday);
  r('GET', '/api/enforcement/counts', enforcement.counts);
  r('GET', '/api/enforcement/officers', enforcement.officers);
  r('GET', '/api/enforcement/subjects/:id/history', enforcement.history);
  r('GET', '/api/enforcement/documents/verify', enforcement.verify);
  r('GET', '/api/enforcement/documents/:id', enforcement.document);
  r('GET', '/api/enforcement/documents/:id/pdf', enforcement.pdf);
  r('POST', '/api/enforcement/documents/:id/corrections', enforcement.correct);

  // Operations-centre dashboard (issue 6)
  r('GET', '/api/dashboard/summary', dashboard.summary);
  r('GET', '/api/dashboard/rankings', dashboard.rankings);
  r('GET', '/api/dashboard/trends/daily', dashboard.daily);
  r('GET', '/api/dashboard/trends/hourly', dashboard.hourly);
  r('GET', '/api/dashboard/categories', dashboard.categories);
  r('GET', '/api/dashboard/compare', dashboard.compare);
  r('GET', '/api/dashboard/map', dashboard.map);
  r('GET', '/api/dashboard/feed', dashboard.feed);
  r('GET', '/api/dashboard/coverage', dashboard.coverage);
  r('GET', '/api/dashboard/sources', dashboard.sources);
  r('GET', '/api/dashboard/export.xlsx', dashboard.exportXlsx);
  r('GET', '/api/dashboard/report.pdf', dashboard.report);
  r('GET', '/api/dashboard/stream', dashboardStream.stream);

  // Administrative audit log (issue 12, point 6)
  r('GET', '/api/audit', audit.search);
  r('GET', '/api/audit/export.csv', audit.exportCsv);

  // 一网通办: catalogue, network, records, ratings (issue 15)
  r('GET', '/api/services/catalogue', services.catalogue);
  r('GET', '/api/services/items/:id', services.item);
  r('POST', '/api/services/items', services.createItemRoute);
  r('POST', '/api/services/items/:id/versions', services.publishVersionRoute);
  r('GET', '/api/services/points', services.points);
  r('GET', '/api/services/points/:id', services.point);
  r('POST', '/api/services/points', services.createPointRoute);
  r('POST', '/api/services/points/:id/status', services.pointStatus);
  r('PUT', '/api/services/points/:id/offer', services.pointOffer);
  r('GET', '/api/services/grids', services.grids);
  r('POST', '/api/services/grids', services.createGridRoute);
  r('GET', '/api/services/reports/grid-coverage', services.coverage);
  r('GET', '/api/services/reports/life-circle', services.lifeCircleRoute);
  r('GET', '/api/services/records', services.records);
  r('GET', '/api/services/records/overdue', services.overdue);
  r('GET', '/api/services/records/:id', services.record);
  r('POST', '/api/services/records', services.createRecordRoute);
  r('POST', '/api/services/records/:id/steps', services.stepRecordRoute);
  r('POST', '/api/services/records/:id/reveal', services.reveal);
  r('GET', '/api/services/records/:id/reveals', services.reveals);
  r('GET', '/api/services/ratings', services.ratings);
  r('GET', '/api/services/ratings/kpi', services.kpi);
  r('GET', '/api/services/ratings/:id/followup', services.followup);
  r('POST', '/api/services/ratings/:id/callback', services.callback);
  r('POST', '/api/services/ratings/:id/resolve', services.resolve);
  r('POST', '/api/services/ratings/:id/appeal', services.appeal);
  r('POST', '/api/services/ratings/:id/appeal-decision', services.appealDecision);
  r('GET', '/api/services/settings/:subdistrictId', services.settings);
  r('PATCH', '/api/services/settings/:subdistrictId', services.putSettings);
  r('GET', '/api/public/rate/:token', servicesPublic.ratingPage);
  r('POST', '/api/public/rate/:token', servicesPublic.rate);
  r('POST', '/api/public/rate/:token/feedback', servicesPublic.feedback);
  // Open311 integration keys (issue 14, item 3): administrators only, every change audited
  r('GET', '/api/open311/keys', open311Keys.list);
  r('POST', '/api/open311/keys', open311Keys.issue);
  r('DELETE', '/api/open311/keys/:id', open311Keys.revoke);
  // The citizens' report-and-track page (/report): no account, proof of work, the tracking token as key
  r('GET', '/api/public/reports/challenge', publicReports.challenge);
  r('GET', '/api/public/reports/categories', publicReports.categories);
  r('POST', '/api/public/reports', publicReports.submit);
  r('GET', '/api/public/reports/:token', publicReports.track);
  r('POST', '/api/public/reports/:token/confirm', publicReports.confirm);
  r('POST', '/api/public/reports/:token/contest', publicReports.contest);
  r('GET', '/api/cases/:id/public-report', publicReports.side);
  r('POST', '/api/cases/:id/abusive', publicReports.abusive);
  r('GET', '/api/open311/keys/:id/deliveries', open311Keys.deliveries);

  // Open311 GeoReport v2 (issue 14): key-authenticated (never by cookie), form-encoded posts, the spec's error bodies.
  app.register(async (scope) => {
    acceptForms(scope);
    const o = (method: Parameters<typeof mount>[2], url: string, d: Parameters<typeof mount>[4]) => mount(scope as App, deps, method, url, d);
    o('GET', '/open311/v2/discovery.xml', open311.discoveryXml);
    o('GET', '/open311/v2/discovery.json', open311.discoveryJson);
    o('GET', '/open311/v2/services.xml', open311.servicesXml);
    o('GET', '/open311/v2/services.json', open311.servicesJson);
    o('GET', '/open311/v2/services/:file', open311.serviceDefinition);
    o('GET', '/open311/v2/requests.xml', open311.requestsXml);
    o('GET', '/open311/v2/requests.json', open311.requestsJson);
    o('POST', '/open311/v2/requests.xml', open311.createXml);
    o('POST', '/open311/v2/requests.json', open311.createJson);
    o('GET', '/open311/v2/requests/:file', open311.requestOne);
    o('GET', '/open311/v2/tokens/:file', open311.tokenLookup);
    o('GET', '/open311/v2/servicerequestupdates.xml', open311.updatesXml);
    o('GET', '/open311/v2/servicerequestupdates.json', open311.updatesJson);
    o('GET', '/open311/v2/media/:file', open311.media);
  });
}
