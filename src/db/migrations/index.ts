import type { Migration } from 'kysely';
import * as m0900 from './2026-11-26T0900-registry-and-auth.js';
import * as m1215 from './2026-11-26T1215-patrols-and-coverage.js';
import * as m1216 from './2026-11-26T1216-coverage-indexes.js';
import * as m1610 from './2026-11-26T1610-bin-room-board-index.js';
import * as m20261205T0010 from './2026-12-05T0010-front-office-read-paths.js';
import * as m20261207T0100 from './2026-12-07T0100-appointment-phone-index.js';
import * as m20261207T0110 from './2026-12-07T0110-user-lookup-indexes.js';
import * as m20261207T0200 from './2026-12-07T0200-endings-outside-the-desk.js';
import * as m20261207T0210 from './2026-12-07T0210-rework-counts-cases.js';
import * as m20261207T0220 from './2026-12-07T0220-ticket-recall.js';
import * as m20261208T0100 from './2026-12-08T0100-record-ticket-unique.js';
import * as m20261208T0200 from './2026-12-08T0200-ticket-record-unique.js';
import * as m20261208T0210 from './2026-12-08T0210-appointment-cancel-reason.js';
import * as m20261208T0400 from './2026-12-08T0400-case-photo-uses.js';
import * as m20261208T0700 from './2026-12-08T0700-wall-sessions.js';
import * as m20261208T0800 from './2026-12-08T0800-job-lease-first-taken.js';
import * as m20261208T0810 from './2026-12-08T0810-responsible-party-unique.js';
import * as m20261208T0900 from './2026-12-08T0900-ended-cases-stage-marks.js';
import * as m20261209T0100 from './2026-12-09T0100-auth-change-notify.js';
import * as m20261208T1130 from './2026-12-08T1130-notice-messages.js';
import * as m20261209T1800 from './2026-12-09T1800-photos-created-index.js';
import * as m20261210T0400 from './2026-12-10T0400-event-reference-check-by-month.js';
import * as m20261210T0520 from './2026-12-10T0520-handling-unit-english-name.js';
import * as m20261210T0100 from './2026-12-10T0100-ticket-item-changes.js';
import * as m20261210T0110 from './2026-12-10T0110-rating-contacts.js';
import * as m20261210T0300 from './2026-12-10T0300-record-appointment-index.js';
import * as m20261210T0610 from './2026-12-10T0610-photo-citations.js';
import * as m20261210T0700 from './2026-12-10T0700-open311-token-hash.js';
import * as m20261210T0800 from './2026-12-10T0800-calendar-package-years.js';
import * as m20261211T0300 from './2026-12-11T0300-fold-carries-stage-due.js';
import * as m20261211T0400 from './2026-12-11T0400-enforcement-service.js';
import * as m20261211T0500 from './2026-12-11T0500-fold-units-of-people-named-alone.js';
import * as m20261211T0600 from './2026-12-11T0600-case-responsible-unit.js';
import * as m20261211T0700 from './2026-12-11T0700-audit-district-scope.js';
import * as m20261209T1700 from './2026-12-09T1700-enforcement-team-cases-by-unit.js';
import * as m1000 from './2026-11-26T1000-case-catalogue.js';
import * as m1010 from './2026-11-26T1010-cases.js';
import * as m1020 from './2026-11-26T1020-case-desk-indexes.js';
import * as m1030 from './2026-11-26T1030-case-reported-index.js';
import * as m1100 from './2026-11-26T1100-calendar-and-notifications.js';
import * as m1110 from './2026-11-26T1110-photos.js';
import * as m1300 from './2026-11-26T1300-enforcement.js';
import * as m1600 from './2026-11-26T1600-dashboard-rollups.js';
import * as m183734 from './2026-11-26T183734-checkin-manual-position.js';
import * as m183951 from './2026-11-26T183951-dashboard-city-rollups.js';
import * as m190329 from './2026-11-26T190329-dashboard-district-rollups.js';
import * as m193934 from './2026-11-26T193934-unit-cum-score-index.js';
import * as m190600 from './2026-11-26T190600-drop-redundant-case-index.js';
import * as m193000 from './2026-11-26T193000-checkin-received-at.js';
import * as m213500 from './2026-11-26T213500-due-closed-counters.js';
import * as penaltyProcedure from './2026-12-04T1335-penalty-procedure.js';
import * as m20261204_1345 from './2026-12-04T1345-job-leases.js';
import * as m20261204t1345 from './2026-12-04T1345-sign-in-throttle.js';
import * as m20261204T1400 from './2026-12-04T1400-audit-log.js';
import * as m20261204_1420 from './2026-12-04T1420-independent-checks-and-paused-clocks.js';
import * as m20261204T1445 from './2026-12-04T1445-yiwangtongban.js';
import * as m20261204T1335 from './2026-12-04T1335-open311.js';
import * as m20261204T1800 from './2026-12-04T1800-public-reports.js';
import * as m20261204T1810 from './2026-12-04T1810-document-files.js';
import * as mKpisByTheCase from './2026-12-04T1830-kpis-by-the-case.js';
import * as m20261204T1900 from './2026-12-04T1900-open311-webhooks.js';
import * as m20261204T1940 from './2026-12-04T1940-account-security.js';
import * as mTokenScopes from './2026-12-04T1945-token-scopes.js';
import * as m20261204T1950 from './2026-12-04T1950-monthly-partitions.js';
import * as m20261204T2000 from './2026-12-04T2000-open311-intake-index.js';
import * as m20261204T2050 from './2026-12-04T2050-shared-rate-limits.js';
import * as m20261204T2020 from './2026-12-04T2020-terminal-health.js';
import * as mServiceQueue from './2026-12-04T2010-service-appointments-and-tickets.js';
import * as m20261204T2040 from './2026-12-04T2040-open311-versions.js';
import * as m20261205T0030 from './2026-12-05T0030-duplicate-search-index.js';
import * as m20261205T0031 from './2026-12-05T0031-case-report-order-index.js';
import * as m20261205T0040 from './2026-12-05T0040-case-event-actor-unit.js';
import * as m20261206T0200 from './2026-12-06T0200-chain-head-prev-hash.js';
import * as m20261206T0500 from './2026-12-06T0500-terminal-sessions.js';

