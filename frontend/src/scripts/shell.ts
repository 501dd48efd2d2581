// Runs on every page: theme toggle, mobile menu, log-out, and showing the nav for the signed-in role.
import { api } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { currentRole, forgetRole } from '../lib/session.js';
import { bindThemeToggle } from '../lib/theme.js';

bindThemeToggle(byId<HTMLButtonElement>('theme-toggle'));

const menu = byId<HTMLButtonElement>('menu-toggle');
const nav = byId('site-nav');
menu.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menu.setAttribute('aria-expanded', String(open));
});

byId<HTMLButtonElement>('logout').addEventListener('click', async () => {
  try {
    await api.logout();
  } catch {
    /* the session may already be gone; leaving is what matters */
  }
  forgetRole();
  location.assign('/login/');
});

// Nav entries carry data-for="admin keyholder none"; each shows only for the roles it names.
void currentRole().then((role) => {
  const who = role ?? 'none';
  document.body.dataset.role = who;
  for (const el of document.querySelectorAll<HTMLElement>('[data-for]')) {
    const roles = (el.dataset.for ?? '').split(' ');
    el.hidden = !roles.includes(who);
  }
});
