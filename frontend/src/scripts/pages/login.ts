// Login: exchanges the admin token or a client key for a session cookie, then lands by role.
import { ApiError } from '../../lib/api-error.js';
import { api } from '../../lib/api.js';
import { byId } from '../../lib/dom.js';
import { onSubmit, showErrors, text } from '../../lib/forms.js';
import { landingFor } from '../../lib/landing.js';
import { currentRole, rememberRole } from '../../lib/session.js';

const form = byId<HTMLFormElement>('login');
const next = new URLSearchParams(location.search).get('next');

onSubmit(form, async () => {
  const token = text(form, 'token').trim();
  if (!token) {
    showErrors(form, '', { token: 'Enter the admin token or your client key.' });
    return;
  }
  try {
    const { role } = await api.login(token);
    rememberRole(role);
    location.assign(landingFor(role, next));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showErrors(form, '', { token: 'That token or key was not accepted. Check it and try again.' });
      return;
    }
    if (err instanceof ApiError && err.status === 429) {
      showErrors(form, err.message || 'Too many attempts. Wait a minute and try again.', {});
      return;
    }
    throw err;
  }
});

byId<HTMLInputElement>('login-token').focus();

// Already signed in (e.g. the login page was bookmarked): go straight to where the role belongs.
void currentRole().then((role) => {
  if (role) location.replace(landingFor(role, next));
});
