// Moving in, out and within the area.
import { addressError, nameError, postcodeError, textError, uprnError } from './fields';
import { effectiveQuestion, liableOptions, nameField, dobField, personQuestion } from './common';
import type { Answers, ChangeDef, Option, Question } from './model';

const TENURE: Option[] = [
  { value: 'owner', label: 'Owner' },
  { value: 'tenant', label: 'Tenant' },
];

const NEXT: Option[] = [
  { value: 'unknown', label: 'Not known', hint: 'Only when someone else stays liable at the property' },
  { value: 'new_liable', label: 'A new owner or tenant' },
  { value: 'exemption', label: 'Nobody: the property will be exempt' },
];

const nextQuestion: Question = {
  id: 'next',
  title: 'Who will be liable for the property after they leave?',
  say: 'Ask: "Do you know who will be responsible for the property after you leave — a buyer or a new tenant?"',
  fields: [
    {
      id: 'next',
      kind: 'radios',
      label: 'Who will be liable for the property after they leave?',
      summary: 'Liable next',
      required: 'Select who will be liable next',
      options: () => NEXT,
    },
    {
      id: 'next_name',
      kind: 'text',
      label: 'Name of the new owner or tenant',
      summary: 'New owner or tenant',
      required: 'Enter the name of the new owner or tenant',
      check: (v) => nameError(v, 'Name'),
      when: (a) => a.next === 'new_liable',
    },
  ],
  check: (a, ctx): Record<string, string> =>
    a.next === 'unknown' && ctx.detail.liable.length <= 1
      ? { next: 'Nobody else is liable, so say who will be: a new owner or tenant, or that the property will be exempt' }
      : {},
};

const next = (a: Answers): Record<string, unknown> =>
  a.next === 'new_liable' ? { kind: 'new_liable', name: a.next_name?.trim() } : { kind: a.next };