/**
 * Every migration, listed by hand in order. Names are ISO-date prefixed; a migration, once
 * shipped, is never edited — add a new one.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T0900-registry-and-auth': m0900,
  '2026-11-26T1000-case-catalogue': m1000,
  '2026-11-26T1010-cases': m1010,
  '2026-11-26T1020-case-desk-indexes': m1020,
  '2026-11-26T1030-case-reported-index': m1030,
  '2026-11-26T1100-calendar-and-notifications': m1100,
  '2026-11-26T1110-photos': m1110,
  '2026-11-26T1300-enforcement': m1300,
  '2026-11-26T1600-dashboard-rollups': m1600,
  '2026-11-26T1215-patrols-and-coverage': m1215,
  '2026-11-26T1216-coverage-indexes': m1216,
  '2026-11-26T1610-bin-room-board-index': m1610,
  '2026-11-26T183734-checkin-manual-position': m183734,
  '2026-11-26T183951-dashboard-city-rollups': m183951,
  '2026-11-26T190329-dashboard-district-rollups': m190329,
  '2026-11-26T193934-unit-cum-score-index': m193934,
  '2026-11-26T190600-drop-redundant-case-index': m190600,
  '2026-11-26T193000-checkin-received-at': m193000,
  '2026-11-26T213500-due-closed-counters': m213500,
  '2026-12-04T1335-penalty-procedure': penaltyProcedure,
  '2026-12-04T1345-job-leases': m20261204_1345,
  '2026-12-04T1345-sign-in-throttle': m20261204t1345,
  '2026-12-04T1400-audit-log': m20261204T1400,
  '2026-12-04T1420-independent-checks-and-paused-clocks': m20261204_1420,
  '2026-12-04T1445-yiwangtongban': m20261204T1445,
  '2026-12-04T1335-open311': m20261204T1335,
  '2026-12-04T1800-public-reports': m20261204T1800,
  '2026-12-04T1810-document-files': m20261204T1810,
  '2026-12-04T1830-kpis-by-the-case': mKpisByTheCase,
  '2026-12-04T1900-open311-webhooks': m20261204T1900,
  '2026-12-04T1940-account-security': m20261204T1940,
  '2026-12-04T1945-token-scopes': mTokenScopes,
  '2026-12-04T1950-monthly-partitions': m20261204T1950,
  '2026-12-04T2000-open311-intake-index': m20261204T2000,
  '2026-12-04T2050-shared-rate-limits': m20261204T2050,
  '2026-12-04T2020-terminal-health': m20261204T2020,
  '2026-12-04T2010-service-appointments-and-tickets': mServiceQueue,
  '2026-12-04T2040-open311-versions': m20261204T2040,
  '2026-12-05T0030-duplicate-search-index': m20261205T0030,
  '2026-12-05T0031-case-report-order-index': m20261205T0031,
  '2026-12-05T0040-case-event-actor-unit': m20261205T0040,
  '2026-12-06T0200-chain-head-prev-hash': m20261206T0200,
  '2026-12-06T0500-terminal-sessions': m20261206T0500,
  '2026-12-05T0010-front-office-read-paths': m20261205T0010,
  '2026-12-07T0100-appointment-phone-index': m20261207T0100,
  '2026-12-07T0110-user-lookup-indexes': m20261207T0110,
  '2026-12-07T0200-endings-outside-the-desk': m20261207T0200,
  '2026-12-07T0210-rework-counts-cases': m20261207T0210,
  '2026-12-07T0220-ticket-recall': m20261207T0220,
  '2026-12-08T0100-record-ticket-unique': m20261208T0100,
  '2026-12-08T0200-ticket-record-unique': m20261208T0200,
  '2026-12-08T0210-appointment-cancel-reason': m20261208T0210,
  '2026-12-08T0400-case-photo-uses': m20261208T0400,
  '2026-12-08T0700-wall-sessions': m20261208T0700,
  '2026-12-08T0800-job-lease-first-taken': m20261208T0800,
  '2026-12-08T0810-responsible-party-unique': m20261208T0810,
  '2026-12-08T0900-ended-cases-stage-marks': m20261208T0900,
  '2026-12-09T0100-auth-change-notify': m20261209T0100,
  '2026-12-08T1130-notice-messages': m20261208T1130,
  '2026-12-09T1700-enforcement-team-cases-by-unit': m20261209T1700,
  '2026-12-09T1800-photos-created-index': m20261209T1800,
  '2026-12-10T0400-event-reference-check-by-month': m20261210T0400,
  '2026-12-10T0520-handling-unit-english-name': m20261210T0520,
  '2026-12-10T0100-ticket-item-changes': m20261210T0100,
  '2026-12-10T0110-rating-contacts': m20261210T0110,
  '2026-12-10T0300-record-appointment-index': m20261210T0300,
  '2026-12-10T0610-photo-citations': m20261210T0610,
  '2026-12-10T0700-open311-token-hash': m20261210T0700,
  '2026-12-10T0800-calendar-package-years': m20261210T0800,
  '2026-12-11T0300-fold-carries-stage-due': m20261211T0300,
  '2026-12-11T0400-enforcement-service': m20261211T0400,
  '2026-12-11T0500-fold-units-of-people-named-alone': m20261211T0500,
  '2026-12-11T0600-case-responsible-unit': m20261211T0600,
  '2026-12-11T0700-audit-district-scope': m20261211T0700,
};
