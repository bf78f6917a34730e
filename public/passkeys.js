// Passkeys, on the login page and the passkeys page: the two WebAuthn ceremonies, with
// @simplewebauthn/browser (served from /static/webauthn, loaded before this). The server's JSON
// routes take the page's form token in a header. Without JavaScript or WebAuthn, the pages
// work as before: passwords only.
'use strict';

(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  if (!webauthn || !webauthn.browserSupportsWebAuthn()) {
    return;
  }

  /** Posts `body` as JSON with the form's token; the answer's JSON, or an Error with its words. */
  async function postJson(form, url, body = {}) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'X-CSRF-Token': form.elements._csrf.value,
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(answer.error || 'Something went wrong. Please try again.');
    }
    return answer;
  }

  /** Says what went wrong, unless the person only closed the browser's dialog. */
  function showProblem(status, error) {
    if (error && error.name === 'NotAllowedError') {
      status.textContent = 'No passkey was used.';
    } else {
      status.textContent = error.message;
    }
    status.hidden = false;
  }

  // The passkeys page: name a new passkey, and the browser makes it.
  const addForm = document.getElementById('passkey-add');
  if (addForm) {
    const button = document.getElementById('passkey-add-button');
    const status = document.getElementById('passkey-add-status');
    document.getElementById('passkey-add-unsupported').hidden = true;
    button.disabled = false;
    addForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      status.hidden = true;
      button.disabled = true;
      try {
        const optionsJSON = await postJson(addForm, '/account/passkeys/options', {
          currentPassword: addForm.elements.currentPassword.value,
        });
        const response = await webauthn.startRegistration({ optionsJSON });
        const done = await postJson(addForm, '/account/passkeys/add', {
          name: addForm.elements.name.value,
          response,
        });
        window.location.assign(done.redirect);
      } catch (error) {
        showProblem(status, error);
        button.disabled = false;
      }
    });
  }

  // The login page: a button, and the browser's own offer of a passkey in the email field.
  const loginForm = document.getElementById('login-form');
  if (loginForm) {
    const section = document.getElementById('passkey-sign-in');
    const button = document.getElementById('passkey-sign-in-button');
    const status = document.getElementById('passkey-sign-in-status');
    section.hidden = false;

    const signIn = async (useBrowserAutofill) => {
      const optionsJSON = await postJson(loginForm, '/login/passkey/options');
      const response = await webauthn.startAuthentication({ optionsJSON, useBrowserAutofill });
      const done = await postJson(loginForm, '/login/passkey', {
        response,
        next: loginForm.elements.next.value,
      });
      window.location.assign(done.redirect);
    };

    button.addEventListener('click', async () => {
      status.hidden = true;
      button.disabled = true;
      try {
        await signIn(false);
      } catch (error) {
        showProblem(status, error);
        button.disabled = false;
      }
    });

    // Conditional mediation: the email field's suggestions include this site's passkeys. A
    // click on the button cancels it (the library aborts the waiting request).
    webauthn.browserSupportsWebAuthnAutofill().then((supported) => {
      if (supported) {
        signIn(true).catch((error) => {
          if (error && error.name !== 'AbortError' && error.name !== 'NotAllowedError') {
            showProblem(status, error);
          }
        });
      }
    });
  }
})();
