// Who lives there and what the bill takes off for it: adults in and out, the single person
// discount, disregards, exemptions and the disabled band reduction.
import { dateFieldsDefaultHint } from './words';
import { textError } from './fields';
import { dobField, effectiveQuestion, nameField, personQuestion } from './common';
import type { ChangeDef, Option } from './model';

export const adultIn: ChangeDef = {
  kind: 'adult_in',
  slug: 'adult-in',
  label: 'Another adult moving in',
  description: 'Someone 18 or over who is not liable comes to live there',
  questions: [
    {
      id: 'who',
      title: 'Who has moved in?',
      say: 'Ask: "What is the full name of the adult who has moved in, and their date of birth?"',
      fields: [nameField('name', 'Full name'), dobField('date_of_birth')],
    },
    effectiveQuestion('What date did they move in?', 'Ask: "What date did they move in?" A single person discount ends from this date.'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ name: a.name!.trim(), date_of_birth: a.date_of_birth }),
  done: 'Say: "If you had a single person discount it stops from that date; a new bill will follow."',
};

export const adultOut: ChangeDef = {
  kind: 'adult_out',
  slug: 'adult-out',
  label: 'Another adult moving out',
  description: 'Someone 18 or over who is not liable leaves',
  questions: [
    {
      id: 'who',
      title: 'Who has moved out?',
      say: 'Ask: "What is the full name of the adult who has moved out?"',
      fields: [nameField('name', 'Full name')],
    },
    effectiveQuestion('What date did they move out?', 'Ask: "What date did they move out?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ name: a.name!.trim() }),
  done: 'Say: "Thank you. If you now live alone you can ask for a single person discount."',
};

export const applySpd: ChangeDef = {
  kind: 'apply_spd',
  slug: 'single-person-discount',
  label: 'Single person discount: apply',
  description: '25% off when only one adult lives there',
  questions: [
    {
      id: 'alone',
      title: 'Is the caller now the only adult living at the property?',
      say: 'Ask: "Apart from you, does anyone aged 18 or over live at the property — even for part of the week?" Children and some people (students, carers) do not count.',
      fields: [
        {
          id: 'alone',
          kind: 'radios',
          label: 'Is the caller now the only adult living at the property?',
          summary: 'Only adult',
          required: 'Select yes or no',
          options: () => [
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ],
          check: (v) => (v === 'no' ? 'A single person discount is only for a home where one adult is counted. Record the other adults first' : null),
        },
      ],
    },
    effectiveQuestion(
      'From what date have they been the only adult?',
      'Ask: "From what date have you lived there as the only adult?" If a partner moved out, it is the day they left.',
    ),
  ],
  effective: (a) => a.effective!,
  fields: () => ({}),
  done: 'Say: "The 25% discount applies from that date. Tell us at once if another adult moves in."',
};

export const removeSpd: ChangeDef = {
  kind: 'remove_spd',
  slug: 'single-person-discount-end',
  label: 'Single person discount: remove',
  description: 'Another adult is counted again',
  questions: [effectiveQuestion('From what date does the discount end?', 'Ask: "From what date has another adult lived with you?"')],
  effective: (a) => a.effective!,
  fields: () => ({}),
  done: 'Say: "The discount stops from that date and a new bill will follow."',
};

/** DOMAIN-DETAIL §2.2 (Shelter Scotland), as desk-domain's DisregardReason. */
const DISREGARDS: Option[] = [
  { value: 'child_benefit_still_payable', label: '18 or under with child benefit still payable' },
  { value: 'school_or_college_leaver', label: 'School or college leaver under 20' },
  { value: 'student_under20', label: 'Student under 20 (up to HNC or equivalent)', hint: 'Evidence to follow' },
  { value: 'care_leaver', label: 'Care leaver aged 18 to 25', hint: 'Evidence to follow' },
  { value: 'foreign_language_assistant', label: 'Foreign language assistant' },
  { value: 'full_time_student', label: 'Full-time student', hint: 'Evidence to follow: a student certificate' },
  { value: 'diplomatic_privilege', label: 'Diplomatic privilege' },
  { value: 'foreign_students_spouse_or_dependant', label: 'Foreign student’s spouse or dependant' },
  { value: 'apprentice', label: 'Apprentice', hint: 'Evidence to follow' },
  { value: 'youth_trainee', label: 'Youth trainee under 25', hint: 'Evidence to follow' },
  { value: 'prison_or_detention', label: 'In prison or detention' },
  { value: 'severe_mental_impairment', label: 'Severe mental impairment', hint: 'Evidence to follow: a doctor’s certificate and a qualifying benefit' },
  { value: 'carer', label: 'Carer (over 35 hours a week)', hint: 'Evidence to follow' },
  { value: 'hospital_patient', label: 'Hospital patient' },
  { value: 'care_home', label: 'In a care home, private hospital or hostel' },
  { value: 'international_headquarters_or_defence', label: 'Member of an international headquarters or defence organisation' },
  { value: 'visiting_forces', label: 'Visiting forces' },
  { value: 'religious_community', label: 'Member of a religious community' },
  { value: 'homes_for_ukraine_guest', label: 'Homes for Ukraine guest' },
];

export const disregard: ChangeDef = {
  kind: 'disregard',
  slug: 'disregard',
  label: 'Disregard a person',
  description: 'Someone not counted for discount (students, carers, care homes…)',
  questions: [
    {
      id: 'who',
      title: 'Who should not be counted?',
      say: 'Ask: "Who in the household is it — their full name?"',
      fields: [nameField('person', 'Full name')],
    },
    {
      id: 'reason',
      title: 'Why should they not be counted?',
      say: 'Ask why, then choose the reason. Where it says evidence to follow, tell the caller a form will be sent.',
      fields: [{ id: 'reason', kind: 'radios', label: 'Why should they not be counted?', summary: 'Reason', required: 'Select the reason', options: () => DISREGARDS }],
    },
    effectiveQuestion('From what date?', 'Ask: "From what date did this start?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ person: a.person!.trim(), reason: a.reason }),
  done: 'Say: "Where evidence is needed we will send a form; the discount is confirmed once we have it."',
};

/** Schedule 1 to S.I. 1997/728 (Scottish paragraphs, DOMAIN-DETAIL §2.3), as desk-domain's Exemption. */
const EXEMPTIONS: Option[] = [
  { value: 'new_dwelling', label: 'Paragraph 1: new dwelling, unoccupied and unfurnished', hint: 'Up to 6 months from first entry in the valuation list' },
  { value: 'major_repair', label: 'Paragraph 2: unoccupied, major repair or structural alteration', hint: 'Up to 12 months from last occupation' },
  { value: 'charity_owned', label: 'Paragraph 3: unoccupied, last occupied by a charity', hint: 'Up to 6 months from last occupation' },
  { value: 'unoccupied_unfurnished', label: 'Paragraph 4: unoccupied and unfurnished', hint: 'Up to 6 months' },
  { value: 'resident_in_care', label: 'Paragraph 5: last resident in hospital or a care home', hint: 'No time limit' },
  { value: 'students_only', label: 'Paragraph 10: occupied only by students or people under 18', hint: 'No time limit' },
  { value: 'deceased_estate', label: 'Deceased person’s estate', hint: 'Up to 6 months from confirmation' },
];

const SINCE_WORDS: Record<string, string> = {
  new_dwelling: 'first entered in the valuation list',
  major_repair: 'last occupied',
  charity_owned: 'last occupied',
  unoccupied_unfurnished: 'last occupied or furnished',
  deceased_estate: 'confirmation was granted (leave empty if not yet)',
};

export const claimExemption: ChangeDef = {
  kind: 'claim_exemption',
  slug: 'exemption',
  label: 'Claim an exemption',
  description: 'The Scottish exemption paragraphs, with their time limits',
  questions: [
    {
      id: 'exemption',
      title: 'Which exemption is being claimed?',
      say: 'Ask why nobody pays: empty, being repaired, only students, the last resident in care, an estate. Choose the paragraph that fits.',
      fields: [{ id: 'exemption', kind: 'radios', label: 'Which exemption is being claimed?', summary: 'Exemption', required: 'Select the exemption', options: () => EXEMPTIONS }],
    },
    {
      id: 'since',
      title: 'When does its time limit run from?',
      say: 'Ask for the date the time limit runs from. The exemption ends when the limit runs out.',
      when: (a) => a.exemption !== undefined && a.exemption in SINCE_WORDS,
      fields: [
        {
          id: 'since',
          kind: 'date',
          label: 'When does its time limit run from?',
          hint: `The date it was last occupied, first listed, or confirmation was granted, as the exemption needs. Leave empty if not yet known. ${dateFieldsDefaultHint}`,
          summary: 'Time limit runs from',
        },
      ],
    },
    effectiveQuestion('From what date is the exemption claimed?', 'Ask: "From what date should the exemption start?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ exemption: a.exemption, since: a.since || null }),
  done: 'Say: "We will check the claim and write to you. The bill stays as it is until then."',
};

export const disabledReduction: ChangeDef = {
  kind: 'disabled_reduction',
  slug: 'disabled-band-reduction',
  label: 'Disabled band reduction',
  description: 'Charged at the band below for a feature a disabled person needs',
  questions: [
    {
      id: 'who',
      title: 'Who is the disabled person living there?',
      say: 'Ask: "Who in the household is disabled?"',
      fields: [nameField('person', 'Full name')],
    },
    {
      id: 'feature',
      title: 'What feature of the home do they need?',
      hint: 'For example, a second bathroom, or a room kept for a wheelchair',
      say: 'Ask: "What in the home is there because of the disability — an extra bathroom or kitchen, or room for a wheelchair?"',
      fields: [
        {
          id: 'feature',
          kind: 'textarea',
          label: 'What feature of the home do they need?',
          hint: 'For example, a second bathroom, or a room kept for a wheelchair',
          summary: 'Feature',
          required: 'Enter the feature of the home they need',
          check: (v) => textError(v, 'Feature'),
        },
      ],
    },
    effectiveQuestion('From what date?', 'Ask: "Since when has the home had this feature for them?"'),
  ],
  effective: (a) => a.effective!,
  fields: (a) => ({ person: a.person!.trim(), feature: a.feature!.trim() }),
  done: 'Say: "We will send a form and may visit. If it is agreed, the bill is charged one band lower."',
};

