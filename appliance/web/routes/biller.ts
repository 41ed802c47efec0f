// Every biller-facing sub-app with the path it mounts at under /api, for WebDeps.mounts in main.ts:
//   /api/remittances…, /api/denials…, /api/patient-ar…, /api/exports…, and at '/' the review
//   queue (/api/review, /api/encounters/:id/ready, /api/encounters/:id/codes, /api/encounters/:id/release).
import type { Hono } from 'hono';
import type { BillingProvider } from '../../domain/types.js';
import type { Clock, CodeSets } from '../../ports.js';
import type { Store } from '../../store/open.js';
import { createDenialRoutes } from './denials.js';
import { createExportRoutes } from './exports.js';
import { createPatientArRoutes } from './patient-ar.js';
import { createRemittanceRoutes } from './remittances.js';
import { createReviewRoutes } from './review.js';

export interface BillerRoutesDeps {
  store: Store;
  clock: Clock;
  billing: BillingProvider;
  codeSets: CodeSets;
  payer?: (payerId: string) => { payerId: string; timelyFilingDays: number } | undefined;
}

export function createBillerMounts(deps: BillerRoutesDeps): { path: string; app: Hono }[] {
  return [
    { path: '/remittances', app: createRemittanceRoutes(deps) },
    { path: '/denials', app: createDenialRoutes(deps) },
    { path: '/patient-ar', app: createPatientArRoutes(deps) },
    { path: '/exports', app: createExportRoutes(deps) },
    // Last: its paths sit beside the core's /encounters/:id and must not shadow anything.
    { path: '/', app: createReviewRoutes(deps) },
  ];
}
