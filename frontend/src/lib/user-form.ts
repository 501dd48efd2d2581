// Reads and fills the shared user form (components/UserForm.astro).
import { formatList, inputNumber, optionalNumber, parseList } from './form-values.js';
import { checked, fill, text } from './forms.js';
import type { User, UserInput } from './types.js';

export function fillUserForm(form: HTMLFormElement, u: User | null): void {
  fill(form, {
    name: u?.name ?? '',
    providerGroup: u?.providerGroup ?? 'default',
    note: u?.note ?? '',
    enabled: u?.enabled ?? true,
    allowedModels: formatList(u?.allowedModels ?? []),
    rpmLimit: inputNumber(u ? u.rpmLimit : null),
    concurrentSessions: inputNumber(u?.concurrentSessions),
    limit5hUsd: inputNumber(u?.limit5hUsd),
    dailyLimitUsd: inputNumber(u?.dailyLimitUsd),
    limitWeeklyUsd: inputNumber(u?.limitWeeklyUsd),
    limitMonthlyUsd: inputNumber(u?.limitMonthlyUsd),
    limitTotalUsd: inputNumber(u?.limitTotalUsd),
  });
}

export function readUserForm(form: HTMLFormElement): UserInput {
  return {
    name: text(form, 'name').trim(),
    providerGroup: text(form, 'providerGroup').trim() || 'default',
    note: text(form, 'note'),
    enabled: checked(form, 'enabled'),
    allowedModels: parseList(text(form, 'allowedModels')),
    rpmLimit: optionalNumber(text(form, 'rpmLimit')),
    concurrentSessions: optionalNumber(text(form, 'concurrentSessions')),
    limit5hUsd: optionalNumber(text(form, 'limit5hUsd')),
    dailyLimitUsd: optionalNumber(text(form, 'dailyLimitUsd')),
    limitWeeklyUsd: optionalNumber(text(form, 'limitWeeklyUsd')),
    limitMonthlyUsd: optionalNumber(text(form, 'limitMonthlyUsd')),
    limitTotalUsd: optionalNumber(text(form, 'limitTotalUsd')),
  };
}

/** A one-line summary of a user's or key's spend limits. */
export function limitsSummary(l: Partial<Pick<User, 'limit5hUsd' | 'dailyLimitUsd' | 'limitWeeklyUsd' | 'limitMonthlyUsd' | 'limitTotalUsd'>>,
  usd: (n: number) => string): string {
  const parts = [
    l.limit5hUsd != null ? `5h ${usd(l.limit5hUsd)}` : null,
    l.dailyLimitUsd != null ? `day ${usd(l.dailyLimitUsd)}` : null,
    l.limitWeeklyUsd != null ? `week ${usd(l.limitWeeklyUsd)}` : null,
    l.limitMonthlyUsd != null ? `month ${usd(l.limitMonthlyUsd)}` : null,
    l.limitTotalUsd != null ? `total ${usd(l.limitTotalUsd)}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no spend limits';
}
