// Every change type an agent can take by phone, in the order the account page lists them.
import { changeName, correspondence, ctrReferral, directDebit, paperless, paperlessWithdrawal } from './billing';
import { adultIn, adultOut, applySpd, claimExemption, disabledReduction, disregard, removeSpd } from './household';
import type { ChangeDef } from './model';
import { moveIn, moveOut, moveWithin } from './moving';

export const CHANGES = [
  moveOut,
  moveIn,
  moveWithin,
  adultIn,
  adultOut,
  applySpd,
  removeSpd,
  disregard,
  claimExemption,
  disabledReduction,
  changeName,
  correspondence,
  paperless,
  paperlessWithdrawal,
  directDebit,
  ctrReferral,
] as const satisfies readonly ChangeDef[];

export type ChangeKind = (typeof CHANGES)[number]['kind'];

export function changeBySlug(slug: string): ChangeDef | undefined {
  return CHANGES.find((c) => c.slug === slug);
}

/** The change type's words for a request's wire name (`council_tax.move_out`). */
export function kindLabel(wire: string): string {
  const kind = wire.replace(/^council_tax\./, '');
  return CHANGES.find((c) => c.kind === kind)?.label ?? kind.replace(/_/g, ' ');
}
