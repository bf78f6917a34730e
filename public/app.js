// Small comforts on top of pages that work without them. Served from /static, so the CSP needs
// no 'unsafe-inline'; loaded with `defer`, so the page is parsed when this runs.
'use strict';

/** A "Show" button beside a password field, switching it between hidden and readable. */
function addPasswordToggle(input) {
  const group = document.createElement('div');
  group.className = 'input-group';
  input.before(group);
  group.append(input);

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn btn-outline-secondary password-toggle';
  button.setAttribute('aria-controls', input.id);
  const label = input.labels[0].textContent.trim().toLowerCase();
  const reveal = (visible) => {
    input.type = visible ? 'text' : 'password';
    button.textContent = visible ? 'Hide' : 'Show';
    button.setAttribute('aria-label', `${visible ? 'Hide' : 'Show'} ${label}`);
  };
  reveal(false);
  button.addEventListener('click', () => reveal(input.type === 'password'));
  // Hidden again before sending, so that the browser never files the password as plain text.
  input.form.addEventListener('submit', () => reveal(false));
  group.append(button);
}

/** A close button on a message; focus goes to the page content once it is gone. */
function makeDismissible(alert) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn-close';
  button.setAttribute('aria-label', 'Dismiss message');
  button.addEventListener('click', () => {
    alert.remove();
    document.getElementById('main').focus();
  });
  alert.classList.add('alert-dismissible');
  alert.append(button);
}

/** A time the server wrote in UTC, shown in the reader's own time zone and language. */
const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function showLocalTime(time) {
  const moment = new Date(time.dateTime);
  if (!Number.isNaN(moment.getTime())) {
    time.textContent = localTime.format(moment);
  }
}

document.querySelectorAll('input[type="password"]').forEach(addPasswordToggle);
document.querySelectorAll('time[data-local]').forEach(showLocalTime);
document.querySelectorAll('.alert[data-dismissible]').forEach(makeDismissible);
// After a refused form, start where the first problem is.
document.querySelector('[aria-invalid="true"]')?.focus();
