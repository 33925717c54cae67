// How a staff member's sites read on screen. What their roles open is not decided here: the desk
// reports it as capabilities (AppInfo.capabilities), from one function in desk-domain.
import type { Centre } from './bindings/Centre';
import type { Site } from './bindings/Site';

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
