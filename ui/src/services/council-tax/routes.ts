// The contact centre's council-tax screens: find the account, check the caller (the restricted
// summary first), the account page, and one address per change type, each the same question-page
// journey over its definition in changes/kinds.ts.
import type { Capability } from '../../lib/bindings/Capability';
import { route } from '../../lib/routes';
import Account from './screens/Account.svelte';
import ChangeJourney from './screens/ChangeJourney.svelte';
import CheckCaller from './screens/CheckCaller.svelte';
import Search from './screens/Search.svelte';
import { account } from './stores/account.svelte';

// Open to staff whose roles reach a council-tax office (desk-domain's scope::capabilities);
// the search is their start screen.
const CT: Capability = 'council_tax.desk';

/** One entry per change type: `/council-tax/accounts/7/move-out` → the move-out questions. */
const change = <const N extends string, const S extends string>(name: N, slug: S, title: string) =>
  route({
    name,
    path: `/council-tax/accounts/:id/${slug}` as `/council-tax/accounts/:id/${S}`,
    title,
    capability: CT,
    component: ChangeJourney,
    props: (r) => ({ id: r.id, slug }),
    section: 'ct-search',
  });

export const councilTaxRoutes = [
  route({
    name: 'ct-search',
    path: '/council-tax',
    title: 'Find a council tax account',
    capability: CT,
    component: Search,
    start: true,
    section: 'ct-search',
    nav: { id: 'ct-search', label: 'Council tax', href: '#/council-tax', capability: CT },
  }),
  route({
    name: 'ct-check',
    path: '/council-tax/accounts/:id/check',
    title: 'Check the caller',
    capability: CT,
    component: CheckCaller,
    props: (r) => ({ id: r.id }),
    section: 'ct-search',
  }),
  route({
    name: 'ct-account',
    path: '/council-tax/accounts/:id',
    title: 'Council tax account',
    capability: CT,
    component: Account,
    props: (r) => ({ id: r.id }),
    section: 'ct-search',
    onSynced: () => account.synced(),
  }),
  change('ct-move-out', 'move-out', 'Moving out'),
  change('ct-move-in', 'move-in', 'Moving in'),
  change('ct-move-within', 'move-within', 'Moving within the area'),
  change('ct-adult-in', 'adult-in', 'Another adult moving in'),
  change('ct-adult-out', 'adult-out', 'Another adult moving out'),
  change('ct-apply-spd', 'single-person-discount', 'Single person discount'),
  change('ct-remove-spd', 'single-person-discount-end', 'Single person discount ends'),
  change('ct-disregard', 'disregard', 'Disregard a person'),
  change('ct-claim-exemption', 'exemption', 'Claim an exemption'),
  change('ct-disabled-reduction', 'disabled-band-reduction', 'Disabled band reduction'),
  change('ct-change-name', 'change-name', 'Change of name'),
  change('ct-correspondence-address', 'correspondence-address', 'Correspondence address'),
  change('ct-paperless-sign-up', 'paperless', 'Paperless billing'),
  change('ct-paperless-withdrawal', 'paperless-stop', 'Stop paperless billing'),
  change('ct-direct-debit', 'direct-debit', 'Direct Debit'),
  change('ct-ctr-referral', 'council-tax-reduction', 'Council Tax Reduction referral'),
];
