// Compile-time tests of the tie between LensApi and requestSchemas (checked by `npm run typecheck`,
// not run by vitest). Each `@ts-expect-error` fails the typecheck if its line ever compiles, so a
// missing, unknown or drifting schema stays a compile error.
import { z } from 'zod';
import { requestSchemas, type NoDrift, type RequestSchemas } from '../../src/shared/schemas.js';

const { addFlag: _addFlag, ...labelsWithoutAddFlag } = requestSchemas.labels;
const { export: _export, ...withoutExportService } = requestSchemas;

export const checks = [
  // The real table is complete and matches its types.
  requestSchemas satisfies RequestSchemas,
  ((): NoDrift<typeof requestSchemas> => true)(),

  // A method without a schema does not compile.
  // @ts-expect-error labels.addFlag has no schema
  { ...requestSchemas, labels: labelsWithoutAddFlag } satisfies RequestSchemas,
  // @ts-expect-error the export service has no schemas
  withoutExportService satisfies RequestSchemas,

  // A schema for a method or a service LensApi does not have does not compile.
  // @ts-expect-error there is no service `admin`
  { ...requestSchemas, admin: { shutdown: z.undefined() } } satisfies RequestSchemas,
  // @ts-expect-error labels.rename is not a method
  { ...requestSchemas, labels: { ...requestSchemas.labels, rename: z.object({ id: z.number() }).strict() } } satisfies RequestSchemas,

  // A schema whose output is not the request type does not compile.
  // @ts-expect-error removeFlag's id is a number
  { ...requestSchemas, labels: { ...requestSchemas.labels, removeFlag: z.object({ id: z.string() }).strict() } } satisfies RequestSchemas,
  // @ts-expect-error a method without arguments takes nothing, not an object
  { ...requestSchemas, labels: { ...requestSchemas.labels, undo: z.object({}).strict() } } satisfies RequestSchemas,
];

// A schema that accepts less than its type (passes `satisfies`, zod types being covariant) drifts.
const _strictRequired = { ...requestSchemas, datasets: { ...requestSchemas.datasets, open: z.object({ path: z.string(), strict: z.boolean() }).strict() } } satisfies RequestSchemas;
const _optionalMissing = { ...requestSchemas, datasets: { ...requestSchemas.datasets, open: z.object({ path: z.string() }).strict() } } satisfies RequestSchemas;
// @ts-expect-error datasets.open requires `strict`, which the type makes optional
export const drift1: NoDrift<typeof _strictRequired> = true;
// @ts-expect-error datasets.open lacks the optional `strict` the type has
export const drift2: NoDrift<typeof _optionalMissing> = true;
