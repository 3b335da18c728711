import type { z } from 'zod';
import type { ChangeBatch, ResourceRecordSet } from '../../../../engine/types';
import { issuesToDetails } from '../../../../shared/errors';
import {
  ChangeBatchSchema,
  ListResourceRecordSetsResponseSchema,
  unwrapChangeBatch,
} from '../../../../shared/rrset';

export interface ParseProblem {
  /** Where in the file, e.g. `ResourceRecordSets[3].TTL`, or `line 4, column 12`. */
  where: string;
  message: string;
}

export type ParsedRoute53 =
  | { kind: 'empty' }
  | { kind: 'listing'; records: ResourceRecordSet[] }
  | { kind: 'batch'; batch: ChangeBatch }
  | { kind: 'error'; problems: ParseProblem[] };

/** `Unexpected token } in JSON at position 57` → `line 3, column 5` when the engine says where. */
function jsonErrorPlace(text: string, message: string): string {
  const m = message.match(/position (\d+)/);
  if (!m) return 'JSON';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function zodProblems(error: z.ZodError, prefix = ''): ParseProblem[] {
  return issuesToDetails(error.issues).map((d) => ({
    where: prefix && d.field ? `${prefix}.${d.field}` : prefix || d.field || '(top level)',
    message: d.message,
  }));
}

/**
 * Read what an operator pastes or uploads: `aws route53 list-resource-record-sets` output
 * (`{"ResourceRecordSets":[…]}`, or a bare array of record sets) or a `--change-batch` file
 * (`{"Changes":[…]}`, also wrapped as `{"ChangeBatch":{…}}`). Shapes are checked with the shared
 * wire schemas; what the values mean is left to the engine's planChangeBatch.
 */
export function parseRoute53Json(text: string): ParsedRoute53 {
  if (text.trim() === '') return { kind: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      kind: 'error',
      problems: [{ where: jsonErrorPlace(text, message), message: `Not valid JSON: ${message}` }],
    };
  }
  if (Array.isArray(json)) json = { ResourceRecordSets: json };
  if (typeof json !== 'object' || json === null) {
    return {
      kind: 'error',
      problems: [
        { where: '(top level)', message: 'Expected a JSON object from the aws route53 CLI' },
      ],
    };
  }
  if ('ResourceRecordSets' in json) {
    const r = ListResourceRecordSetsResponseSchema.safeParse(json);
    if (!r.success) return { kind: 'error', problems: zodProblems(r.error) };
    return { kind: 'listing', records: r.data.ResourceRecordSets };
  }
  if ('Changes' in json || 'ChangeBatch' in json) {
    const inner = unwrapChangeBatch(json);
    const r = ChangeBatchSchema.safeParse(inner);
    if (!r.success)
      return { kind: 'error', problems: zodProblems(r.error, inner === json ? '' : 'ChangeBatch') };
    return { kind: 'batch', batch: r.data };
  }
  return {
    kind: 'error',
    problems: [
      {
        where: '(top level)',
        message:
          'Not Route 53 JSON: expected "ResourceRecordSets" (list-resource-record-sets output) or "Changes" (a change batch)',
      },
    ],
  };
}
