// The school office's screens: Today, recording an absence call, the unexplained-absence
// worklist and the pupil page.
import { route } from '../../lib/routes';
import { school } from './stores/school.svelte';
import ClassListsScreen from './screens/ClassLists.svelte';
import LateOrLeave from './screens/LateOrLeave.svelte';
import PupilPage from './screens/PupilPage.svelte';
import RecordAbsence from './screens/RecordAbsence.svelte';
import Today from './screens/Today.svelte';
import Worklist from './screens/Worklist.svelte';

// Open to staff whose roles reach a school (desk-domain's scope::capabilities); Today is their
// start screen.
const SCHOOL = 'school.office' as const;

export const schoolRoutes = [
  route({
    name: 'school-today',
    path: '/school',
    title: 'School office today',
    capability: SCHOOL,
    component: Today,
    start: true,
    section: 'school-today',
    nav: { id: 'school-today', label: 'Today', href: '#/school', capability: SCHOOL },
    onSynced: () => school.synced(),
  }),
  route({
    name: 'record-absence',
    path: '/school/record?pupil=:pupilId',
    title: 'Record an absence',
    capability: SCHOOL,
    component: RecordAbsence,
    props: (r) => ({ pupilId: r.pupilId }),
    section: 'record-absence',
    nav: { id: 'record-absence', label: 'Record an absence', href: '#/school/record', capability: SCHOOL },
  }),
  route({
    name: 'worklist',
    path: '/school/worklist',
    title: 'Unexplained absences',
    capability: SCHOOL,
    component: Worklist,
    section: 'worklist',
    nav: { id: 'worklist', label: 'Unexplained absences', href: '#/school/worklist', capability: SCHOOL },
    onSynced: () => school.synced(),
  }),
  route({
    name: 'pupil',
    path: '/school/pupils/:id',
    title: 'Pupil',
    capability: SCHOOL,
    component: PupilPage,
    props: (r) => ({ id: r.id }),
    section: 'record-absence',
  }),
  route({
    name: 'record-late',
    path: '/school/pupils/:id/late',
    title: 'Record a late arrival',
    capability: SCHOOL,
    component: LateOrLeave,
    props: (r) => ({ id: r.id, kind: 'late' }),
    section: 'school-today',
  }),
  route({
    name: 'record-early-leave',
    path: '/school/pupils/:id/leave',
    title: 'Record an early leave',
    capability: SCHOOL,
    component: LateOrLeave,
    props: (r) => ({ id: r.id, kind: 'leave' }),
    section: 'school-today',
  }),
  route({
    name: 'class-lists',
    path: '/school/classes',
    title: 'Class lists',
    capability: SCHOOL,
    component: ClassListsScreen,
    section: 'school-today',
    onSynced: () => school.synced(),
  }),
];
