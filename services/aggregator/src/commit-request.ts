import type { CommitRequest__Output, CommitResponse, TabTypeName } from '@taba/common';
import { checkTabOps, InvalidArgumentError, nameProblem, typeSpec } from '@taba/common';
import type { CommitPart, PartOutcome } from './redis/commit-args.js';

/** Longest Tab name or client ID the aggregator accepts (ingest enforces its own, shorter limit). */
const MAX_NAME_LENGTH = 1024;

function checkName(what: string, name: string): void {
  const problem = nameProblem(what, name, MAX_NAME_LENGTH);
  if (problem) throw new InvalidArgumentError('INVALID_NAME', problem);
}

/** A Delta's bytes, once checked (MALFORMED_DELTA otherwise). */
function checked(delta: Uint8Array): Uint8Array {
  checkTabOps(delta);
  return delta;
}

/**
 * Turns a CommitRequest into commit parts, checking everything that becomes a Redis key:
 * a malformed request is INVALID_ARGUMENT and nothing of it is applied.
 */
export function toCommitParts(
  request: CommitRequest__Output,
  partitionCount: number,
): CommitPart[] {
  return request.parts.map((part, index) => {
    if (
      !Number.isInteger(part.partition) ||
      part.partition < 0 ||
      part.partition >= partitionCount
    ) {
      throw new InvalidArgumentError(
        'INVALID_PARTITION',
        `part ${index}: partition ${part.partition} is outside 0..${partitionCount - 1}`,
      );
    }
    checkName('client ID', part.clientId);
    return {
      partition: part.partition,
      client: part.clientId,
      seq: part.seq,
      session: part.session,
      tabs: part.tabs.map(tab => {
        checkName('name', tab.name);
        if (tab.type === 'TAB_TYPE_UNSPECIFIED') {
          throw new InvalidArgumentError(
            'INVALID_TYPE',
            `part ${index}: Tab ${tab.name} has no type`,
          );
        }
        return {
          name: tab.name,
          spec: typeSpec(tab.type as TabTypeName, tab.bounds),
          delta: checked(tab.delta),
        };
      }),
    };
  });
}

/**
 * The response: per part, duplicate, refused (and why) or applied, events applied, conflicting
 * and cap-refused Tabs, and the client's mark before the call.
 */
export function toCommitResponse(
  request: CommitRequest__Output,
  outcomes: readonly PartOutcome[],
): CommitResponse {
  return {
    results: request.parts.map((part, i) => {
      const outcome = outcomes[i];
      const status = outcome?.status ?? 'applied';
      const conflicts = outcome?.conflicts ?? new Map<string, string>();
      const refusedTabs = outcome?.refusedTabs ?? new Map<string, string>();
      const events =
        status === 'applied'
          ? part.tabs.reduce(
              (sum, tab) =>
                sum + (conflicts.has(tab.name) || refusedTabs.has(tab.name) ? 0 : tab.events),
              0,
            )
          : 0;
      return {
        partition: part.partition,
        duplicate: status === 'duplicate',
        events,
        conflicts: [...conflicts].map(([name, storedType]) => ({ name, storedType })),
        refused: status === 'SEQ_REGRESSION' || status === 'SESSION_FENCED' ? status : '',
        markSession: outcome?.mark.session ?? 0,
        markSeq: outcome?.mark.seq ?? 0,
        refusedTabs: [...refusedTabs].map(([name, cap]) => ({ name, cap })),
      };
    }),
  };
}
