// Words shared by the council-tax screens.
import type { Authority, Item, RequestStatus } from '../types';

export const dateFieldsDefaultHint = 'For example, 27 3 2026';

export const ITEM_LABELS: Record<Item, string> = {
  date_of_birth: 'Date of birth',
  postcode: 'Postcode of the property',
  last_instalment: 'Amount of the last instalment',
  bank_last_four: 'Last four digits of the bank account',
  phone: 'Phone number held',
};

export const ITEM_HINTS: Record<Item, string> = {
  date_of_birth: 'Of the liable person, for example 27/03/1987',
  postcode: 'For example, IV30 1BX',
  last_instalment: 'In pounds and pence, for example 157.38',
  bank_last_four: 'The last 4 digits of the account the Direct Debit is taken from',
  phone: 'As the caller says it',
};

export const ITEMS: Item[] = ['date_of_birth', 'postcode', 'last_instalment', 'bank_last_four', 'phone'];

export const AUTHORITY_LABELS: Record<Authority, string> = {
  power_of_attorney: 'Power of attorney',
  appointee: 'Appointee',
  executor: 'Executor',
  landlord: 'Landlord',
  agent: 'Letting or managing agent',
};

export const STATUS_LABELS: Record<RequestStatus, string> = {
  received: 'Received',
  exported: 'Sent to revenues',
  processed: 'Processed',
  queried: 'Queried',
  rejected: 'Rejected',
};

export const STATUS_TAGS: Record<RequestStatus, string> = {
  received: 'govuk-tag--blue',
  exported: 'govuk-tag--light-blue',
  processed: 'govuk-tag--green',
  queried: 'govuk-tag--yellow',
  rejected: 'govuk-tag--red',
};

/** The consent read before paperless billing starts. Fictional demo wording: a council sets its
 * own in its e-billing terms, and the version recorded with each sign-up says which was read. */
export const PAPERLESS_CONSENT = {
  version: 'e-billing-2026-1',
  wording:
    'From now on your council tax bills and notices will be sent by email instead of by post. ' +
    'A bill sent by email counts as served on the day it is sent. You can go back to paper bills at any time by contacting us.',
};
