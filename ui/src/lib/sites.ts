// What a staff member's roles open in the interface. The server enforces scope; this only keeps
// the navigation to what the member of staff can use.
import type { Centre } from './bindings/Centre';
import type { Role } from './bindings/Role';
import type { Site } from './bindings/Site';

export function canUseLeisure(roles: readonly Role[]): boolean {
  return roles.includes('leisure-desk') || roles.includes('supervisor');
}

export interface NavItem {
  id: 'timetable' | 'attention';
  label: string;
  href: string;
}

export function navItems(roles: readonly Role[]): NavItem[] {
  const items: NavItem[] = [];
  if (canUseLeisure(roles)) items.push({ id: 'timetable', label: 'Leisure timetable', href: '#/timetable' });
  items.push({ id: 'attention', label: 'Needs attention', href: '#/attention' });
  return items;
}

const KIND_WORDS: Record<string, string> = { leisure: 'Leisure centre', school: 'School', office: 'Council tax office' };

/** "Riverside Leisure Centre" when the centre is known on this desk, else "Leisure centre 3". */
export function siteLabel(site: Site, centres: readonly Centre[]): string {
  const [kind = '', idText = ''] = site.split(':');
  const id = Number(idText);
  if (kind === 'leisure') {
    const centre = centres.find((c) => c.id === id);
    if (centre) return centre.name;
  }
  return `${KIND_WORDS[kind] ?? site} ${idText}`.trim();
}

/** The leisure centre ids among a staff member's sites, in the order given. */
export function leisureCentreIds(sites: readonly Site[]): number[] {
  return sites
    .map((s) => s.split(':'))
    .filter(([kind]) => kind === 'leisure')
    .map(([, id]) => Number(id))
    .filter((id) => Number.isInteger(id) && id > 0);
}
