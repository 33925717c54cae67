// Development preview: the real interface over a fake desk. Query options: ?signedIn=0,
// ?progress=1, ?attention=0, ?demo=0.
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { mount } from 'svelte';

import App from '../App.svelte';
import '../styles/app.scss';
import { FakeDesk } from './fakeDesk';

const q = new URLSearchParams(window.location.search);
const desk = new FakeDesk({
  signedIn: q.get('signedIn') !== '0',
  progress: q.get('progress') === '1',
  attention: q.get('attention') !== '0',
  demo: q.get('demo') !== '0',
});
mockIPC(
  async (cmd, payload) => {
    // A little latency, as a real desk has.
    await new Promise((r) => setTimeout(r, 5));
    return desk.handle(cmd, payload ?? {});
  },
  { shouldMockEvents: true },
);
desk.listeners.push((status) => void emit('sync-status', status));

const target = document.getElementById('app');
if (!target) throw new Error('preview.html has no #app element');
mount(App, { target });