export const moveOut: ChangeDef = {
  kind: 'move_out',
  slug: 'move-out',
  label: 'Moving out',
  description: 'A liable person leaves the property: forwarding address, sale or tenancy end',
  questions: [
    personQuestion('person', 'Who is moving out?', 'Ask: "Who is moving out of the property?"', 'Moving out'),
    effectiveQuestion(
      'What date do they move out?',
      'Ask: "What date do you move out?" They pay up to the day before this date. Use the exact date: the bill is worked out by the day.',
    ),
    {
      id: 'forwarding',
      title: 'What is their forwarding address?',
      hint: 'Include the postcode. This is where the final bill will go.',
      say: 'Ask: "What address should we send your final bill to?" Read it back to check it.',
      fields: [
        {
          id: 'forwarding_address',
          kind: 'textarea',
          label: 'What is their forwarding address?',
          hint: 'Include the postcode. This is where the final bill will go.',
          summary: 'Forwarding address',
          required: 'Enter the forwarding address',
          check: (v) => addressError(v, 'Forwarding address'),
        },
      ],
    },
    {
      id: 'tenure',
      title: 'Did they own or rent the property?',
      say: 'Ask: "Did you own the property or rent it?"',
      fields: [
        { id: 'tenure', kind: 'radios', label: 'Did they own or rent the property?', summary: 'Owner or tenant', required: 'Select owner or tenant', options: () => TENURE },
      ],
    },
    {
      id: 'end',
      title: 'What is the date of entry of the sale, or the tenancy’s end date?',
      hint: 'Leave empty if it is not known yet',
      say: 'Ask: "When does the sale complete?" or "When does your tenancy end?" It is fine not to know yet.',
      fields: [
        {
          id: 'sale_or_tenancy_end',
          kind: 'date',
          label: 'What is the date of entry of the sale, or the tenancy’s end date?',
          hint: 'Leave empty if it is not known yet. For example, 27 3 2026',
          summary: 'Sale or tenancy end',
        },
      ],
    },
    {
      id: 'representative',
      title: 'Is a solicitor, agent or landlord handling it?',
      say: 'Ask: "Is a solicitor, estate agent or landlord dealing with the sale or the end of the tenancy?" Take their name and a phone number or email.',
      fields: [
        {
          id: 'representative',
          kind: 'radios',
          label: 'Is a solicitor, agent or landlord handling it?',
          summary: 'Handled by',
          required: 'Select who is handling it, or no one',
          options: () => [
            { value: 'none', label: 'No one' },
            { value: 'solicitor', label: 'Solicitor' },
            { value: 'agent', label: 'Estate or letting agent' },
            { value: 'landlord', label: 'Landlord' },
          ],
        },
        {
          id: 'representative_name',
          kind: 'text',
          label: 'Their name or firm',
          summary: 'Their name',
          required: 'Enter their name or firm',
          check: (v) => nameError(v, 'Name'),
          when: (a) => !!a.representative && a.representative !== 'none',
        },
        {
          id: 'representative_contact',
          kind: 'text',
          label: 'Their phone number or email',
          summary: 'Their contact',
          required: 'Enter their phone number or email',
          check: (v) => textError(v, 'Contact', 200),
          when: (a) => !!a.representative && a.representative !== 'none',
        },
      ],
    },
    nextQuestion,
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({
    person: a.person,
    forwarding_address: a.forwarding_address!.trim(),
    tenure: a.tenure,
    sale_or_tenancy_end: a.sale_or_tenancy_end || null,
    representative:
      a.representative && a.representative !== 'none'
        ? { kind: a.representative, name: a.representative_name!.trim(), contact: a.representative_contact!.trim() }
        : null,
    next: next(a),
  }),
  done: 'Say: "We will send your final bill to your forwarding address. Please keep the reference."',
};

export const moveIn: ChangeDef = {
  kind: 'move_in',
  slug: 'move-in',
  label: 'Moving in',
  description: 'A new liable person at the property',
  questions: [
    {
      id: 'who',
      title: 'Who is moving in?',
      say: 'Ask: "What is the full name of the person moving in, and their date of birth?"',
      fields: [nameField('name', 'Full name'), dobField('date_of_birth')],
    },
    effectiveQuestion('What date do they move in?', 'Ask: "What date did you get the keys, or move in?" They pay from this date.'),
    {
      id: 'tenure',
      title: 'Do they own or rent the property?',
      say: 'Ask: "Have you bought the property or are you renting it?"',
      fields: [{ id: 'tenure', kind: 'radios', label: 'Do they own or rent the property?', summary: 'Owner or tenant', required: 'Select owner or tenant', options: () => TENURE }],
    },
    {
      id: 'previous',
      title: 'What was their previous address?',
      hint: 'Leave empty if they do not want to give it',
      say: 'Ask: "Where did you live before?"',
      fields: [
        {
          id: 'previous_address',
          kind: 'textarea',
          label: 'What was their previous address?',
          hint: 'Leave empty if they do not want to give it',
          summary: 'Previous address',
          check: (v) => addressError(v, 'Previous address'),
        },
      ],
    },
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({
    name: a.name!.trim(),
    date_of_birth: a.date_of_birth,
    tenure: a.tenure,
    previous_address: a.previous_address?.trim() || null,
  }),
  done: 'Say: "Your first bill will come by post within two weeks. Please keep the reference."',
};

export const moveWithin: ChangeDef = {
  kind: 'move_within',
  slug: 'move-within',
  label: 'Moving within the area',
  description: 'A liable person moves to another property in the council’s area',
  questions: [
    personQuestion('person', 'Who is moving?', 'Ask: "Who is moving to the new address?"', 'Moving'),
    effectiveQuestion('What date do they move?', 'Ask: "What date do you move into the new address?"'),
    {
      id: 'new',
      title: 'What is the new address?',
      say: 'Ask: "What is the new address and its postcode?" If they have a council tax bill for it, the UPRN is on it.',
      fields: [
        { id: 'new_address', kind: 'textarea', label: 'New address', summary: 'New address', required: 'Enter the new address', check: (v) => addressError(v, 'New address') },
        { id: 'new_postcode', kind: 'text', label: 'Postcode', summary: 'New postcode', width: 'govuk-input--width-10', required: 'Enter the postcode', check: (v) => postcodeError(v) },
        {
          id: 'new_uprn',
          kind: 'text',
          label: 'UPRN (optional)',
          hint: 'Unique Property Reference Number: up to 12 digits',
          summary: 'New UPRN',
          width: 'govuk-input--width-20',
          inputmode: 'numeric',
          check: (v) => uprnError(v),
        },
      ],
    },
    nextQuestion,
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({
    person: a.person,
    new_address: a.new_address!.trim(),
    new_postcode: a.new_postcode!.trim(),
    new_uprn: a.new_uprn?.trim() || null,
    next: next(a),
  }),
  done: 'Say: "We will close the bill here from the day before you move and open one at your new address."',
};

export { liableOptions };
