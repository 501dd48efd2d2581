// One change to one limit state item, as both backends (state-backend.ts) apply it.

export interface StateKey {
  PK: string;
  SK: string;
}

/** One change to one item: top-level attributes set, added to, removed; optional preconditions. */
export interface StateChange {
  set: [string, unknown][];
  add: [string, number][];
  remove: string[];
  /** The item must exist and these attributes must hold these values. */
  expect?: { exists: true; equals: [string, unknown][] };
}

export class StateConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}
