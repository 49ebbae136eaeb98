/** HTTP triggers of the repair API (routes under /api). Thin: the handlers live in src/api/. */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { withErrorBoundary } from '../api/httpResponses';
import { findRepair, getRepair, startRepair } from '../api/repairApi';

app.http('startRepair', {
  route: 'repairs',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: withErrorBoundary(startRepair),
});

app.http('getRepair', {
  route: 'repairs/{id}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: withErrorBoundary(getRepair),
});

app.http('findRepair', {
  route: 'repairs',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: withErrorBoundary(findRepair),
});
