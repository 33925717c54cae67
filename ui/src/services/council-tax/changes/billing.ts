// The account's own details: names, where letters go, paperless billing, Direct Debit and a
// Council Tax Reduction referral.
import { addressError, bankAccountError, emailError, nameError, postcodeError, sortCodeError } from './fields';
import { effectiveQuestion, nameField, personQuestion } from './common';
import type { ChangeDef } from './model';
import { PAPERLESS_CONSENT } from './words';

export const changeName: ChangeDef = {
  kind: 'change_name',
  slug: 'change-name',
  label: 'Change of name',
  description: 'A liable person’s name changes (marriage, deed poll)',
  questions: [
    personQuestion('person', 'Whose name has changed?', 'Ask: "Whose name has changed?"', 'Name now on the account'),
    { id: 'new', title: 'What is their new name?', say: 'Ask: "What is your new full name?" Spell it back.', fields: [nameField('new_name', 'What is their new name?', 'New name')] },
    effectiveQuestion('From what date?', 'Ask: "From what date have you used the new name?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ person: a.person, new_name: a.new_name!.trim() }),
  done: 'Say: "Your next bill will show your new name."',
};

export const correspondence: ChangeDef = {
  kind: 'correspondence_address',
  slug: 'correspondence-address',
  label: 'Correspondence address',
  description: 'Where bills and letters are sent',
  questions: [
    {
      id: 'address',
      title: 'Where should letters be sent?',
      say: 'Ask: "What address should we send your bills and letters to?" Read it back.',
      fields: [
        { id: 'address', kind: 'textarea', label: 'Address', summary: 'Send letters to', required: 'Enter the address', check: (v) => addressError(v) },
        { id: 'postcode', kind: 'text', label: 'Postcode', summary: 'Postcode', width: 'govuk-input--width-10', required: 'Enter the postcode', check: (v) => postcodeError(v) },
      ],
    },
    effectiveQuestion('From what date?', 'Ask: "From when should we use this address?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ address: a.address!.trim(), postcode: a.postcode!.trim() }),
  done: 'Say: "Letters will go to the new address from that date."',
};

export const paperless: ChangeDef = {
  kind: 'paperless_sign_up',
  slug: 'paperless',
  label: 'Paperless billing: sign up',
  description: 'Bills by email instead of post',
  questions: [
    {
      id: 'email',
      title: 'What email address should bills go to?',
      say: 'Ask: "What email address should we send your bills to?" Type it, then ask them to spell it again and type it a second time.',
      fields: [
        { id: 'email', kind: 'text', label: 'Email address', summary: 'Email address', inputmode: 'email', autocomplete: 'email', required: 'Enter the email address', check: (v) => emailError(v) },
        { id: 'email_again', kind: 'text', label: 'Email address again', hint: 'Ask the caller to spell it again', summary: 'Email address again', inputmode: 'email', autocomplete: 'off', hidden: true, required: 'Enter the email address again', check: (v) => emailError(v) },
      ],
      check: (a): Record<string, string> =>
        a.email && a.email_again && a.email.trim().toLowerCase() !== a.email_again.trim().toLowerCase()
          ? { email_again: 'The email addresses do not match. Ask the caller to spell it again' }
          : {},
    },
    {
      id: 'consent',
      title: 'Read the paperless terms to the caller',
      say: 'Read the words in the box exactly as written, then ask: "Are you happy to go paperless on these terms?"',
      fields: [
        {
          id: 'consent',
          kind: 'consent',
          label: 'The caller agrees to paperless billing on these terms',
          summary: 'Terms read and agreed',
          wording: PAPERLESS_CONSENT.wording,
          required: 'Confirm the caller agrees, or go back to the account without signing them up',
        },
      ],
    },
  ],
  effective: (_a, ctx) => ctx.today,
  fields: (a) => ({
    email: a.email!.trim(),
    email_again: a.email_again!.trim(),
    consent_wording: PAPERLESS_CONSENT.wording,
    consent_version: PAPERLESS_CONSENT.version,
  }),
  done: 'Say: "Your next bill will come by email. Check your junk folder if you do not see it."',
};

export const paperlessWithdrawal: ChangeDef = {
  kind: 'paperless_withdrawal',
  slug: 'paperless-stop',
  label: 'Paperless billing: stop',
  description: 'Back to bills by post',
  questions: [
    {
      id: 'confirm',
      title: 'Confirm the caller wants paper bills again',
      say: 'Ask: "Would you like your bills by post again, from today?"',
      fields: [{ id: 'confirm', kind: 'consent', label: 'The caller wants paper bills from today', summary: 'Paper bills from today', required: 'Confirm the caller wants paper bills' }],
    },
  ],
  effective: (_a, ctx) => ctx.today,
  fields: () => ({}),
  done: 'Say: "Your next bill will come by post."',
};

export const directDebit: ChangeDef = {
  kind: 'direct_debit',
  slug: 'direct-debit',
  label: 'Direct Debit',
  description: 'Set up or change: 10 or 12 monthly instalments on the 5th, 15th or 25th',
  questions: [
    {
      id: 'bank',
      title: 'What are the bank details?',
      say: 'Ask for the name on the bank account, the sort code and the account number. Read them back. They are sent once and only the last four digits are kept.',
      fields: [
        { id: 'account_holder', kind: 'text', label: 'Name on the account', summary: 'Name on the account', required: 'Enter the name on the account', check: (v) => nameError(v, 'Name on the account') },
        { id: 'sort_code', kind: 'text', label: 'Sort code', hint: 'Must be 6 digits long', summary: 'Sort code', width: 'govuk-input--width-5', inputmode: 'numeric', required: 'Enter the sort code', check: (v) => sortCodeError(v) },
        { id: 'account_number', kind: 'text', label: 'Account number', hint: 'Must be 8 digits long', summary: 'Account number', width: 'govuk-input--width-10', inputmode: 'numeric', required: 'Enter the account number', check: (v) => bankAccountError(v) },
      ],
    },
    {
      id: 'plan',
      title: 'How many instalments?',
      say: 'Ask: "Would you like to pay in 10 monthly instalments, April to January, or 12, April to March?"',
      fields: [
        {
          id: 'instalments',
          kind: 'radios',
          label: 'How many instalments?',
          summary: 'Instalments',
          required: 'Select 10 or 12 instalments',
          options: () => [
            { value: '10', label: '10 monthly, April to January' },
            { value: '12', label: '12 monthly, April to March' },
          ],
        },
      ],
    },
    {
      id: 'day',
      title: 'Which day of the month?',
      say: 'Ask: "Which day suits you for the payment — the 5th, 15th or 25th?"',
      fields: [
        {
          id: 'day',
          kind: 'radios',
          label: 'Which day of the month?',
          summary: 'Day of the month',
          required: 'Select the 5th, 15th or 25th',
          options: () => [
            { value: '5', label: 'The 5th' },
            { value: '15', label: 'The 15th' },
            { value: '25', label: 'The 25th' },
          ],
        },
      ],
    },
    effectiveQuestion('From what date?', 'Ask: "From when should the Direct Debit start?" The first payment follows the next instalment date after it.'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({
    account_holder: a.account_holder!.trim(),
    sort_code: a.sort_code!.replace(/[\s-]/g, ''),
    account_number: a.account_number!.replace(/\s/g, ''),
    instalments: Number(a.instalments),
    day: Number(a.day),
  }),
  done: 'Say: "You will get a letter confirming the Direct Debit and the amounts at least 10 days before the first payment."',
};

export const ctrReferral: ChangeDef = {
  kind: 'ctr_referral',
  slug: 'council-tax-reduction',
  label: 'Council Tax Reduction referral',
  description: 'Record the referral and send the form',
  questions: [
    {
      id: 'sent',
      title: 'How should the form be sent?',
      say: 'Say: "Council Tax Reduction depends on your income and savings. I will send you the form." Ask how they would like it.',
      fields: [
        {
          id: 'form_sent_by',
          kind: 'radios',
          label: 'How should the form be sent?',
          summary: 'Form sent by',
          required: 'Select post or email',
          options: () => [
            { value: 'post', label: 'Post' },
            { value: 'email', label: 'Email' },
          ],
        },
      ],
    },
  ],
  effective: (_a, ctx) => ctx.today,
  fields: (a) => ({ form_sent_by: a.form_sent_by }),
  done: 'Say: "Please send the form back within a month: any reduction can go back to the date we received this call."',
};
